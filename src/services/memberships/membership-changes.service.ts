import { customRoleToGive } from '../roles/custom-roles.service';
import type { EntityManager } from 'typeorm';
import { Membership } from '../../../entities/membership.entity';
import { mayChangeRoleTo, mayGiveExpiry, raises } from '../../../permissions/capabilities';
import { assertMayGrantRole } from '../../../permissions/access';
import { updateMembershipRole } from '../../db/membership-rows';
import { findLocked, withOrganizationLock } from '../../db/transaction';
import { AuditAction, Permission, Role, ScopeKind } from '../../domain/enums';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../domain/errors';
import { scopeOfRow } from '../../domain/scope';
import { isUuid, validFutureMoment } from '../../domain/validation';
import { type RequestScope, requireViewer } from '../../request/scope';
import { type AuditActor, auditActorOf, recordAudit } from '../audit/audit.service';
import { assertAnotherAdmin, removeWithin } from './membership-grants';

/**
 * Changing memberships through the API (docs/domain-rules.md §3, §10, §13): a role, a removal,
 * leaving an organization (with a successor), an expiry. The shield rule on each mutation has
 * checked the permission at the membership's scope; each change re-reads the membership inside
 * the organization's lock and decides there.
 */

const memberNotFound = () => new NotFoundError('Member');
/** Re-reads a membership inside the transaction (it may have changed since the rule looked). */
async function freshMembership(em: EntityManager, id: string): Promise<Membership> {
  const membership = await findLocked(em, Membership, { id });
  if (!membership) throw memberNotFound();
  return membership;
}

/** docs/domain-rules.md §3: a new role at the membership's scope, never above the caller's own, never the last ADMIN's. */
export async function changeMemberRole(
  ctx: RequestScope,
  input: { memberId: string; role: Role; customRoleId?: string | null },
): Promise<Membership> {
  const current = await ctx.loaders.membership.load(input.memberId);
  if (!current) throw memberNotFound();
  const scope = scopeOfRow(current);
  // MANAGE_MEMBERS was checked by the rule; the same function decides `viewerCan.assignableRoles`.
  const access = await ctx.access.at(scope);
  // docs/domain-rules.md §18: a custom role is its base role plus keys, given by an effective ADMIN only.
  const customRole = await customRoleToGive(ctx, input.customRoleId, scope, access);
  if (customRole) input = { ...input, role: customRole.baseRole };
  const customRoleId = customRole?.id ?? null;
  if (!mayChangeRoleTo(access, current, input.role)) {
    assertMayGrantRole(scope.kind, input.role, access);
    throw new ForbiddenError({
      permission: Permission.MANAGE_MEMBERS,
      message: raises(scope.kind, current.role, input.role)
        ? 'Your own access is time-limited: you cannot give a role that would outlast it.'
        : undefined,
    });
  }
  const updated = await withOrganizationLock(
    ctx.db,
    current.organizationId,
    async (em) => {
      const membership = await freshMembership(em, input.memberId);
      if (membership.role === input.role && membership.customRoleId === customRoleId) return membership;
      if (!mayChangeRoleTo(access, membership, input.role))
        throw new ForbiddenError({ permission: Permission.MANAGE_MEMBERS });
      if (membership.scope === ScopeKind.ORGANIZATION && membership.role === Role.ADMIN) {
        await assertAnotherAdmin(em, membership.organizationId, membership.userId);
      }
      const now = ctx.now;
      await updateMembershipRole(em, membership, { role: input.role, updatedAt: now, customRoleId });
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.MEMBER_ROLE_CHANGED,
        scope: scopeOfRow(membership),
        subjectId: membership.userId,
        fromRole: membership.role,
        toRole: input.role,
        customRole: customRole?.name ?? null,
      });
      return Object.assign(membership, { role: input.role, customRoleId, updatedAt: now });
    },
    memberNotFound,
  );
  ctx.access.invalidate();
  ctx.loaders.membership.clear(updated.id);
  return updated;
}

/**
 * Removes a membership — with MANAGE_MEMBERS, or one's own below the organization (both checked by
 * the rule); at organization scope with the person's workspace and domain memberships and pending
 * invitations, never the last ADMIN.
 */
export async function removeMember(ctx: RequestScope, memberId: string): Promise<string> {
  const current = await ctx.loaders.membership.load(memberId);
  if (!current) throw memberNotFound();
  await withOrganizationLock(
    ctx.db,
    current.organizationId,
    async (em) => {
      const membership = await freshMembership(em, memberId);
      // Removing one's own workspace or domain membership is leaving it.
      const action = membership.userId === ctx.viewer?.id ? AuditAction.MEMBER_LEFT : AuditAction.MEMBER_REMOVED;
      await removeWithin(em, auditActorOf(ctx), membership, action);
    },
    memberNotFound,
  );
  ctx.access.invalidate();
  return memberId;
}

