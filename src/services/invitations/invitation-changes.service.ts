import { customRoleToGive } from '../roles/custom-roles.service';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Invitation } from '../../../entities/invitation.entity';
import { InvitationStatus } from '../../domain/enums';
import { type Access, assertMayGrantRole, earlier, grantableUntil } from '../../../permissions/access';
import { Permission, Role, ScopeKind } from '../../domain/enums';
import { scopeId, type ScopeRef } from '../../domain/scope';
import { type RequestScope, requireViewer } from '../../request/scope';
import { findLocked, withOrganizationLock } from '../../db/transaction';
import {
  AlreadyMemberError,
  BadUserInputError,
  InvitationNotPendingError,
  InvitationPendingError,
  NotFoundError,
} from '../../domain/errors';
import { type InvitationEmailFacts, queueInvitationEmail } from './invitation-email';
import { auditActorOf, recordAudit } from '../audit/audit.service';
import { cancelQueuedEmails, countInvitationEmail, settle } from './invitation-settlement';
import { validEmail, validFutureMoment } from '../../domain/validation';
import { assertSeatFor } from '../billing/seats.service';
import { isMemberByEmail } from '../../db/seats';
import { scopeOfRow } from '../../domain/scope';
import { assertScopeExists } from '../memberships/membership-grants';
import { RESENDABLE } from '../../../permissions/capabilities';
import { findScope } from '../../loaders/find-scope';
import { AuditAction } from '../../domain/enums';
import { scopeColumns, scopeInputTarget } from '../../domain/scope';
import { newInvitationToken } from './invitation-tokens';
import { invitationNames } from './invitation-queries.service';

/**
 * Creating, resending and revoking invitations (docs/domain-rules.md §4, §11, §13). Permission to
 * act on the scope was checked by the shield rule of each mutation; these check what depends on
 * what is stored, inside the organization's lock.
 */

const HOUR = 3600_000;

export async function emailFacts(ctx: RequestScope, invitation: Invitation): Promise<InvitationEmailFacts> {
  const viewer = requireViewer(ctx);
  const names = await invitationNames(ctx, invitation);
  return {
    organizationName: names.organizationName,
    scopeLabel: names.scopeLabel,
    inviterName: viewer.identity.name ?? viewer.identity.email,
    role: invitation.role,
    expiresAt: invitation.expiresAt,
  };
}

/**
 * The abuse limit: invitation emails (new invitations and resends) queued for one organization
 * in the current clock hour, counted in `invitation_counters` inside the invitation's
 * transaction — under the organization's lock, so concurrent invitations count one after the
 * other, on every instance. Deleting what was invited into does not touch the count. A refusal
 * says in `retryAfter` how many seconds remain until the next hour's count starts.
 */
async function countAgainstRateLimit(ctx: RequestScope, em: EntityManager, organizationId: string): Promise<void> {
  await countInvitationEmail(em, organizationId, ctx.now, ctx.config.invitationsPerHour);
}

const pendingKeyOf = (scope: ScopeRef, email: string) => `${scopeId(scope)}:${email}`;

/**
 * When the access an invitation gives ends: what the inviter asked for, and never later than the
 * inviter's own access to give that role there — a time-limited ADMIN's invitations end with
 * them (docs/domain-rules.md §13), also when they asked for none.
 */
export function accessEnd(kind: ScopeKind, role: Role, inviter: Access, asked: Date | null): Date | null {
  return earlier(asked, grantableUntil(kind, role, inviter, Permission.INVITE_MEMBERS));
}

/**
 * Inside the organization's lock, before an invitation to `email` at `scope` becomes PENDING (a
 * new one, a bulk row, a renewed EXPIRED one): the scope still exists, the address belongs to no
 * member there (ALREADY_MEMBER), no other invitation to it is pending there
 * (INVITATION_PENDING, naming that one), and the organization has a seat for it
 * (SEAT_LIMIT_REACHED). An expired invitation holding the address's place is settled as EXPIRED
 * and frees it.
 */
