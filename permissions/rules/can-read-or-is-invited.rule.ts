import { rule } from 'graphql-shield';
import type { Context } from '../../src/context';
import { ForbiddenError } from '../../src/errors';
import { Permission } from '../access';
import { scopeOfEntity } from '../scopes';

/**
 * The identifying fields of a scope (`id`, and `name` or `hostname`) for READers — and for
 * someone holding a PENDING invitation into it, so that `me.pendingInvitations { organization {
 * name } }` tells the invitee where they are invited. Nothing else of the scope opens to them.
 */
export const canReadOrIsInvited = rule('canReadOrIsInvited', { cache: 'no_cache' })(async (
  parent,
  _args,
  ctx: Context,
) => {
  const scope = scopeOfEntity(parent);
  if (!scope) return new ForbiddenError();
  if (await ctx.access.allows(scope, Permission.READ)) return true;
  return (await ctx.access.isInvitedTo(scope)) ? true : new ForbiddenError();
});
