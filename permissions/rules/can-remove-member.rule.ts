import { rule } from 'graphql-shield';
import type { RequestScope } from '../../src/request/scope';
import { ForbiddenError, NotFoundError } from '../../src/domain/errors';
import { isUuid } from '../../src/domain/validation';
import { scopeOfRow } from '../../src/domain/scope';
import { Permission } from '../../src/domain/enums';
import { mayRemove } from '../capabilities';

/**
 * `removeMember(memberId)`: a membership exists for those who may read its scope's members; it
 * may be removed with MANAGE_MEMBERS there, or by its own holder below the organization (they
 * leave that workspace or domain). The same `mayRemove` decides `Member.viewerCan.remove`.
 */
export const canRemoveMember = rule('canRemoveMember', { cache: 'no_cache' })(async (
  _parent,
  args: { memberId?: unknown },
  ctx: RequestScope,
) => {
  const id = args.memberId;
  const membership = typeof id === 'string' && isUuid(id) ? await ctx.loaders.membership.load(id) : null;
  const access = membership ? await ctx.access.at(scopeOfRow(membership)) : null;
  if (!membership || !access) return new NotFoundError('Member');
  const scope = scopeOfRow(membership);
  if (!access.permissions.has(Permission.READ_MEMBERS)) {
    return ctx.access.refusal(scope, Permission.READ_MEMBERS, new NotFoundError('Member'));
  }
  return mayRemove(ctx.viewer?.id ?? null, access, membership)
    ? true
    : ctx.access.refusal(
        scope,
        Permission.MANAGE_MEMBERS,
        new ForbiddenError({ permission: Permission.MANAGE_MEMBERS }),
      );
});
