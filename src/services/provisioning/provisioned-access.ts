import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Config } from '../../config/config';
import { CustomRole } from '../../../entities/custom-role.entity';
import { Invitation } from '../../../entities/invitation.entity';
import { Membership } from '../../../entities/membership.entity';
import { ScimUser } from '../../../entities/scim-user.entity';
import { updateMembershipRole } from '../../db/membership-rows';
import { findLocked, lockForUpdate, withOrganizationLock } from '../../db/transaction';
import { AuditAction, ChangeSource, InvitationStatus, Role, ScopeKind } from '../../domain/enums';
import { organizationScope } from '../../domain/scope';
import { AppError } from '../../domain/errors';
import type { RequestScope } from '../../request/scope';
import { type AuditActor, auditActorOf, recordAudit } from '../audit/audit.service';
import { newInvitationToken } from '../invitations/invitation-tokens';
import { queueInvitationEmail } from '../invitations/invitation-email';
import { cancelQueuedEmails, countInvitationEmail, settle } from '../invitations/invitation-settlement';
import { assertSeatFor } from '../billing/seats.service';
import { assertAnotherAdmin, grantMembership, removeWithin } from '../memberships/membership-grants';
import { applyGroups, markProvisioned } from './directory-groups';

/**
 * What a directory's word about a person does to the organization (docs/domain-rules.md §15),
 * always inside the organization's lock (`withOrganizationLock`): the same writes, rules, seat
 * limits and audit events as the GraphQL API, with `source: PROVISIONING` and the token's id.
 *
 * Identity stays with the identity provider: the directory grants membership, not an account. And
 * a directory speaks only for the addresses its organization owns (a verified email domain, §13):
 * there, a provisioned person who has signed in (a user with that verified address) is a member at
 * once, and one who has not holds a PENDING invitation marked `provisioned` (no email, no link, a
 * seat), which becomes their membership the first time they sign in with that address. Anyone
 * else is asked, never enrolled: an emailed PENDING invitation, `provisioned`, that only their own
 * acceptance turns into a membership — whether or not they have an account here, which nothing the
 * directory gets back may tell (issue 34: a token anyone can make must not enrol anyone).
 */

/** The actor of a directory's change: no person, the token that made it. */
function provisioningActor(at: Date, tokenId: string | null, requestId: string | null = null): AuditActor {
  return { at, actorId: null, requestId, source: ChangeSource.PROVISIONING, provisioningTokenId: tokenId };
}

/** Provisioned invitations never lapse by themselves: the directory ends them. */
const PROVISIONED_INVITATION_YEARS = 100;

const pendingKeyOf = (organizationId: string, email: string) => `${organizationId}:${email}`;

/** The person a directory's address names: the earliest user who signed in with it, verified, not erased. */
async function personWithAddress(em: EntityManager, email: string): Promise<string | null> {
  const [row] = await em.query(
    'SELECT id FROM users WHERE email = ? AND email_verified = ? AND erased_at IS NULL ORDER BY created_at, id',
    [email, true],
  );
  return (row?.id as string | undefined) ?? null;
}

/** Whether the address is at one of the organization's verified email domains (docs/domain-rules.md §13). */
async function ownsAddress(em: EntityManager, organizationId: string, email: string): Promise<boolean> {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const [row] = await em.query(
    'SELECT 1 AS owned FROM email_domains WHERE organization_id = ? AND verified_domain = ?',
    [organizationId, domain],
  );
  return row !== undefined;
}

/** The PENDING invitation at the organization itself addressed to `email`, read with a lock. */
function pendingAt(em: EntityManager, organizationId: string, email: string): Promise<Invitation | null> {
  return findLocked(em, Invitation, { pendingKey: pendingKeyOf(organizationId, email) });
}

/** Ends an invitation the directory no longer wants (or that a membership replaces). */
async function endInvitation(
  em: EntityManager,
  actor: AuditActor,
  invitation: Invitation,
  status: InvitationStatus.REVOKED | InvitationStatus.ACCEPTED,
): Promise<void> {
  if (!(await settle(em, invitation.id, status, actor.at))) {
    // Lapsed (an ordinary invitation past its expiry): it only frees the address.
    await em.update(
      Invitation,
      { id: invitation.id },
      { status: InvitationStatus.EXPIRED, pendingKey: null, updatedAt: actor.at },
    );
    return;
  }
  await cancelQueuedEmails(em, invitation.id, actor.at);
  await recordAudit(em, actor, {
    action: status === InvitationStatus.REVOKED ? AuditAction.INVITATION_REVOKED : AuditAction.INVITATION_ACCEPTED,
    scope: organizationScope({ id: invitation.organizationId }),
    email: invitation.email,
    toRole: invitation.role,
  });
}

/**
 * A provisioned invitation, a seat held. At an owned address: no email and no usable link, for
 * the person joins by signing in. Elsewhere (`config` given): the ordinary invitation email with
 * its link, through the outbox, counted against the hourly limit, expiring as invitations do; the
 * person's acceptance is the only way in.
 */
