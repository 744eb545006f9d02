import { Permission } from '../access';
import { onParentScope } from './parent-scope';

/**
 * The identifying fields of a scope (`id`, and `name` or `hostname`) for READers — and for
 * someone holding a PENDING invitation into it, so that `me.pendingInvitations { organization {
 * name } }` tells the invitee where they are invited. Nothing else of the scope opens to them.
 */
export const canReadOrIsInvited = onParentScope(
  'canReadOrIsInvited',
  async (scope, ctx) => (await ctx.access.allows(scope, Permission.READ)) || ctx.access.isInvitedTo(scope),
  Permission.READ,
);