async function assertInvitable(
  em: EntityManager,
  scope: ScopeRef,
  email: string,
  now: Date,
  renewing: string | null = null,
): Promise<void> {
  // The scope may have gone since the rule looked (even earlier in this same request).
  await assertScopeExists(em, scope);
  if (await isMemberByEmail(em, scopeId(scope), email)) {
    throw new AlreadyMemberError('This address already belongs to a member here.');
  }
  const existing = await findLocked(em, Invitation, { pendingKey: pendingKeyOf(scope, email) });
  if (existing && existing.id !== renewing) {
    if (existing.effectiveStatus(now) === InvitationStatus.PENDING) throw new InvitationPendingError(existing.id);
    await em.update(
      Invitation,
      { id: existing.id },
      { status: InvitationStatus.EXPIRED, pendingKey: null, updatedAt: now },
    );
    await cancelQueuedEmails(em, existing.id, now);
  }
  // A new or renewed invitation holds a seat (an expired one holds none).
  await assertSeatFor(em, scope.organizationId, email, 'invite', now);
}

/** A new PENDING invitation row (not yet written) and the token of its link. */
export function draftInvitation(
  ctx: RequestScope,
  scope: ScopeRef,
  email: string,
  role: Role,
  now: Date,
  accessExpiresAt: Date | null = null,
) {
  const { token, hash } = newInvitationToken();
  const invitation = Object.assign(new Invitation(), {
    id: randomUUID(),
    ...scopeColumns(scope),
    email,
    role,
    status: InvitationStatus.PENDING,
    tokenHash: hash,
    pendingKey: pendingKeyOf(scope, email),
    invitedById: requireViewer(ctx).id,
    expiresAt: new Date(now.getTime() + ctx.config.invitationTtlHours * HOUR),
    accessExpiresAt,
    answeredAt: null,
    provisioned: false,
    provisioningTokenId: null,
    customRoleId: null as string | null,
    createdAt: now,
    updatedAt: now,
  });
  return { invitation, token };
}

/**
 * Inside the organization's lock: the checks of docs/domain-rules.md §4 that depend on what is stored, the hourly
 * limit, then the invitation, its audit event and its email, all in the caller's transaction.
 */
export async function createInvitation(
  ctx: RequestScope,
  em: EntityManager,
  scope: ScopeRef,
  draft: { invitation: Invitation; token: string; customRoleName?: string | null },
  facts: InvitationEmailFacts,
  now: Date,
): Promise<void> {
  const { invitation, token } = draft;
  await assertInvitable(em, scope, invitation.email, now);
  await countAgainstRateLimit(ctx, em, scope.organizationId);
  await em.insert(Invitation, invitation);
  await recordAudit(em, auditActorOf(ctx), {
    action: AuditAction.INVITATION_CREATED,
    scope,
    email: invitation.email,
    toRole: invitation.role,
    customRole: draft.customRoleName ?? null,
    // When the access accepting gives ends (null: lasting).
    after: invitation.accessExpiresAt,
  });
  await queueInvitationEmail(
    em,
    ctx.config,
    invitation,
    { ...facts, role: invitation.role, accessExpiresAt: invitation.accessExpiresAt },
    token,
    now,
  );
}

/** The scope a ScopeInput names; the shield rule has found it and checked INVITE_MEMBERS there. */
export async function invitationScope(
  ctx: RequestScope,
  input: Parameters<typeof scopeInputTarget>[0],
): Promise<ScopeRef> {
  const target = scopeInputTarget(input);
  const scope = await findScope(ctx, target.kind, target.id);
  if (!scope) throw new NotFoundError('Scope');
  return scope;
}

export const scopeNotFound = () => new NotFoundError('Scope');

/** docs/domain-rules.md §4: creates a PENDING invitation and queues its email in the same transaction. */
export async function inviteMember(
  ctx: RequestScope,
  input: {
    scope: Parameters<typeof scopeInputTarget>[0];
    email: string;
    role?: Role | null;
    accessExpiresAt?: Date | null;
    customRoleId?: string | null;
  },
): Promise<Invitation> {
  const scope = await invitationScope(ctx, input.scope);
  const email = validEmail(input.email);
  const access = await ctx.access.at(scope);
  const customRole = await customRoleToGive(ctx, input.customRoleId, scope, access);
  const role = customRole?.baseRole ?? input.role ?? Role.MEMBER;
  const asked = input.accessExpiresAt ? validFutureMoment(input.accessExpiresAt, 'accessExpiresAt', ctx.now) : null;
  assertMayGrantRole(scope.kind, role, access);
  const now = ctx.now;
  const draft = {
    ...draftInvitation(ctx, scope, email, role, now, accessEnd(scope.kind, role, access, asked)),
    customRoleName: customRole?.name ?? null,
  };
  draft.invitation.customRoleId = customRole?.id ?? null;
  const facts = await emailFacts(ctx, draft.invitation);
  await withOrganizationLock(
    ctx.db,
    scope.organizationId,
    (em) => createInvitation(ctx, em, scope, draft, facts, now),
    scopeNotFound,
  );
  ctx.outbox?.nudge();
  return draft.invitation;
}