async function inviteProvisioned(
  em: EntityManager,
  actor: AuditActor,
  scim: ScimUser,
  customRole: CustomRole | null,
  ask: { config: Config } | null,
): Promise<void> {
  await assertSeatFor(em, scim.organizationId, scim.email, 'invite', actor.at);
  if (ask) await countInvitationEmail(em, scim.organizationId, actor.at, ask.config.invitationsPerHour);
  const expiresAt = new Date(actor.at);
  if (ask) expiresAt.setTime(expiresAt.getTime() + ask.config.invitationTtlHours * 3600_000);
  else expiresAt.setUTCFullYear(expiresAt.getUTCFullYear() + PROVISIONED_INVITATION_YEARS);
  const { token, hash } = newInvitationToken();
  const invitation = Object.assign(new Invitation(), {
    id: randomUUID(),
    scope: ScopeKind.ORGANIZATION,
    scopeId: scim.organizationId,
    organizationId: scim.organizationId,
    workspaceId: null,
    domainId: null,
    email: scim.email,
    role: scim.role,
    customRoleId: customRole?.id ?? null,
    status: InvitationStatus.PENDING,
    // At an owned address, a link nobody is sent: the person joins by signing in.
    tokenHash: hash,
    pendingKey: pendingKeyOf(scim.organizationId, scim.email),
    invitedById: null,
    expiresAt,
    accessExpiresAt: null,
    answeredAt: null,
    provisioned: true,
    provisioningTokenId: actor.provisioningTokenId ?? null,
    createdAt: actor.at,
    updatedAt: actor.at,
  });
  await em.insert(Invitation, invitation);
  await recordAudit(em, actor, {
    action: AuditAction.INVITATION_CREATED,
    scope: organizationScope({ id: scim.organizationId }),
    email: scim.email,
    toRole: scim.role,
    customRole: customRole?.name ?? null,
  });
  if (!ask) return;
  const [organization] = await em.query('SELECT name FROM organizations WHERE id = ?', [scim.organizationId]);
  const name = String(organization?.name ?? '');
  await queueInvitationEmail(
    em,
    ask.config,
    invitation,
    { organizationName: name, scopeLabel: name, inviterName: `${name}'s directory`, role: scim.role, expiresAt },
    token,
    actor.at,
  );
}

/** What `applyDirectory` is told besides the person: see there. */
export interface DirectoryChange {
  /** The address the person was provisioned under before this change, when it changed. */
  previousEmail?: string | null;
  /** DELETE: the membership ends, the invitation is revoked. */
  remove?: boolean;
}

/**
 * Makes the organization match what the directory says of one person (`scim`, already written):
 * call inside `withOrganizationLock` of its organization, with its transaction (`em`); the scope's
 * actor (the directory's token) is the audit events' actor, its configuration the invitation
 * emails'.
 *
 * Active: a person linked to `scim` gets (or keeps) the organization membership with the
 * directory's role, or custom role (§18) — demoting the last lasting ADMIN is LAST_ADMIN — and their groups' workspace
 * memberships. Not linked: at an owned address, whoever has signed in with it is linked now, and
 * if nobody has, a silent provisioned invitation waits for their first sign-in; at any other
 * address an emailed provisioned invitation asks them (nobody is linked, account or not). Inactive
 * (or deleted, `remove`): the membership is removed as `removeMember` would (the last ADMIN
 * refused), the invitation revoked.
 */
export function applyDirectory(
  scope: RequestScope,
  em: EntityManager,
  scim: ScimUser,
  options: DirectoryChange = {},
): Promise<void> {
  return applyDirectoryAs(em, auditActorOf(scope), scope.config, scim, options);
}

