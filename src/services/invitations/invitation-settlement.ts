import { type EntityManager, In } from 'typeorm';
import { Invitation } from '../../../entities/invitation.entity';
import { InvitationStatus } from '../../domain/enums';
import { OutboxEmail, OutboxStatus } from '../../../entities/outbox-email.entity';
import { toSqlDateTime } from '../../db/sql';
import { redactTokens } from './invitation-email';
import { AuditAction } from '../../domain/enums';
import { scopeOfRow } from '../../domain/scope';
import { type AuditActor, recordAudit } from '../audit.service';

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
