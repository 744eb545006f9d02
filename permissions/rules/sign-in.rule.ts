import { rule } from 'graphql-shield';
import type { RequestScope } from '../../src/request/scope';
import { NotFoundError } from '../../src/domain/errors';
import { Permission } from '../../src/domain/enums';
import { loadScope } from './load-scope';

/**
 * `Query.organization(id)`: READ on it — or membership in it while its sign-in policy blocks the
 * caller (docs/domain-rules.md §20). Such a caller gets the organization, but of it only `id`,
 * `name` and `viewerSignInRequired`: every other field refuses with SIGN_IN_POLICY, so a frontend
 * can show which organization asks them to sign in again, and how. Anyone else: NOT_FOUND.
 */
export const readsOrganizationOrMustSignIn = rule('readsOrganizationOrMustSignIn', { cache: 'no_cache' })(async (
  _parent,
  args: { id?: unknown },
  ctx: RequestScope,
) => {
  const scope = await loadScope(ctx, 'Organization', args.id);
  if (!scope) return new NotFoundError('Organization');
  if (await ctx.access.allows(scope, Permission.READ)) return true;
  if (
    (await ctx.access.signInStandingIn(scope.organizationId)).kind === 'blocked' &&
    (await ctx.access.heldAt(scope)).permissions.has(Permission.READ)
  ) {
    return true;
  }
  return new NotFoundError('Organization');
});
