import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Membership } from '../../../entities/membership.entity';
import { permissionsOfRole } from '../../../permissions/access';
import { deleteMemberships, insertMemberships, updateMembershipRole } from '../../db/membership-rows';
import { memberOrderKeys } from '../../db/sql';
import { findLocked, lockForUpdate } from '../../db/transaction';
import { AuditAction, Role, ScopeKind } from '../../domain/enums';
import { AlreadyMemberError, LastAdminError, NotFoundError, RejectedTokenError } from '../../domain/errors';
import { assertRoleAccepted } from '../../../permissions/access';
import { scopeColumns, scopeId, scopeOfRow, type ScopeRef } from '../../domain/scope';
import { type AuditActor, recordAudit } from '../audit/audit.service';
import { revokePendingInvitations } from '../invitations/invitation-settlement';
import { withdrawRequestsOf } from '../access-requests/access-request-rows';

/**
 * The writes every path that gives or takes a membership shares — an invitation accepted, a join
 * by email domain, a directory's provisioning, an expiry, a removal: each runs inside
 * `withOrganizationLock` of the organization, so what it reads cannot change before it writes.
 */

/** A new membership row, with the person's sort keys (`memberOrderKeys`) from their user row. */
export function newMembership(
  user: { id: string; email: string; displayName: string | null },
  scope: ScopeRef,
  role: Role,
  now: Date,
  expiresAt: Date | null = null,
  provisioned = false,
): Membership {
  return Object.assign(new Membership(), {
    id: randomUUID(),
    userId: user.id,
    ...scopeColumns(scope),
    role,
    expiresAt,
    ...memberOrderKeys(user.email, user.displayName),
    provisioned,
    customRoleId: null,
    createdAt: now,
    updatedAt: now,
  });
}

async function userFacts(em: EntityManager, userId: string) {
  const [row] = await em.query('SELECT email, display_name, erased_at FROM users WHERE id = ?', [userId]);
  return {
    id: userId,
    email: (row?.email as string | undefined) ?? '',
    displayName: row?.display_name ?? null,
    erased: Boolean(row?.erased_at),
  };
}

/** Whether `next` confers strictly more than `held` at a scope of `kind` (ADMIN ⊇ ACCOUNTING ⊇ MEMBER). */
function grantsMore(kind: ScopeKind, next: Role, held: Role): boolean {
  const nextPermissions = permissionsOfRole(kind, next);
  const heldPermissions = permissionsOfRole(kind, held);
  return nextPermissions.size > heldPermissions.size && [...heldPermissions].every((p) => nextPermissions.has(p));
}

/** The scope's own row, read inside the transaction: a per-request cache may be stale. */
export async function assertScopeExists(em: EntityManager, scope: ScopeRef): Promise<void> {
  if (scope.kind === ScopeKind.ORGANIZATION) return; // withOrganizationLock has written its row
  const table = scope.kind === ScopeKind.WORKSPACE ? 'workspaces' : 'domains';
  const rows = await em.query(`SELECT id FROM ${table} WHERE id = ?`, [scopeId(scope)]);
  if (rows.length === 0) throw new NotFoundError(scope.kind === ScopeKind.WORKSPACE ? 'Workspace' : 'Domain');
}

/**
 * Gives a person a role in a scope. Runs inside `withOrganizationLock` of the scope's
 * organization, so what it reads cannot change before it writes. A workspace or domain
 * membership brings the organization membership (MEMBER) with it when the person has none
 * (docs/domain-rules.md §1). The scope must accept the role; a person holds one role per scope.
 *
 * When the person already holds a role at the scope: `ifHeld: 'refuse'` is ALREADY_MEMBER;
 * `ifHeld: 'upgrade'` (accepting an invitation) gives the new role when it confers more than the
 * one held and keeps the held one otherwise, so that an invitation never becomes unanswerable.
 * `expiresAt` makes the membership (and an organization membership it brings along) time-limited.
 */
