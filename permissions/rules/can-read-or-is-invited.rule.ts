import { Permission, ScopeKind } from '../../src/domain/enums';
import { onParentScope } from './parent-scope';

/**
 * The identifying fields of a scope (`id`, and `name` or `hostname`) for READers — and for
 * someone holding a PENDING invitation into it, so that `me.pendingInvitations { organization {
 * name } }` tells the invitee where they are invited — and of an organization the viewer may join
 * or ask to join by their verified email domain (`joinableOrganizations`), of a scope they asked to
 * join (their `accessRequests`), or of an organization whose sign-in policy blocks the viewer's
 * memberships there (docs/domain-rules.md §20). Nothing else of the scope opens to them.
 */
export const canReadOrIsInvited = onParentScope(
  'canReadOrIsInvited',
  async (scope, ctx) =>
    (await ctx.access.allows(scope, Permission.READ)) ||
    (await ctx.access.isInvitedTo(scope)) ||
    // Someone who asked to join it sees where their request goes (docs/domain-rules.md §20).
    (await ctx.access.hasAskedToJoin(scope)) ||
    (scope.kind === ScopeKind.ORGANIZATION &&
      ((await ctx.access.joinableOrganizationIds()).includes(scope.organizationId) ||
        // A member whom the sign-in policy blocks still sees which organization asks them to sign in again.
        (await ctx.access.heldAt(scope)).permissions.has(Permission.READ))),
  Permission.READ,
  Permission.READ,
);
