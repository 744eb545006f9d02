import { rule } from 'graphql-shield';
import type { User } from '../../entities/user.entity';
import type { RequestScope } from '../../src/request/scope';
import { ForbiddenError } from '../../src/domain/errors';
import { allowsAlready } from './parent-scope';

/**
 * `User.id`, `User.displayName` and `User.email` also for someone this user has invited (a PENDING
 * invitation to the viewer's verified address): the invitee learns who invites them, as the
 * invitation email tells them anyway.
 */
export const isKnownOrInvitedViewer = rule('isKnownOrInvitedViewer', { cache: 'no_cache' })(
  async (parent: User, _args, ctx: RequestScope) =>
    (await ctx.access.knowsPerson(parent.id)) || (await ctx.access.wasInvitedBy(parent.id))
      ? true
      : new ForbiddenError(),
);
// Known already (themself, a co-member listed with them, named by a log or request): allowed.
allowsAlready.set(isKnownOrInvitedViewer, (parent, ctx) => ctx.access.knowsPersonAlready((parent as User).id));

/** Every other field of `User`: the user alone. */
export const isSelf = rule('isSelf', { cache: 'no_cache' })((parent: User, _args, ctx: RequestScope) =>
  ctx.viewer && ctx.viewer.id === parent.id ? true : new ForbiddenError(),
);
