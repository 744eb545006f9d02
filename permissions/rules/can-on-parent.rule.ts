import type { Rule } from 'graphql-shield/typings/rules';
import type { Permission } from '../../src/domain/enums';
import { onParentScope } from './parent-scope';

const rules = new Map<Permission, Rule>();

/** A field of an Organization, Workspace or Domain needs `permission` at that object's scope. */
export function canOnParent(permission: Permission): Rule {
  let found = rules.get(permission);
  if (!found) {
    found = onParentScope(
      `canOnParent_${permission}`,
      (scope, ctx) => ctx.access.allows(scope, permission),
      permission,
      permission,
    );
    rules.set(permission, found);
  }
  return found;
}