const invitationNotFound = () => new NotFoundError('Invitation');

async function mustFindInvitation(ctx: RequestScope, id: string): Promise<Invitation> {
  const invitation = await ctx.loaders.invitation.load(id);
  if (!invitation) throw invitationNotFound();
  return invitation;
}

const notPending = () => new InvitationNotPendingError();

/**
 * A new token (the old link stops working), a fresh expiry, and the email again. A PENDING
 * invitation is renewed in place; an EXPIRED one becomes PENDING again, after the checks a new
 * invitation to that address would get (ALREADY_MEMBER, INVITATION_PENDING).
 */
export async function resendInvitation(ctx: RequestScope, id: string): Promise<Invitation> {
  const invitation = await mustFindInvitation(ctx, id);
  if (invitation.provisioned) {
    throw new BadUserInputError(
      "A directory's invitation sends no email: the person joins by signing in with that address.",
      'id',
    );
  }
  if (!RESENDABLE.includes(invitation.effectiveStatus(ctx.now))) throw notPending();
  // Resending is inviting again: a time-limited resender's invitation ends with their access.
  const scopeOfInvitation = scopeOfRow(invitation);
  const accessExpiresAt = accessEnd(
    scopeOfInvitation.kind,
    invitation.role,
    await ctx.access.at(scopeOfInvitation),
    invitation.accessExpiresAt ?? null,
  );
  const { token, hash } = newInvitationToken();
  const now = ctx.now;
  const expiresAt = new Date(now.getTime() + ctx.config.invitationTtlHours * HOUR);
  const facts = await emailFacts(ctx, Object.assign(new Invitation(), invitation, { expiresAt }));
  const scope = scopeOfRow(invitation);
  const renewed = await withOrganizationLock(
    ctx.db,
    invitation.organizationId,
    async (em) => {
      const fresh = await findLocked(em, Invitation, { id });
      if (!fresh) throw invitationNotFound();
      const status = fresh.effectiveStatus(now);
      if (!RESENDABLE.includes(status)) throw notPending();
      const pendingKey = pendingKeyOf(scope, fresh.email);
      if (status === InvitationStatus.EXPIRED) await assertInvitable(em, scope, fresh.email, now, id);
      await countAgainstRateLimit(ctx, em, invitation.organizationId);
      const changes = {
        status: InvitationStatus.PENDING,
        pendingKey,
        tokenHash: hash,
        expiresAt,
        accessExpiresAt,
        answeredAt: null,
        updatedAt: now,
      };
      await em.update(Invitation, { id }, changes);
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.INVITATION_RESENT,
        scope,
        email: fresh.email,
        toRole: fresh.role,
        // The end of the access it gives, when the resend moved it.
        ...(fresh.accessExpiresAt?.getTime() !== accessExpiresAt?.getTime()
          ? { before: fresh.accessExpiresAt, after: accessExpiresAt }
          : {}),
      });
      await cancelQueuedEmails(em, id, now);
      await queueInvitationEmail(em, ctx.config, fresh, { ...facts, accessExpiresAt }, token, now);
      return Object.assign(fresh, changes);
    },
    invitationNotFound,
  );
  ctx.loaders.invitation.clear(id);
  ctx.outbox?.nudge();
  return renewed;
}

/** Withdraws a PENDING invitation; its link stops working and an unsent email is not sent. */
export async function revokeInvitation(ctx: RequestScope, id: string): Promise<Invitation> {
  const invitation = await mustFindInvitation(ctx, id);
  if (invitation.effectiveStatus(ctx.now) !== InvitationStatus.PENDING) throw notPending();
  const now = ctx.now;
  await withOrganizationLock(
    ctx.db,
    invitation.organizationId,
    async (em) => {
      if (!(await settle(em, id, InvitationStatus.REVOKED, now))) throw notPending();
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.INVITATION_REVOKED,
        scope: scopeOfRow(invitation),
        email: invitation.email,
        toRole: invitation.role,
      });
      await cancelQueuedEmails(em, id, now);
    },
    invitationNotFound,
  );
  return Object.assign(invitation, {
    status: InvitationStatus.REVOKED,
    pendingKey: null,
    answeredAt: now,
    updatedAt: now,
  });
}
