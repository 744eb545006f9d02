import { rule } from 'graphql-shield';
import type { User } from '../../entities/user.entity';
import type { Context } from '../../src/graphql/context';
import { ForbiddenError } from '../../src/domain/errors';

/**
 * `User.email`: the user, those who share an organization with them, and the readers of a log
 * that names them (its actor or subject), also after they left (docs/domain-rules.md §5).
 */
export const isSelfOrSharesOrganization = rule('isSelfOrSharesOrganization', { cache: 'no_cache' })(
  async (parent: User, _args, ctx: Context) =>
    (await ctx.access.knowsPerson(parent.id)) ? true : new ForbiddenError(),
);

/**
 * `User.id` and `User.displayName` also for someone this user has invited (a PENDING invitation
 * to the viewer's verified address): the invitee learns who invites them, not their email.
 */
export const isKnownOrInvitedViewer = rule('isKnownOrInvitedViewer', { cache: 'no_cache' })(
  async (parent: User, _args, ctx: Context) =>
    (await ctx.access.knowsPerson(parent.id)) || (await ctx.access.wasInvitedBy(parent.id))
      ? true
      : new ForbiddenError(),
);

/** Every other field of `User`: the user alone. */
export const isSelf = rule('isSelf', { cache: 'no_cache' })((parent: User, _args, ctx: Context) =>
  ctx.viewer && ctx.viewer.id === parent.id ? true : new ForbiddenError(),
);
