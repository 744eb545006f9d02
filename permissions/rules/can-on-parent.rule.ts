import { rule } from 'graphql-shield';
import type { Rule } from 'graphql-shield/typings/rules';
import type { Context } from '../../src/context';
import { ForbiddenError } from '../../src/errors';
import type { Permission } from '../access';
import { scopeOfEntity } from '../scopes';

const rules = new Map<Permission, Rule>();

/**
 * A field of an Organization, Workspace or Domain needs `permission` at that object's scope.
 * Runs on every path that reaches the object, `_entities` included. Not cached by shield: the
 * answer depends on the parent, and the permission lookup is memoised per request anyway.
 */
export function canOnParent(permission: Permission): Rule {
  let found = rules.get(permission);
  if (!found) {
    found = rule(`canOnParent_${permission}`, { cache: 'no_cache' })(async (parent, _args, ctx: Context) => {
      const scope = scopeOfEntity(parent);
      if (!scope) return new ForbiddenError();
      return (await ctx.access.allows(scope, permission)) ? true : new ForbiddenError();
    });
    rules.set(permission, found);
  }
  return found;
}
