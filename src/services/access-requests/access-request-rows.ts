import type { EntityManager } from 'typeorm';
import { AccessRequest } from '../../../entities/access-request.entity';
import { toSqlDateTime } from '../../db/sql';
import { AccessRequestStatus, AuditAction } from '../../domain/enums';
import { AccessRequestNotPendingError } from '../../domain/errors';
import { scopeOfRow } from '../../domain/scope';
import { type AuditActor, recordAudit, systemActor } from '../audit/audit.service';

/**
 * Ending requests to join (docs/domain-rules.md §20), shared by the request service, the
 * sweeper and removals from an organization: inside the organization's lock.
 */

/**
 * Moves a PENDING, unexpired request to its final status. A conditional update: of two racing
 * changes only one touches the row, and the affected-row count says which.
 */
export async function settle(
  em: EntityManager,
  id: string,
  status: AccessRequestStatus,
  now: Date,
  decision: { decidedById?: string | null; reason?: string | null } = {},
): Promise<boolean> {
  const result = await em
    .createQueryBuilder()
    .update(AccessRequest)
    .set({ status, pendingKey: null, updatedAt: now, ...decision, ...(decision.decidedById ? { decidedAt: now } : {}) })
    .where('id = :id AND status = :pending AND expires_at > :now', {
      id,
      pending: AccessRequestStatus.PENDING,
      now: toSqlDateTime(now),
    })
    .execute();
  return result.affected === 1;
}

/** Why a conditional update changed nothing: the status the request has now. */
export async function notPending(em: EntityManager, id: string, now: Date): Promise<AccessRequestNotPendingError> {
  const fresh = await em.findOneBy(AccessRequest, { id });
  return new AccessRequestNotPendingError(fresh?.effectiveStatus(now) ?? AccessRequestStatus.WITHDRAWN);
}

/** A request past its date that still holds the pending place: settled EXPIRED, with its event. */
export async function expireRequest(em: EntityManager, request: AccessRequest, at: Date): Promise<boolean> {
  const result = await em
    .createQueryBuilder()
    .update(AccessRequest)
    .set({ status: AccessRequestStatus.EXPIRED, pendingKey: null, updatedAt: at })
    .where('id = :id AND status = :pending AND expires_at <= :now', {
      id: request.id,
      pending: AccessRequestStatus.PENDING,
      now: toSqlDateTime(at),
    })
    .execute();
  if (result.affected !== 1) return false;
  await recordAudit(em, systemActor(at), {
    action: AuditAction.ACCESS_REQUEST_EXPIRED,
    scope: scopeOfRow(request),
    subjectId: request.requesterId,
  });
  return true;
}

/**
 * Inside the lock of a removal from the organization (docs/domain-rules.md §3): the person's
 * pending requests there end WITHDRAWN, so that approving one cannot bring them back.
 */
export async function withdrawRequestsOf(
  em: EntityManager,
  actor: AuditActor,
  organizationId: string,
  userId: string,
): Promise<void> {
  const pending = await em.findBy(AccessRequest, {
    organizationId,
    requesterId: userId,
    status: AccessRequestStatus.PENDING,
  });
  for (const request of pending) {
    if (await settle(em, request.id, AccessRequestStatus.WITHDRAWN, actor.at))
      await recordWithdrawal(em, actor, request);
  }
}

/** `ACCESS_REQUEST_WITHDRAWN` in the request's scope, the requester as its subject. */
export async function recordWithdrawal(em: EntityManager, actor: AuditActor, request: AccessRequest): Promise<void> {
  await recordAudit(em, actor, {
    action: AuditAction.ACCESS_REQUEST_WITHDRAWN,
    scope: scopeOfRow(request),
    subjectId: request.requesterId,
  });
}
