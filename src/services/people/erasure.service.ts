import { Membership } from '../../../entities/membership.entity';
import { User } from '../../../entities/user.entity';
import { addressesOf, erasedAddress } from '../../db/people';
import { placeholders, toSqlDateTime } from '../../db/sql';
import { inTransaction, withOrganizationLock } from '../../db/transaction';
import { AuditAction, InvitationStatus, Role, ScopeKind } from '../../domain/enums';
import { OutboxStatus } from '../../../entities/outbox-email.entity';
import { organizationScope } from '../../domain/scope';
import type { RequestScope } from '../../request/scope';
import { auditActorOf, recordAudit } from '../audit/audit.service';
import { hasLastingAdmin, removeWithin } from '../memberships/membership-grants';
import { revokePendingInvitations } from '../invitations/invitation-settlement';

/** What an erasure did, for the caller's log line and answer. */
export interface Erasure {
  userId: string;
  /** False when the person is unknown here or was erased before: nothing changed. */
  erased: boolean;
  /** Organizations they were removed from (or had pending invitations in). */
  organizations: string[];
  /** Of those, the ones it left without a lasting ADMIN (`needsAdmin`). */
  withoutAdmin: string[];
}

/** What replaces the text of an email that named an erased person. */
const ERASED_TEXT = '(erased)';

/**
 * Erases a person at the identity provider's request (docs/domain-rules.md §16). In each
 * organization where they belong or have pending invitations, under its lock: every membership
 * removed (MEMBER_REMOVED, the last ADMIN included), the PENDING invitations to and from them
 * revoked, ORGANIZATION_WITHOUT_ADMIN when none with a lasting role remains, and USER_ERASED. Then
 * in one transaction their name and every address they ever had here (`user_addresses`, not only
 * the current one) are replaced wherever stored — the user row (marked erased, id kept),
 * invitations to them, audit events naming one of their addresses and the webhook bodies queued
 * for those, emails to them or naming them as the inviter — and the remembered addresses are
 * forgotten, so that no row holds any of them. Replaying it changes nothing: an erased or unknown
 * person is left as they are. The scope's actor is the events' actor: the identity provider for its
 * `user.deleted`, the system for `npm run erase-user`.
 *
 * The person is marked erased first, before anything of theirs is looked for: from that moment
 * their tokens are refused and no membership can be given to them (src/db/membership-rows.ts
 * takes turns with the mark), so that nothing they were doing at that moment outlives the
 * erasure. An erasure cut short (a crash after the mark) is finished by the next one: a person is
 * erased completely once their address is the placeholder.
 */
