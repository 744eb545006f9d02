import { Permission } from '../../src/domain/enums';
import { onParentScope } from './parent-scope';

/**
 * `Organization.seatsUsed`, which tells how many invitations are pending: for those who read the
 * organization's billing, and for those who invite somewhere in it (whose invitations take the
 * seats). Other members see the limit, not what fills it.
 */
export const seesSeats = onParentScope(
  'seesSeats',
  async (scope, ctx) =>
    (await ctx.access.allows(scope, Permission.READ_BILLING)) ||
    (await ctx.access.allowsAnywhereIn(scope.organizationId, Permission.INVITE_MEMBERS)),
  Permission.READ_BILLING,
);
