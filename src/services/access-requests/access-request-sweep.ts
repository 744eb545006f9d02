import type { DataSource } from 'typeorm';
import { AccessRequest } from '../../../entities/access-request.entity';
import { accessAt } from '../../../permissions/access';
import type { Config } from '../../config/config';
import { fromSqlDateTime, placeholders, toSqlDateTime } from '../../db/sql';
import { findLocked, withOrganizationLock } from '../../db/transaction';
import { AccessRequestStatus, Permission, Role } from '../../domain/enums';
import { scopeOfRow, type ScopeRef } from '../../domain/scope';
import { createLoaders } from '../../loaders';
import { type DigestEntry, queueDigestEmail, scopeLabelOf } from './access-request-email';
import { expireRequest } from './access-request-rows';

/**
 * What the sweeper does for requests to join (docs/domain-rules.md §20): it settles the requests
 * unanswered for 30 days as EXPIRED (each with its ACCESS_REQUEST_EXPIRED event, no actor), and
 * it emails each scope's managers what came in — one digest per scope, so per manager and scope,
 * an hour at most: a scope whose last digest went out less than an hour ago waits, and its
 * requests go into the next one. Each step runs in the organization's lock and reads again what it
 * changes, so that two instances sweeping at once do the work once.
 */

const BATCH = 100;
const HOUR_MS = 3_600_000;
const gone = () => new Error('organization gone');

async function orGone<T>(work: Promise<T>, otherwise: T): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof Error && error.message === 'organization gone') return otherwise;
    throw error;
  }
}

/** Settles the requests past their date; resolves to how many. */
export async function expireAccessRequests(db: DataSource, now: Date): Promise<number> {
  let expired = 0;
  for (;;) {
    const due: { id: string; organization_id: string }[] = await db.query(
      `SELECT id, organization_id FROM access_requests WHERE status = ? AND expires_at <= ? ORDER BY expires_at LIMIT ${BATCH}`,
      [AccessRequestStatus.PENDING, toSqlDateTime(now)],
    );
    for (const row of due) {
      const done = await orGone(
        withOrganizationLock(
          db,
          row.organization_id,
          async (em) => {
            const request = await findLocked(em, AccessRequest, { id: row.id });
            return request ? expireRequest(em, request, now) : false;
          },
          gone,
        ),
        false,
      );
      if (done) expired++;
    }
    if (due.length < BATCH) return expired;
  }
}

/**
 * The people who decide on requests at a scope: those with MANAGE_MEMBERS there by the permission
 * table — ADMINs at it or above it, and holders of custom roles at it or above it whose keys give
 * it — with their address (an erased person has none to send to).
 */
async function managersOf(db: DataSource, request: AccessRequest, now: Date): Promise<string[]> {
  const scope: ScopeRef = scopeOfRow(request);
  const above = [request.organizationId, request.workspaceId, request.domainId].filter((id): id is string => !!id);
  const candidates: { user_id: string }[] = await db.query(
    `SELECT DISTINCT user_id FROM memberships WHERE organization_id = ? AND scope_id IN (${placeholders(above.length)})
       AND (role = ? OR custom_role_id IS NOT NULL)`,
    [scope.organizationId, ...above, Role.ADMIN],
  );
  const loaders = createLoaders(db, now);
  const held = await Promise.all(
    candidates.map((c) =>
      loaders.membershipsInOrganization.load({ userId: c.user_id, organizationId: scope.organizationId }),
    ),
  );
  return candidates
    .filter((_c, i) => accessAt(scope, held[i], now).permissions.has(Permission.MANAGE_MEMBERS))
    .map((c) => c.user_id);
}

/** Emails the digests that are due; resolves to how many emails it queued. */
export async function sendManagerDigests(db: DataSource, config: Config, now: Date): Promise<number> {
  const scopes: { scope_id: string; organization_id: string }[] = await db.query(
    `SELECT DISTINCT scope_id, organization_id FROM access_requests
      WHERE status = ? AND notified_at IS NULL AND expires_at > ? LIMIT ${BATCH}`,
    [AccessRequestStatus.PENDING, toSqlDateTime(now)],
  );
  let queued = 0;
  for (const { scope_id: scopeId, organization_id: organizationId } of scopes) {
    const [last] = await db.query('SELECT MAX(notified_at) AS at FROM access_requests WHERE scope_id = ?', [scopeId]);
    if (last?.at && now.getTime() - fromSqlDateTime(last.at).getTime() < HOUR_MS) continue;
    const [first] = await db.getRepository(AccessRequest).findBy({ scopeId, status: AccessRequestStatus.PENDING });
    if (!first) continue;
    const managers = await managersOf(db, first, now);
    queued += await orGone(
      withOrganizationLock(
        db,
        organizationId,
        async (em) => {
          // Read again in the lock: another instance may have sent this digest meanwhile.
          const [again] = await em.query('SELECT MAX(notified_at) AS at FROM access_requests WHERE scope_id = ?', [
            scopeId,
          ]);
          if (again?.at && now.getTime() - fromSqlDateTime(again.at).getTime() < HOUR_MS) return 0;
          const fresh: { id: string; message: string | null; email: string; display_name: string | null }[] =
            await em.query(
              `SELECT r.id, r.message, u.email, u.display_name FROM access_requests r JOIN users u ON u.id = r.requester_id
                WHERE r.scope_id = ? AND r.status = ? AND r.notified_at IS NULL AND r.expires_at > ?
                ORDER BY r.created_at, r.id`,
              [scopeId, AccessRequestStatus.PENDING, toSqlDateTime(now)],
            );
          if (fresh.length === 0) return 0;
          const entries: DigestEntry[] = fresh.map((r) => ({
            name: r.display_name,
            email: r.email,
            message: r.message,
          }));
          const scopeLabel = await scopeLabelOf(em, first);
          const recipients: { email: string }[] =
            managers.length === 0
              ? []
              : await em.query(
                  `SELECT email FROM users WHERE id IN (${placeholders(managers.length)}) AND erased_at IS NULL`,
                  managers,
                );
          for (const { email } of recipients) {
            await queueDigestEmail(em, config, { organizationId, recipient: email, scopeLabel, entries }, now);
          }
          await em.query(`UPDATE access_requests SET notified_at = ? WHERE id IN (${placeholders(fresh.length)})`, [
            toSqlDateTime(now),
            ...fresh.map((r) => r.id),
          ]);
          return recipients.length;
        },
        gone,
      ),
      0,
    );
  }
  return queued;
}