/** `applyDirectory` with the audit events' actor given (a person's sign-in on the directory's word). */
async function applyDirectoryAs(
  em: EntityManager,
  actor: AuditActor,
  config: Config,
  scim: ScimUser,
  options: DirectoryChange,
): Promise<void> {
  const organizationId = scim.organizationId;
  const organization = organizationScope({ id: organizationId });
  const stale = options.previousEmail && options.previousEmail !== scim.email ? options.previousEmail : null;
  if (stale) {
    const old = await pendingAt(em, organizationId, stale);
    if (old?.provisioned) await endInvitation(em, actor, old, InvitationStatus.REVOKED);
  }
  let userId = scim.userId;
  const owned = await ownsAddress(em, organizationId, scim.email);
  if (!userId && owned && scim.active && !options.remove) {
    userId = await personWithAddress(em, scim.email);
    if (userId) {
      await em.update(ScimUser, { id: scim.id }, { userId });
      scim.userId = userId;
    }
  }
  const invitation = await pendingAt(em, organizationId, scim.email);
  const provisionedInvitation = invitation?.provisioned ? invitation : null;
  // Read under the lock: a role deleted meanwhile has moved this row with its other holders.
  const customRole = scim.customRoleId ? await em.findOneBy(CustomRole, { id: scim.customRoleId }) : null;
  const customRoleId = customRole?.id ?? null;

  if (!scim.active || options.remove) {
    if (provisionedInvitation) await endInvitation(em, actor, provisionedInvitation, InvitationStatus.REVOKED);
    const held = userId ? await findLocked(em, Membership, { userId, scopeId: organizationId }) : null;
    if (held) await removeWithin(em, actor, held, AuditAction.MEMBER_REMOVED);
    return;
  }

  if (!userId) {
    const waiting =
      provisionedInvitation?.role === scim.role &&
      (provisionedInvitation.customRoleId ?? null) === customRoleId &&
      provisionedInvitation.effectiveStatus(actor.at) === InvitationStatus.PENDING;
    if (waiting) return;
    if (invitation) {
      // An invitation sent by a person (or one with another role, or lapsed) gives way to the directory's.
      await endInvitation(em, actor, invitation, InvitationStatus.REVOKED);
    }
    await inviteProvisioned(em, actor, scim, customRole, owned ? null : { config });
    return;
  }

  if (provisionedInvitation) await endInvitation(em, actor, provisionedInvitation, InvitationStatus.ACCEPTED);
  const held = await findLocked(em, Membership, { userId, scopeId: organizationId });
  if (!held) {
    await assertSeatFor(em, organizationId, scim.email, 'join', actor.at);
    const granted = await grantMembership(em, actor, userId, organization, scim.role, 'refuse', null, customRole);
    await markProvisioned(em, [granted.id]);
  } else {
    if (held.role !== scim.role || held.expiresAt !== null || held.customRoleId !== customRoleId) {
      if (held.role === Role.ADMIN) await assertAnotherAdmin(em, organizationId, userId);
      await updateMembershipRole(em, held, { role: scim.role, expiresAt: null, updatedAt: actor.at, customRoleId });
      await recordAudit(em, actor, {
        action: AuditAction.MEMBER_ROLE_CHANGED,
        scope: organization,
        subjectId: userId,
        fromRole: held.role,
        toRole: scim.role,
        customRole: customRole?.name ?? null,
      });
    }
    if (!held.provisioned) await markProvisioned(em, [held.id]);
  }
  await applyGroups(em, actor, scim, userId);
}

/**
 * A person signs in with a verified address for the first time (or with a new one): every
 * organization that owns that address (a verified email domain) and whose directory provisioned
 * it links them, and the provisioned invitation becomes their membership (docs/domain-rules.md
 * §15). At an address the organization does not own only the person's acceptance of its emailed
 * invitation does (`accepted`: that invitation's organization, and no other). Returns the
 * organizations joined.
 */
export async function claimProvisionedAccess(
  scope: RequestScope,
  userId: string,
  email: string,
  options: { refusals?: 'skip' | 'throw'; accepted?: { organizationId: string } } = {},
): Promise<string[]> {
  const { db, now: at } = scope;
  const accepted = options.accepted ?? null;
  const waiting: { id: string; organization_id: string }[] = accepted
    ? await db.query(
        'SELECT id, organization_id FROM scim_users WHERE email = ? AND organization_id = ? AND user_id IS NULL AND active = ?',
        [email, accepted.organizationId, true],
      )
    : await db.query(
        `SELECT s.id, s.organization_id FROM scim_users s
          JOIN email_domains d ON d.organization_id = s.organization_id AND d.verified_domain = ?
          WHERE s.email = ? AND s.user_id IS NULL AND s.active = ?`,
        [email.slice(email.lastIndexOf('@') + 1), email, true],
      );
  const joined: string[] = [];
  for (const row of waiting) {
    const done = await withOrganizationLock(
      db,
      row.organization_id,
      async (em) => {
        const [fresh] = await lockForUpdate(
          em,
          'SELECT id FROM scim_users WHERE id = ? AND user_id IS NULL AND active = ?',
          [row.id, true],
        );
        if (!fresh) return false;
        // The domain may have been given up since: then only an acceptance links them.
        if (!accepted && !(await ownsAddress(em, row.organization_id, email))) return false;
        const scim = (await em.findOneBy(ScimUser, { id: row.id })) as ScimUser;
        const invitation = await pendingAt(em, row.organization_id, email);
        await em.update(ScimUser, { id: scim.id }, { userId });
        scim.userId = userId;
        // The person's sign-in does it, on the directory's word (and its token's).
        const actor = {
          ...provisioningActor(at, invitation?.provisioningTokenId ?? null, scope.requestId),
          actorId: userId,
        };
        await applyDirectoryAs(em, actor, scope.config, scim, {});
        return true;
      },
      () => new Error('gone'),
    ).catch((error: unknown) => {
      if (error instanceof Error && error.message === 'gone') return false;
      // No seat left (SEAT_LIMIT_REACHED): the invitation keeps waiting; the sign-in goes on.
      if (error instanceof AppError && options.refusals !== 'throw') return false;
      throw error;
    });
    if (done) joined.push(row.organization_id);
  }
  return joined;
}