export async function grantMembership(
  em: EntityManager,
  actor: AuditActor,
  userId: string,
  scope: ScopeRef,
  role: Role,
  ifHeld: 'refuse' | 'upgrade' = 'refuse',
  expiresAt: Date | null = null,
  /** A custom role of the organization to hold (docs/domain-rules.md §18); `role` is then its base role. */
  customRole: { id: string; name: string } | null = null,
): Promise<Membership> {
  assertRoleAccepted(scope.kind, role);
  await assertScopeExists(em, scope);
  const now = actor.at;
  const held = await findLocked(em, Membership, { userId, scopeId: scopeId(scope) });
  if (held) {
    if (ifHeld === 'refuse') throw new AlreadyMemberError();
    // A custom role on the same base role adds keys: it counts as more, like a stronger role.
    const addsCustom = customRole !== null && held.customRoleId !== customRole.id && role === held.role;
    if (!grantsMore(scope.kind, role, held.role) && !addsCustom) return held;
    // The stronger role comes with the invitation's terms: time-limited if it was.
    await updateMembershipRole(em, held, { role, expiresAt, updatedAt: now, customRoleId: customRole?.id ?? null });
    await recordAudit(em, actor, {
      action: AuditAction.MEMBER_ROLE_CHANGED,
      scope,
      subjectId: userId,
      fromRole: held.role,
      toRole: role,
      customRole: customRole?.name ?? null,
      // The end of access changes with it: what it was and became (null: lasting).
      ...(held.expiresAt?.getTime() !== expiresAt?.getTime() ? { before: held.expiresAt, after: expiresAt } : {}),
    });
    return Object.assign(held, { role, expiresAt, updatedAt: now, customRoleId: customRole?.id ?? null });
  }
  const user = await userFacts(em, userId);
  // An erased person's token may outlive them by a few minutes: it gives them nothing back.
  if (user.erased) throw new RejectedTokenError('USER_ERASED');
  if (
    scope.kind !== ScopeKind.ORGANIZATION &&
    !(await findLocked(em, Membership, { userId, scopeId: scope.organizationId }))
  ) {
    const organization: ScopeRef = { kind: ScopeKind.ORGANIZATION, organizationId: scope.organizationId };
    // Brought along by this grant, it ends with it: a contractor's workspace access does not
    // leave them in the organization once it is over.
    await insertMemberships(em, [newMembership(user, organization, Role.MEMBER, now, expiresAt)]);
    await recordAudit(em, actor, {
      action: AuditAction.MEMBER_ADDED,
      scope: organization,
      subjectId: userId,
      toRole: Role.MEMBER,
      after: expiresAt,
    });
  }
  const membership = newMembership(user, scope, role, now, expiresAt);
  membership.customRoleId = customRole?.id ?? null;
  await insertMemberships(em, [membership]);
  await recordAudit(em, actor, {
    action: AuditAction.MEMBER_ADDED,
    scope,
    subjectId: userId,
    toRole: role,
    customRole: customRole?.name ?? null,
    // When the access given ends by itself (null: lasting).
    after: expiresAt,
  });
  return membership;
}

/**
 * Inside `withOrganizationLock`, before a write that may take away an organization's last lasting
 * ADMIN (demoting, removing, time-limiting): reads the ADMINs without an expiry with a locking read,
 * which sees the latest committed rows. Throws LAST_ADMIN when `leaving` is the only one: an
 * organization always keeps an ADMIN whose access does not end by itself.
 */
export async function assertAnotherAdmin(
  em: EntityManager,
  organizationId: string,
  leavingUserId: string,
): Promise<void> {
  const admins = await lockForUpdate(
    em,
    'SELECT user_id FROM memberships WHERE scope_id = ? AND role = ? AND expires_at IS NULL',
    [organizationId, Role.ADMIN],
  );
  if (!admins.some((row) => row.user_id !== leavingUserId)) throw new LastAdminError();
}

/** Whether the organization has an ADMIN whose access does not end by itself (a locking read). */
export async function hasLastingAdmin(em: EntityManager, organizationId: string): Promise<boolean> {
  const admins = await lockForUpdate(
    em,
    'SELECT user_id FROM memberships WHERE scope_id = ? AND role = ? AND expires_at IS NULL',
    [organizationId, Role.ADMIN],
  );
  return admins.length > 0;
}

/**
 * Removes a membership, inside `withOrganizationLock`. At organization scope the person's
 * workspace and domain memberships in that organization go with it (docs/domain-rules.md §3), and so do the
 * PENDING invitations in it addressed to the person's email and those the person sent, and their
 * pending requests to join in it: someone removed cannot come back through an older invitation,
 * one they sent themselves, or an old request approved later.
 */
export async function removeWithin(
  em: EntityManager,
  actor: AuditActor,
  membership: Membership,
  action: AuditAction.MEMBER_REMOVED | AuditAction.MEMBER_LEFT | AuditAction.MEMBER_EXPIRED,
  lastAdmin: 'refuse' | 'allow' = 'refuse',
): Promise<void> {
  const removed = (m: Membership) =>
    recordAudit(em, actor, { action, scope: scopeOfRow(m), subjectId: m.userId, fromRole: m.role });
  if (membership.scope !== ScopeKind.ORGANIZATION) {
    await deleteMemberships(em, { id: membership.id });
    await removed(membership);
    return;
  }
  // Only an erasure removes the last ADMIN (`lastAdmin: 'allow'`): the person is gone either way.
  if (membership.role === Role.ADMIN && lastAdmin === 'refuse') {
    await assertAnotherAdmin(em, membership.organizationId, membership.userId);
  }
  // Every membership that goes is in the log (narrowest first): the workspace's and domain's own logs show it too.
  const depth = { [ScopeKind.DOMAIN]: 0, [ScopeKind.WORKSPACE]: 1, [ScopeKind.ORGANIZATION]: 2 };
  const all = (
    await em.findBy(Membership, { organizationId: membership.organizationId, userId: membership.userId })
  ).sort((a, b) => depth[a.scope] - depth[b.scope]);
  await deleteMemberships(em, { organizationId: membership.organizationId, userId: membership.userId });
  for (const m of all) await removed(m);
  const { email } = await userFacts(em, membership.userId);
  await revokePendingInvitations(em, actor, membership.organizationId, {
    email: email !== '' ? email : null,
    invitedById: membership.userId,
  });
  // Nor through a request to join one of its workspaces or domains (docs/domain-rules.md §20).
  await withdrawRequestsOf(em, actor, membership.organizationId, membership.userId);
}
