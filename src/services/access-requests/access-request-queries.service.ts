import { AccessRequest } from '../../../entities/access-request.entity';
import type { Page } from '../../db/pagination';
import { newestFirstPage } from '../../db/pagination';
import { toSqlDateTime } from '../../db/sql';
import { AccessRequestStatus, Permission, ScopeKind } from '../../domain/enums';
import { organizationScope, scopeColumn, scopeOfRow } from '../../domain/scope';
import type { RequestScope } from '../../request/scope';
import { requireViewer } from '../../request/scope';

/** Reading requests to join (docs/domain-rules.md §20): a manager's list, and a person's own. */

/** The SQL condition for an (effective) status: EXPIRED is stored by the sweeper and derived before it runs. */
function statusClause(alias: string, status: AccessRequestStatus): string {
  switch (status) {
    case AccessRequestStatus.PENDING:
      return `(${alias}.status = 'PENDING' AND ${alias}.expires_at > :now)`;
    case AccessRequestStatus.EXPIRED:
      return `(${alias}.status = 'EXPIRED' OR (${alias}.status = 'PENDING' AND ${alias}.expires_at <= :now))`;
    default:
      return `${alias}.status = :status`;
  }
}

/**
 * `Organization.accessRequests`: the requests of the organization's tree that the caller may
 * decide — those of the scopes where they hold MANAGE_MEMBERS (all of them for an organization
 * ADMIN; a workspace's include its domains') — newest first, with one status (null: all). Nobody
 * else's requests show: a caller who decides nowhere gets an empty list.
 */
export async function accessRequestsOf(
  ctx: RequestScope,
  organizationId: string,
  args: { status?: AccessRequestStatus | null; first?: number | null; after?: string | null },
): Promise<Page<AccessRequest>> {
  const query = ctx.db
    .getRepository(AccessRequest)
    .createQueryBuilder('r')
    .where('r.organization_id = :organizationId', { organizationId });
  if (!(await ctx.access.allows(organizationScope({ id: organizationId }), Permission.MANAGE_MEMBERS))) {
    const decided: string[] = [];
    const params: Record<string, string> = {};
    for (const membership of await ctx.access.memberships()) {
      if (membership.organizationId !== organizationId || membership.scope === ScopeKind.ORGANIZATION) continue;
      if (!(await ctx.access.allows(scopeOfRow(membership), Permission.MANAGE_MEMBERS))) continue;
      const key = `scope${decided.length}`;
      params[key] = membership.scopeId;
      decided.push(`r.${scopeColumn(membership.scope)} = :${key}`);
    }
    query.andWhere(decided.length > 0 ? `(${decided.join(' OR ')})` : '1 = 0', params);
  }
  if (args.status) {
    query.andWhere(statusClause('r', args.status), { now: toSqlDateTime(ctx.now), status: args.status });
  }
  const page = await newestFirstPage(query, 'r', 'created_at', (request) => request.createdAt, args);
  // The managers see who asked, and who decided (a fellow manager).
  ctx.access.noteKnownThroughRequests(page.nodes.flatMap((r) => [r.requesterId, r.decidedById]));
  return page;
}

/** `User.accessRequests`: the caller's own requests, newest first, with one status (null: all). */
export async function ownAccessRequests(
  ctx: RequestScope,
  status: AccessRequestStatus | null | undefined,
): Promise<AccessRequest[]> {
  const viewer = requireViewer(ctx);
  const mine = await ctx.loaders.accessRequestsByRequester.load(viewer.id);
  const shown = status ? mine.filter((r) => r.effectiveStatus(ctx.now) === status) : mine;
  // The requester sees who decided their request, as an invitee sees who invited them.
  ctx.access.noteKnownThroughRequests(shown.map((r) => r.decidedById));
  return shown;
}
