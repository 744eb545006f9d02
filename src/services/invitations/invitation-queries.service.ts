import { Invitation } from '../../../entities/invitation.entity';
import { InvitationStatus } from '../../domain/enums';
import { Permission, ScopeKind } from '../../domain/enums';
import { scopeId, type ScopeRef } from '../../domain/scope';
import { type RequestScope, requireViewer } from '../../request/scope';
import { containsPattern, toSqlDateTime } from '../../db/sql';
import { BadUserInputError } from '../../domain/errors';
import type { Page } from '../../db/pagination';
import { newestFirstPage } from '../../db/pagination';
import { scopeOfRow } from '../../domain/scope';
import { organizationScope, scopeColumn } from '../../domain/scope';
/**
 * Reading invitations: a scope's, the caller's own, and every one of an organization's tree the
 * caller may see (docs/domain-rules.md §4, §10).
 */

/** Names that go into the email and the preview. */
export async function invitationNames(
  ctx: RequestScope,
  invitation: Pick<Invitation, 'organizationId' | 'workspaceId' | 'domainId'>,
) {
  const [organization, workspace, domain] = await Promise.all([
    ctx.loaders.organization.load(invitation.organizationId),
    invitation.workspaceId ? ctx.loaders.workspace.load(invitation.workspaceId) : null,
    invitation.domainId ? ctx.loaders.domain.load(invitation.domainId) : null,
  ]);
  const organizationName = organization?.name ?? '';
  const scopeLabel = domain
    ? `${domain.hostname} (${organizationName})`
    : workspace
      ? `the ${workspace.name} workspace of ${organizationName}`
      : organizationName;
  return {
    organizationName,
    workspaceName: workspace?.name ?? null,
    domainHostname: domain?.hostname ?? null,
    scopeLabel,
  };
}

/** `me.pendingInvitations`: PENDING invitations to the caller's verified email. */
export async function pendingInvitationsOfViewer(ctx: RequestScope): Promise<Invitation[]> {
  requireViewer(ctx);
  return ctx.access.pendingInvitations();
}

/** A scope's invitations with one status (PENDING by default). */
export function invitationsAt(
  ctx: RequestScope,
  scope: ScopeRef,
  status: InvitationStatus | null | undefined,
): Promise<Invitation[]> {
  return ctx.loaders.invitationsByScope.load({ scopeId: scopeId(scope), status: status ?? InvitationStatus.PENDING });
}

/** `Organization.allInvitations`: a page of the invitations a caller may see, with their total. */
export interface InvitationPageResult extends Page<Invitation> {
  totalCount: number;
}

/**
 * Every invitation of the organization tree that the caller may see — those of the scopes where
 * they hold INVITE_MEMBERS (all of them for an organization ADMIN; a workspace's include its
 * domains') — newest first, filtered by (effective) status and by a part of the address.
 */
export async function allInvitationsOf(
  ctx: RequestScope,
  organizationId: string,
  args: { first?: number | null; after?: string | null; status?: InvitationStatus[] | null; query?: string | null },
): Promise<InvitationPageResult> {
  const organization = organizationScope({ id: organizationId });
  const query = ctx.db.getRepository(Invitation).createQueryBuilder('i').where('i.organization_id = :organizationId', {
    organizationId,
  });
  if (!(await ctx.access.allows(organization, Permission.INVITE_MEMBERS))) {
    // Below the organization: the workspaces and domains where the caller may invite.
    const visible: string[] = [];
    const params: Record<string, string> = {};
    for (const membership of await ctx.access.memberships()) {
      if (membership.organizationId !== organizationId || membership.scope === ScopeKind.ORGANIZATION) continue;
      if (!(await ctx.access.allows(scopeOfRow(membership), Permission.INVITE_MEMBERS))) continue;
      const key = `scope${visible.length}`;
      params[key] = membership.scopeId;
      visible.push(`i.${scopeColumn(membership.scope)} = :${key}`);
    }
    query.andWhere(visible.length > 0 ? `(${visible.join(' OR ')})` : '1 = 0', params);
  }
  const now = toSqlDateTime(ctx.now);
  const statuses = [...new Set(args.status ?? [])];
  if (statuses.length > 0) {
    // EXPIRED is stored for superseded invitations and derived for PENDING ones past their date.
    const clauses = statuses.map((status, index) =>
      status === InvitationStatus.PENDING
        ? `(i.status = 'PENDING' AND i.expires_at > :now)`
        : status === InvitationStatus.EXPIRED
          ? `(i.status = 'EXPIRED' OR (i.status = 'PENDING' AND i.expires_at <= :now))`
          : `i.status = :status${index}`,
    );
    query.andWhere(
      `(${clauses.join(' OR ')})`,
      Object.fromEntries([['now', now], ...statuses.map((status, index) => [`status${index}`, status])]),
    );
  }
  const text = args.query?.trim();
  if (text) {
    if (text.length > 254) throw new BadUserInputError('query must be at most 254 characters.', 'query');
    query.andWhere(`i.email LIKE :pattern ESCAPE '!'`, { pattern: containsPattern(text) });
  }
  const totalCount = await query.clone().getCount();
  const page = await newestFirstPage(query, 'i', 'created_at', (invitation) => invitation.createdAt, args);
  return { ...page, totalCount };
}
