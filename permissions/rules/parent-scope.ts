import { rule } from 'graphql-shield';
import type { Rule } from 'graphql-shield/typings/rules';
import type { RequestScope } from '../../src/request/scope';
import type { ScopeRef } from '../../src/domain/scope';
import { ForbiddenError } from '../../src/domain/errors';
import type { Permission } from '../../src/domain/enums';
import { scopeOfEntity } from './load-scope';

/**
 * A rule on a field of an Organization, Workspace or Domain that decides on that object's scope.
 * Refuses with FORBIDDEN naming `permission` (SIGN_IN_POLICY for a member the sign-in policy blocks). Runs on every path that reaches the object, `_entities` included. Not cached by shield: the
 * answer depends on the parent (the access behind `decide` is memoised per request anyway).
 */
export function onParentScope(
  name: string,
  decide: (scope: ScopeRef, ctx: RequestScope) => Promise<boolean>,
  permission: Permission,
  /**
   * A permission whose holding at the scope makes `decide` true (where `decide` is "holds it, or
   * …"): where that access is already decided in this request, the rule is known to allow
   * without its promise. Omitted for a rule that asks more of the access than a permission.
   */
  allowedBy?: Permission,
): Rule {
  const found = rule(name, { cache: 'no_cache' })(async (parent, _args, ctx: RequestScope) => {
    const scope = scopeOfEntity(parent);
    if (!scope) return new ForbiddenError({ permission });
    if (await decide(scope, ctx)) return true;
    // SIGN_IN_POLICY when only the organization's sign-in policy stands in the way (docs/domain-rules.md §20).
    return ctx.access.refusal(scope, permission, new ForbiddenError({ permission }));
  });
  if (allowedBy !== undefined) {
    allowsAlready.set(found, (parent, ctx) => {
      const scope = scopeOfEntity(parent);
      return scope !== null && ctx.access.allowsNow(scope, allowedBy) === true;
    });
  }
  return found;
}

/**
 * For a rule, where it is known: whether the request has already decided, synchronously, that the
 * rule allows the field on this parent — true only where the rule itself would answer true, so a
 * field may then skip the rule's promise (src/graphql/quick-allow.ts); false means "ask the rule".
 */
export const allowsAlready = new WeakMap<Rule, (parent: unknown, ctx: RequestScope) => boolean>();