export async function erasePerson(scope: RequestScope, userId: string): Promise<Erasure> {
  const { db } = scope;
  const actor = auditActorOf(scope);
  const found = await db.getRepository(User).findOneBy({ id: userId });
  if (!found || (found.erasedAt && found.email === erasedAddress(userId))) {
    return { userId, erased: false, organizations: [], withoutAdmin: [] };
  }
  await db.query('UPDATE users SET erased_at = ? WHERE id = ? AND erased_at IS NULL', [
    toSqlDateTime(actor.at),
    userId,
  ]);
  // Read again after the mark: an identity event or a sign-in may have changed the address before it.
  const user = (await db.getRepository(User).findOneBy({ id: userId })) ?? found;
  const addresses = await addressesOf(db.manager, userId, user.email);
  const inAddresses = addresses.length > 0 ? `IN (${placeholders(addresses.length)})` : 'IS NULL';
  const organizations: string[] = (
    await db.query(
      `SELECT organization_id FROM memberships WHERE user_id = ?
        UNION SELECT organization_id FROM invitations WHERE status = ? AND (email ${inAddresses} OR invited_by_id = ?)`,
      [userId, InvitationStatus.PENDING, ...addresses, userId],
    )
  ).map((row: { organization_id: string }) => row.organization_id);

  const touched: string[] = [];
  const withoutAdmin: string[] = [];
  for (const organizationId of organizations) {
    const outcome = await withOrganizationLock(
      db,
      organizationId,
      async (em) => {
        const scope = organizationScope({ id: organizationId });
        const held = await em.findBy(Membership, { organizationId, userId });
        const top = held.find((m) => m.scope === ScopeKind.ORGANIZATION);
        const wasAdmin = top?.role === Role.ADMIN;
        // The organization membership takes the rest with it; without one (never, by §1), each goes alone.
        for (const membership of top ? [top] : held) {
          await removeWithin(em, actor, membership, AuditAction.MEMBER_REMOVED, 'allow');
        }
        // What the removal left pending: invitations to their other addresses (or all of them, without one).
        for (const address of addresses.length > 0 ? addresses : [null]) {
          await revokePendingInvitations(em, actor, organizationId, { email: address, invitedById: userId });
        }
        const leftWithoutAdmin = wasAdmin && !(await hasLastingAdmin(em, organizationId));
        if (leftWithoutAdmin) await recordAudit(em, actor, { action: AuditAction.ORGANIZATION_WITHOUT_ADMIN, scope });
        await recordAudit(em, actor, { action: AuditAction.USER_ERASED, scope, subjectId: userId });
        return leftWithoutAdmin ? 'without admin' : 'done';
      },
      () => new OrganizationGone(),
    ).catch((error: unknown) => {
      if (error instanceof OrganizationGone) return 'gone';
      throw error;
    });
    if (outcome === 'gone') continue;
    touched.push(organizationId);
    if (outcome === 'without admin') withoutAdmin.push(organizationId);
  }

  const placeholder = erasedAddress(userId);
  const now = actor.at;
  await inTransaction(db, async (em) => {
    await em.update(
      User,
      { id: userId },
      { email: placeholder, displayName: null, emailVerified: false, erasedAt: now, updatedAt: now },
    );
    // What directories provisioned of them (docs/domain-rules.md §15): their copy of the person goes too.
    // The directory's copy is found by the address it gave (`email`) or by a userName that is one.
    const matches = `user_id = ? OR email ${inAddresses} OR user_name ${inAddresses}`;
    const params = [userId, ...addresses, ...addresses];
    await em.query(
      `DELETE FROM scim_group_members WHERE scim_user_id IN (SELECT id FROM scim_users WHERE ${matches})`,
      params,
    );
    await em.query(`DELETE FROM scim_users WHERE ${matches}`, params);
    // Their requests to join, messages included (docs/domain-rules.md §20).
    await em.query('DELETE FROM access_requests WHERE requester_id = ?', [userId]);
    // The addresses themselves: remembered only for this moment.
    await em.query('DELETE FROM user_addresses WHERE user_id = ?', [userId]);
    // Answered and lapsed invitations to them (the live ones were revoked above; one made since,
    // for whoever holds the address next, is not theirs to erase).
    await em.query(
      `UPDATE invitations SET email = ?, pending_key = NULL,
              status = CASE WHEN status = ? THEN ? ELSE status END, updated_at = ?
        WHERE email ${inAddresses} AND (status <> ? OR expires_at <= ?)`,
      [
        placeholder,
        InvitationStatus.PENDING,
        InvitationStatus.EXPIRED,
        toSqlDateTime(now),
        ...addresses,
        InvitationStatus.PENDING,
        toSqlDateTime(now),
      ],
    );
    // Emails to them, and those that named them as the inviter: addressee and text gone, the
    // unsent ones withdrawn.
    const emails: { id: string }[] = await em.query(
      `SELECT id FROM outbox_emails WHERE recipient ${inAddresses}
        UNION SELECT o.id FROM outbox_emails o JOIN invitations i ON i.id = o.invitation_id WHERE i.invited_by_id = ?`,
      [...addresses, userId],
    );
    for (let i = 0; i < emails.length; i += 500) {
      const ids = emails.slice(i, i + 500).map((row) => row.id);
      await em.query(
        `UPDATE outbox_emails SET recipient = CASE WHEN recipient ${inAddresses} THEN ? ELSE recipient END,
                subject = ?, text_body = ?, html_body = ?,
                status = CASE WHEN status = ? THEN ? ELSE status END, updated_at = ?
          WHERE id IN (${placeholders(ids.length)})`,
        [
          ...addresses,
          placeholder,
          ERASED_TEXT,
          ERASED_TEXT,
          ERASED_TEXT,
          OutboxStatus.PENDING,
          OutboxStatus.CANCELLED,
          toSqlDateTime(now),
          ...ids,
        ],
      );
    }
    // Audit events that name their address, and the webhook bodies made from them.
    const events: { id: string }[] = await em.query(
      `SELECT id FROM audit_events WHERE email ${inAddresses}`,
      addresses,
    );
    for (let i = 0; i < events.length; i += 500) {
      const ids = events.slice(i, i + 500).map((row) => row.id);
      await em.query(`UPDATE audit_events SET email = ? WHERE id IN (${placeholders(ids.length)})`, [
        placeholder,
        ...ids,
      ]);
      const deliveries: { id: string; body: string }[] = await em.query(
        `SELECT id, body FROM webhook_deliveries WHERE event_id IN (${placeholders(ids.length)})`,
        ids,
      );
      for (const delivery of deliveries) {
        const body = JSON.parse(delivery.body) as { data?: { email?: string | null } };
        if (!body.data?.email || !addresses.includes(body.data.email)) continue;
        body.data.email = placeholder;
        await em.query('UPDATE webhook_deliveries SET body = ? WHERE id = ?', [JSON.stringify(body), delivery.id]);
      }
    }
  });
  return { userId, erased: true, organizations: touched, withoutAdmin };
}

class OrganizationGone extends Error {}
