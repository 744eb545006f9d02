import { type RequestScope, requireViewer } from '../../request/scope';
import { fromSqlDateTime } from '../../db/sql';

/**
 * Everything stored about the caller (docs/domain-rules.md §16, GDPR art. 15 and 20), as one JSON
 * document: their user record, their memberships with the names of the scopes, the invitations
 * addressed to their verified address and those they sent, and the audit events that name them —
 * as actor, as subject, or by their verified address — newest first, up to AUDIT_EVENTS_AT_MOST
 * (`auditEventsTruncated` says when there are more).
 */

export const AUDIT_EVENTS_AT_MOST = 10_000;

const iso = (value: unknown) => (value ? fromSqlDateTime(value as Date | string).toISOString() : null);

export async function dataExportOf(ctx: RequestScope): Promise<Record<string, unknown>> {
  const viewer = requireViewer(ctx);
  const db = ctx.db;
  const [user] = await db.query(
    'SELECT id, email, email_verified, display_name, created_at, updated_at FROM users WHERE id = ?',
    [viewer.id],
  );
  const verifiedEmail = user && Boolean(user.email_verified) ? (user.email as string) : null;
  const memberships: Record<string, unknown>[] = await db.query(
    `SELECT m.id, m.scope, m.role, m.created_at, m.updated_at, m.expires_at,
            m.organization_id, o.name AS organization_name, m.workspace_id, w.name AS workspace_name,
            m.domain_id, d.hostname AS domain_hostname
       FROM memberships m
       JOIN organizations o ON o.id = m.organization_id
       LEFT JOIN workspaces w ON w.id = m.workspace_id
       LEFT JOIN domains d ON d.id = m.domain_id
      WHERE m.user_id = ? ORDER BY m.created_at, m.id`,
    [viewer.id],
  );
  const invitationColumns =
    'id, scope, organization_id, workspace_id, domain_id, email, role, status, invited_by_id, created_at, expires_at, access_expires_at, answered_at';
  const received: Record<string, unknown>[] = verifiedEmail
    ? await db.query(`SELECT ${invitationColumns} FROM invitations WHERE email = ? ORDER BY created_at, id`, [
        verifiedEmail,
      ])
    : [];
  const sent: Record<string, unknown>[] = await db.query(
    `SELECT ${invitationColumns} FROM invitations WHERE invited_by_id = ? ORDER BY created_at, id`,
    [viewer.id],
  );
  const requests: Record<string, unknown>[] = await db.query(
    `SELECT id, scope, organization_id, workspace_id, domain_id, message, status, created_at, expires_at, decided_at, reason
       FROM access_requests WHERE requester_id = ? ORDER BY created_at, id`,
    [viewer.id],
  );
  const eventColumns =
    'id, action, occurred_at, actor_id, scope, organization_id, workspace_id, domain_id, subject_id, email, from_role, to_role, request_id, source, provisioning_token_id';
  const limit = AUDIT_EVENTS_AT_MOST + 1;
  const eventQueries = [
    db.query(`SELECT ${eventColumns} FROM audit_events WHERE actor_id = ? ORDER BY occurred_at DESC LIMIT ${limit}`, [
      viewer.id,
    ]),
    db.query(`SELECT ${eventColumns} FROM audit_events WHERE subject_id = ? ORDER BY occurred_at DESC LIMIT ${limit}`, [
      viewer.id,
    ]),
    ...(verifiedEmail
      ? [
          db.query(
            `SELECT ${eventColumns} FROM audit_events WHERE email = ? ORDER BY occurred_at DESC LIMIT ${limit}`,
            [verifiedEmail],
          ),
        ]
      : []),
  ];
  const byId = new Map<string, Record<string, unknown>>();
  for (const rows of await Promise.all(eventQueries)) for (const row of rows) byId.set(row.id, row);
  const events = [...byId.values()].sort((a, b) =>
    iso(a.occurred_at) === iso(b.occurred_at)
      ? String(b.id).localeCompare(String(a.id))
      : String(iso(b.occurred_at)).localeCompare(String(iso(a.occurred_at))),
  );
  const invitation = (row: Record<string, unknown>) => ({
    id: row.id,
    scope: row.scope,
    organizationId: row.organization_id,
    workspaceId: row.workspace_id ?? null,
    domainId: row.domain_id ?? null,
    email: row.email,
    role: row.role,
    status: row.status,
    invitedById: row.invited_by_id ?? null,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    accessExpiresAt: iso(row.access_expires_at),
    answeredAt: iso(row.answered_at),
  });
  return {
    exportedAt: ctx.now.toISOString(),
    user: user && {
      id: user.id,
      email: user.email,
      emailVerified: Boolean(user.email_verified),
      displayName: user.display_name ?? null,
      createdAt: iso(user.created_at),
      updatedAt: iso(user.updated_at),
    },
    memberships: memberships.map((row) => ({
      id: row.id,
      scope: row.scope,
      role: row.role,
      organization: { id: row.organization_id, name: row.organization_name },
      workspace: row.workspace_id ? { id: row.workspace_id, name: row.workspace_name } : null,
      domain: row.domain_id ? { id: row.domain_id, hostname: row.domain_hostname } : null,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
      expiresAt: iso(row.expires_at),
    })),
    invitationsReceived: received.map(invitation),
    invitationsSent: sent.map(invitation),
    accessRequests: requests.map((row) => ({
      id: row.id,
      scope: row.scope,
      organizationId: row.organization_id,
      workspaceId: row.workspace_id ?? null,
      domainId: row.domain_id ?? null,
      message: row.message ?? null,
      status: row.status,
      createdAt: iso(row.created_at),
      expiresAt: iso(row.expires_at),
      decidedAt: iso(row.decided_at),
      reason: row.reason ?? null,
    })),
    auditEvents: events.slice(0, AUDIT_EVENTS_AT_MOST).map((row) => ({
      id: row.id,
      action: row.action,
      occurredAt: iso(row.occurred_at),
      actorId: row.actor_id ?? null,
      scope: row.scope,
      organizationId: row.organization_id,
      workspaceId: row.workspace_id ?? null,
      domainId: row.domain_id ?? null,
      subjectId: row.subject_id ?? null,
      email: row.email ?? null,
      fromRole: row.from_role ?? null,
      toRole: row.to_role ?? null,
      requestId: row.request_id ?? null,
      source: row.source,
      provisioningTokenId: row.provisioning_token_id ?? null,
    })),
    auditEventsTruncated: events.length > AUDIT_EVENTS_AT_MOST,
  };
}
