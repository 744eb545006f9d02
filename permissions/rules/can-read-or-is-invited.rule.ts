import { Permission, ScopeKind } from '../../src/domain/enums';
import { onParentScope } from './parent-scope';

/**
 * The identifying fields of a scope (`id`, and `name` or `hostname`) for READers — and for
 * someone holding a PENDING invitation into it, so that `me.pendingInvitations { organization {
 * name } }` tells the invitee where they are invited — and of an organization the viewer may join
 * by their verified email domain (`joinableOrganizations`). Nothing else of the scope opens to them.
 */
export const canReadOrIsInvited = onParentScope(
  'canReadOrIsInvited',
  async (scope, ctx) =>
    (await ctx.access.allows(scope, Permission.READ)) ||
    (await ctx.access.isInvitedTo(scope)) ||
    (scope.kind === ScopeKind.ORGANIZATION &&
      (await ctx.access.joinableOrganizationIds()).includes(scope.organizationId)),
  Permission.READ,
);
