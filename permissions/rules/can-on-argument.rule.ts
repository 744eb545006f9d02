import { rule } from 'graphql-shield';
import type { Rule } from 'graphql-shield/typings/rules';
import type { RequestScope } from '../../src/request/scope';
import { ForbiddenError, NotFoundError } from '../../src/domain/errors';
import { Permission } from '../../src/domain/enums';
import { TARGET_LABEL, type Target } from '../scopes';
import { loadScope } from './load-scope';

const rules = new Map<string, Rule>();

function argumentAt(args: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], args);
}

/**
 * A root field that names something by an argument (at `argPath`, e.g. `id` or
 * `input.workspaceId`) needs `permission` in its scope. What the caller may not see there —
 * without `visibleWith` (READ for a scope, READ_MEMBERS for a membership, INVITE_MEMBERS for an
 * invitation) — answers exactly like what does not exist: NOT_FOUND. Seen but not permitted is
 * FORBIDDEN.
 */
export function canOnArgument(
  target: Target,
  argPath: string,
  permission: Permission,
  visibleWith: Permission = Permission.READ,
): Rule {
  const name = `canOnArgument_${target}_${argPath}_${permission}_${visibleWith}`;
  let found = rules.get(name);
  if (!found) {
    found = rule(name, { cache: 'no_cache' })(async (_parent, args, ctx: RequestScope) => {
      const scope = await loadScope(ctx, target, argumentAt(args, argPath));
      if (!scope) return new NotFoundError(TARGET_LABEL[target]);
      const access = await ctx.access.at(scope);
      // A member whom the organization's sign-in policy blocks hears SIGN_IN_POLICY where their
      // memberships would see the thing (docs/domain-rules.md §20), and NOT_FOUND elsewhere.
      if (!access.permissions.has(visibleWith)) {
        return ctx.access.refusal(scope, visibleWith, new NotFoundError(TARGET_LABEL[target]));
      }
      return access.permissions.has(permission)
        ? true
        : ctx.access.refusal(scope, permission, new ForbiddenError({ permission }));
    });
    rules.set(name, found);
  }
  return found;
}
