import { rule } from 'graphql-shield';
import type { User } from '../../entities/user.entity';
import type { Context } from '../../src/context';
import { ForbiddenError } from '../../src/errors';

/** Whether the viewer may see a user's email and name: themself, or someone sharing an organization. */
export async function sharesOrganization(ctx: Context, userId: string): Promise<boolean> {
  if (!ctx.viewer) return false;
  if (ctx.viewer.id === userId || ctx.access.isKnownCoMember(userId)) return true;
  const [mine, theirs] = await Promise.all([ctx.access.memberships(), ctx.loaders.membershipsByUser.load(userId)]);
  const organizations = new Set(mine.map((m) => m.organizationId));
  return theirs.some((m) => organizations.has(m.organizationId));
}

/** `User.email`, `User.displayName` (SPEC §5). */
export const isSelfOrSharesOrganization = rule('isSelfOrSharesOrganization', { cache: 'no_cache' })(
  async (parent: User, _args, ctx: Context) =>
    (await sharesOrganization(ctx, parent.id)) ? true : new ForbiddenError(),
);

/** Every other field of `User`: the user alone. */
export const isSelf = rule('isSelf', { cache: 'no_cache' })((parent: User, _args, ctx: Context) =>
  ctx.viewer && ctx.viewer.id === parent.id ? true : new ForbiddenError(),
);
