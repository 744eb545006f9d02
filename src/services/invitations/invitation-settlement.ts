import { type EntityManager, In } from 'typeorm';
import { Invitation } from '../../../entities/invitation.entity';
import { InvitationStatus } from '../../domain/enums';
import { OutboxEmail, OutboxStatus } from '../../../entities/outbox-email.entity';
import { toSqlDateTime } from '../../db/sql';
import { redactTokens } from './invitation-email';
import { AuditAction } from '../../domain/enums';
import { scopeOfRow } from '../../domain/scope';
import { type AuditActor, recordAudit } from '../audit/audit.service';
import { InvitationCounter } from '../../../entities/invitation-counter.entity';
import { RateLimitedError } from '../../domain/errors';
import { findLocked } from '../../db/transaction';

/**
 * Ending invitations, shared by the invitation and membership services: inside their
 * organization's lock, so that what they read is what they change.
 */

/**
 * Moves a PENDING, unexpired invitation to its final status. A conditional update: of two racing
 * answers only one changes the row, and the affected-row count says which.
 */
export async function settle(em: EntityManager, id: string, status: InvitationStatus, now: Date): Promise<boolean> {
  const result = await em
    .createQueryBuilder()
    .update(Invitation)
    .set({ status, pendingKey: null, answeredAt: now, updatedAt: now })
    .where('id = :id AND status = :pending AND expires_at > :now', {
      id,
      pending: InvitationStatus.PENDING,
      now: toSqlDateTime(now),
    })
    .execute();
  return result.affected === 1;
}

/** Outbox rows of invitations that have not gone out: withdrawn, with their dead links redacted. */
export async function cancelQueuedEmails(
  em: EntityManager,
  invitationIds: string | string[],
  now: Date,
): Promise<void> {
  const ids = typeof invitationIds === 'string' ? [invitationIds] : invitationIds;
  if (ids.length === 0) return;
  const queued = await em.findBy(OutboxEmail, { invitationId: In(ids), status: OutboxStatus.PENDING });
  for (const email of queued) {
    await em.update(
      OutboxEmail,
      { id: email.id, status: OutboxStatus.PENDING },
      {
        status: OutboxStatus.CANCELLED,
        textBody: redactTokens(email.textBody),
        htmlBody: redactTokens(email.htmlBody),
        updatedAt: now,
      },
    );
  }
}

/**
 * Revokes the organization's PENDING invitations addressed to `email` or sent by `invitedById`
 * (someone leaving the organization), and withdraws their unsent emails.
 */
export async function revokePendingInvitations(
  em: EntityManager,
  actor: AuditActor,
  organizationId: string,
  who: { email: string | null; invitedById: string },
): Promise<void> {
  const pending = await em.find(Invitation, {
    where: [
      ...(who.email ? [{ organizationId, status: InvitationStatus.PENDING, email: who.email }] : []),
      { organizationId, status: InvitationStatus.PENDING, invitedById: who.invitedById },
    ],
  });
  const now = actor.at;
  const revoked: string[] = [];
  for (const invitation of pending) {
    if (!(await settle(em, invitation.id, InvitationStatus.REVOKED, now))) continue;
    revoked.push(invitation.id);
    await recordAudit(em, actor, {
      action: AuditAction.INVITATION_REVOKED,
      scope: scopeOfRow(invitation),
      email: invitation.email,
      toRole: invitation.role,
    });
  }
  await cancelQueuedEmails(em, revoked, now);
}

const HOUR = 3600_000;

/**
 * The abuse limit (docs/domain-rules.md §4): invitation emails queued for one organization in the
 * current clock hour — by people and by its directory alike — counted in `invitation_counters`
 * inside the invitation's transaction, under the organization's lock, so concurrent invitations
 * count one after the other, on every instance. Past `perHour`, RATE_LIMITED with the seconds
 * until the next hour's count starts.
 */
export async function countInvitationEmail(
  em: EntityManager,
  organizationId: string,
  at: Date,
  perHour: number,
): Promise<void> {
  const now = at.getTime();
  const windowStart = new Date(Math.floor(now / HOUR) * HOUR);
  const counter = await findLocked(em, InvitationCounter, { organizationId, windowStart });
  if ((counter?.count ?? 0) >= perHour) {
    throw new RateLimitedError(Math.ceil((windowStart.getTime() + HOUR - now) / 1000));
  }
  if (counter) {
    await em.update(InvitationCounter, { organizationId, windowStart }, { count: counter.count + 1 });
  } else {
    await em.insert(InvitationCounter, { organizationId, windowStart, count: 1 });
  }
}