/**
 * The caller leaves the organization and everything in it; only membership is needed. With
 * `successorMemberId` (another organization membership), that member becomes ADMIN in the same
 * transaction first: how the last ADMIN hands over and leaves. Naming a successor is granting
 * ADMIN, so only an ADMIN may.
 */
export async function leaveOrganization(
  ctx: RequestScope,
  organizationId: string,
  successorMemberId?: string | null,
): Promise<string> {
  const viewer = requireViewer(ctx);
  const notFound = () => new NotFoundError('Organization');
  await withOrganizationLock(
    ctx.db,
    organizationId,
    async (em) => {
      const membership = await findLocked(em, Membership, { userId: viewer.id, scopeId: organizationId });
      if (!membership) throw notFound();
      const actor = auditActorOf(ctx);
      if (successorMemberId !== null && successorMemberId !== undefined) {
        await handOver(em, actor, membership, successorMemberId);
      }
      await removeWithin(em, actor, membership, AuditAction.MEMBER_LEFT);
    },
    notFound,
  );
  ctx.access.invalidate();
  return organizationId;
}

/** Makes the successor an ADMIN of the leaving member's organization, inside its lock. */
async function handOver(em: EntityManager, actor: AuditActor, leaving: Membership, successorId: string): Promise<void> {
  if (leaving.role !== Role.ADMIN) {
    throw new ForbiddenError({
      permission: Permission.MANAGE_MEMBERS,
      message: 'Only an ADMIN can name a successor.',
    });
  }
  const successor = isUuid(successorId) ? await findLocked(em, Membership, { id: successorId }) : null;
  if (
    !successor ||
    successor.scope !== ScopeKind.ORGANIZATION ||
    successor.organizationId !== leaving.organizationId ||
    successor.userId === leaving.userId
  ) {
    throw new BadUserInputError(
      'successorMemberId must name another member of this organization (an organization membership).',
      'successorMemberId',
    );
  }
  if (successor.role === Role.ADMIN) return;
  // A time-limited ADMIN hands over nothing that outlives their own access (docs/domain-rules.md §13).
  if (leaving.expiresAt && !(successor.expiresAt && successor.expiresAt <= leaving.expiresAt)) {
    throw new ForbiddenError({
      permission: Permission.MANAGE_MEMBERS,
      message: 'Your own access is time-limited: you cannot name a successor whose ADMIN role would outlast it.',
    });
  }
  const now = actor.at;
  await updateMembershipRole(em, successor, { role: Role.ADMIN, updatedAt: now });
  await recordAudit(em, actor, {
    action: AuditAction.MEMBER_ROLE_CHANGED,
    scope: scopeOfRow(successor),
    subjectId: successor.userId,
    fromRole: successor.role,
    toRole: Role.ADMIN,
  });
}

/**
 * Sets (or clears, with null) when a membership ends by itself. MANAGE_MEMBERS at its scope (the
 * rule); the moment must lie ahead; the organization's last lasting ADMIN cannot be given one.
 */
export async function setMemberExpiry(
  ctx: RequestScope,
  memberId: string,
  expiresAt: Date | null,
): Promise<Membership> {
  if (expiresAt !== null) validFutureMoment(expiresAt, 'expiresAt', ctx.now);
  const current = await ctx.loaders.membership.load(memberId);
  if (!current) throw memberNotFound();
  // The same function decides `viewerCan.setExpiry`: never one's own, never past one's own access.
  if (!mayGiveExpiry(ctx.viewer?.id ?? null, await ctx.access.at(scopeOfRow(current)), current, expiresAt)) {
    throw new ForbiddenError({
      permission: Permission.MANAGE_MEMBERS,
      message:
        current.userId === ctx.viewer?.id
          ? 'Nobody changes when their own membership ends.'
          : 'Your own access is time-limited: this membership cannot be made to outlast it.',
    });
  }
  const updated = await withOrganizationLock(
    ctx.db,
    current.organizationId,
    async (em) => {
      const membership = await freshMembership(em, memberId);
      if (membership.userId === ctx.viewer?.id) throw new ForbiddenError({ permission: Permission.MANAGE_MEMBERS });
      if (expiresAt !== null && membership.scope === ScopeKind.ORGANIZATION && membership.role === Role.ADMIN) {
        await assertAnotherAdmin(em, membership.organizationId, membership.userId);
      }
      const now = ctx.now;
      await em.update(Membership, { id: membership.id }, { expiresAt, updatedAt: now });
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.MEMBER_EXPIRY_CHANGED,
        scope: scopeOfRow(membership),
        subjectId: membership.userId,
        toRole: membership.role,
        // When access ended before and ends now; null is lasting access.
        before: membership.expiresAt,
        after: expiresAt,
      });
      return Object.assign(membership, { expiresAt, updatedAt: now });
    },
    memberNotFound,
  );
  ctx.access.invalidate();
  ctx.loaders.membership.clear(updated.id);
  return updated;
}
