import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Membership } from '../../entities/membership.entity';
import type { Organization } from '../../entities/organization.entity';
import { mayChangeRoleTo, mayGiveExpiry, raises } from '../../permissions/capabilities';
import {
  assertMayGrantRole,
  Permission,
  permissionsOfRole,
  Role,
  assertRoleAccepted,
  ScopeKind,
  scopeId,
  type ScopeRef,
} from '../../permissions/access';
import type { Context } from '../context';
import { deleteMemberships, insertMemberships, updateMembershipRole } from '../db/membership-rows';
import { findLocked, lockForUpdate, withOrganizationLock } from '../db/transaction';
import { AlreadyMemberError, BadUserInputError, ForbiddenError, LastAdminError, NotFoundError } from '../errors';
import { type AuditActor, auditActorOf, recordAudit } from './audit.service';
import { revokePendingInvitations } from './invitation-settlement';
import { requireViewer } from '../context';
import { isUuid, validFutureMoment, validPageSize } from '../validation';
import { AuditAction } from '../domain/enums';
import { scopeColumns, scopeOfRow } from '../domain/scope';
import { memberOrderKeys } from '../db/sql';
import {
  byCreationThenId,
  decodeCursor,
  decodeMemberCursor,
  encodeCursor,
  encodeMemberCursor,
  isAfterCursor,
  JOINED_FIRST,
  type MemberOrder,
  type MemberPageKey,
} from '../loaders/member-page';

export interface MemberListArgs {
  first?: number | null;
  after?: string | null;
  role?: Role | null;
  query?: string | null;
  orderBy?: { field: MemberOrder['field']; direction?: MemberOrder['direction'] | null } | null;
}

/** Checks the list arguments of SPEC §3 and turns them into a loader key. */
export function memberPageKey(scopeId: string, args: MemberListArgs, withCount = false): MemberPageKey {
  const first = validPageSize(args.first);
  const after = args.after ?? null;
  const order: MemberOrder = args.orderBy
    ? { field: args.orderBy.field, direction: args.orderBy.direction ?? 'ASC' }
    : JOINED_FIRST;
  if (after !== null) decodeMemberCursor(after, order);
  const query = args.query?.trim() ? args.query.trim() : null;
  if (query !== null && query.length > 254)
    throw new BadUserInputError('query must be at most 254 characters.', 'query');
  return { scopeId, first, after, role: args.role ?? null, query, withCount, order };
}

/** A page of a connection, as plain data (resolvers wrap it in the GraphQL connection type). */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A page of members, with what `totalCount` needs: the key it was asked with, and the total when read with it. */
export interface MemberPageResult extends Page<Membership> {
  key: MemberPageKey;
  total: number | null;
}

/** One page of a scope's members; many scopes in one request share one statement. */
export async function memberConnection(
  ctx: Context,
  scopeId: string,
  args: MemberListArgs,
  withCount = true,
): Promise<MemberPageResult> {
  const key = memberPageKey(scopeId, args, withCount);
  const page = await ctx.loaders.memberPage.load(key);
  // The shield rule on `members` let the viewer read this scope's members: they share its organization.
  ctx.access.noteCoMembers(page.rows.map((m) => m.userId));
  return {
    key,
    total: page.total,
    edges: page.rows.map((node) => ({ cursor: encodeMemberCursor(node, key.order), node })),
    nodes: page.rows,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      endCursor: page.rows.length > 0 ? encodeMemberCursor(page.rows[page.rows.length - 1], key.order) : null,
    },
  };
}

/** `totalCount` of a members page: read with the page when selected, else one count statement. */
export async function memberTotalCount(
  ctx: Context,
  connection: Pick<MemberPageResult, 'key' | 'total'>,
): Promise<number> {
  return connection.total ?? ctx.loaders.memberCount.load(connection.key);
}

/**
 * The viewer's organizations (`User.organizations`), paged by the date they joined. Uses the
 * memberships already loaded for permission checks: only the organizations themselves are read.
 */
export async function organizationsOfViewer(
  ctx: Context,
  args: { first?: number | null; after?: string | null },
): Promise<Page<Organization> & { totalCount: number }> {
  const first = validPageSize(args.first);
  const cursor = args.after ? decodeCursor(args.after) : null;
  const all = (await ctx.access.memberships()).filter((m) => m.scope === ScopeKind.ORGANIZATION).sort(byCreationThenId);
  const rest = cursor ? all.filter((m) => isAfterCursor(m, cursor)) : all;
  const slice = rest.slice(0, first);
  const organizations = await Promise.all(slice.map((m) => ctx.loaders.organization.load(m.organizationId)));
  const edges = slice.flatMap((m, i) => {
    const node = organizations[i];
    return node ? [{ cursor: encodeCursor(m), node }] : [];
  });
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: rest.length > first,
      endCursor: slice.length > 0 ? encodeCursor(slice[slice.length - 1]) : null,
    },
    totalCount: all.length,
  };
}

/** A new membership row, with the person's sort keys (`memberOrderKeys`) from their user row. */
export function newMembership(
  user: { id: string; email: string; displayName: string | null },
  scope: ScopeRef,
  role: Role,
  now: Date,
  expiresAt: Date | null = null,
): Membership {
  return Object.assign(new Membership(), {
    id: randomUUID(),
    userId: user.id,
    ...scopeColumns(scope),
    role,
    expiresAt,
    ...memberOrderKeys(user.email, user.displayName),
    createdAt: now,
    updatedAt: now,
  });
}

async function userFacts(em: EntityManager, userId: string) {
  const [row] = await em.query('SELECT email, display_name FROM users WHERE id = ?', [userId]);
  return { id: userId, email: (row?.email as string | undefined) ?? '', displayName: row?.display_name ?? null };
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
 * (SPEC §1). The scope must accept the role; a person holds one role per scope.
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
): Promise<Membership> {
  assertRoleAccepted(scope.kind, role);
  await assertScopeExists(em, scope);
  const now = new Date();
  const held = await findLocked(em, Membership, { userId, scopeId: scopeId(scope) });
  if (held) {
    if (ifHeld === 'refuse') throw new AlreadyMemberError();
    if (!grantsMore(scope.kind, role, held.role)) return held;
    // The stronger role comes with the invitation's terms: time-limited if it was.
    await updateMembershipRole(em, held, { role, expiresAt, updatedAt: now });
    await recordAudit(em, actor, {
      action: AuditAction.MEMBER_ROLE_CHANGED,
      scope,
      subjectId: userId,
      fromRole: held.role,
      toRole: role,
    });
    return Object.assign(held, { role, expiresAt, updatedAt: now });
  }
  const user = await userFacts(em, userId);
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
    });
  }
  const membership = newMembership(user, scope, role, now, expiresAt);
  await insertMemberships(em, [membership]);
  await recordAudit(em, actor, { action: AuditAction.MEMBER_ADDED, scope, subjectId: userId, toRole: role });
  return membership;
}

const memberNotFound = () => new NotFoundError('Member');

/**
 * Inside `withOrganizationLock`, before a write that may take away an organization's last lasting
 * ADMIN (demoting, removing, time-limiting): reads the ADMINs without an expiry with a locking read,
 * which sees the latest committed rows. Throws LAST_ADMIN when `leaving` is the only one: an
 * organization always keeps an ADMIN whose access does not end by itself.
 */
async function assertAnotherAdmin(em: EntityManager, organizationId: string, leavingUserId: string): Promise<void> {
  const admins = await lockForUpdate(
    em,
    'SELECT user_id FROM memberships WHERE scope_id = ? AND role = ? AND expires_at IS NULL',
    [organizationId, Role.ADMIN],
  );
  if (!admins.some((row) => row.user_id !== leavingUserId)) throw new LastAdminError();
}

/** Re-reads a membership inside the transaction (it may have changed since the rule looked). */
async function freshMembership(em: EntityManager, id: string): Promise<Membership> {
  const membership = await findLocked(em, Membership, { id });
  if (!membership) throw memberNotFound();
  return membership;
}

/** SPEC §3: a new role at the membership's scope, never above the caller's own, never the last ADMIN's. */
export async function changeMemberRole(ctx: Context, input: { memberId: string; role: Role }): Promise<Membership> {
  const current = await ctx.loaders.membership.load(input.memberId);
  if (!current) throw memberNotFound();
  const scope = scopeOfRow(current);
  // MANAGE_MEMBERS was checked by the rule; the same function decides `viewerCan.assignableRoles`.
  const access = await ctx.access.at(scope);
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
      if (membership.role === input.role) return membership;
      if (!mayChangeRoleTo(access, membership, input.role))
        throw new ForbiddenError({ permission: Permission.MANAGE_MEMBERS });
      if (membership.scope === ScopeKind.ORGANIZATION && membership.role === Role.ADMIN) {
        await assertAnotherAdmin(em, membership.organizationId, membership.userId);
      }
      const now = new Date();
      await updateMembershipRole(em, membership, { role: input.role, updatedAt: now });
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.MEMBER_ROLE_CHANGED,
        scope: scopeOfRow(membership),
        subjectId: membership.userId,
        fromRole: membership.role,
        toRole: input.role,
      });
      return Object.assign(membership, { role: input.role, updatedAt: now });
    },
    memberNotFound,
  );
  ctx.access.invalidate();
  ctx.loaders.membership.clear(updated.id);
  return updated;
}

/**
 * Removes a membership, inside `withOrganizationLock`. At organization scope the person's
 * workspace and domain memberships in that organization go with it (SPEC §3), and so do the
 * PENDING invitations in it addressed to the person's email and those the person sent: someone
 * removed cannot come back through an older invitation, nor through one they sent themselves.
 */
export async function removeWithin(
  em: EntityManager,
  actor: AuditActor,
  membership: Membership,
  action: AuditAction.MEMBER_REMOVED | AuditAction.MEMBER_LEFT | AuditAction.MEMBER_EXPIRED,
): Promise<void> {
  const removed = (m: Membership) =>
    recordAudit(em, actor, { action, scope: scopeOfRow(m), subjectId: m.userId, fromRole: m.role });
  if (membership.scope !== ScopeKind.ORGANIZATION) {
    await deleteMemberships(em, { id: membership.id });
    await removed(membership);
    return;
  }
  if (membership.role === Role.ADMIN) await assertAnotherAdmin(em, membership.organizationId, membership.userId);
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
}

/**
 * Removes a membership — with MANAGE_MEMBERS, or one's own below the organization (both checked by
 * the rule); at organization scope with the person's workspace and domain memberships and pending
 * invitations, never the last ADMIN.
 */
export async function removeMember(ctx: Context, memberId: string): Promise<string> {
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
  ctx: Context,
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
  // A time-limited ADMIN hands over nothing that outlives their own access (SPEC §13).
  if (leaving.expiresAt && !(successor.expiresAt && successor.expiresAt <= leaving.expiresAt)) {
    throw new ForbiddenError({
      permission: Permission.MANAGE_MEMBERS,
      message: 'Your own access is time-limited: you cannot name a successor whose ADMIN role would outlast it.',
    });
  }
  const now = new Date();
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
export async function setMemberExpiry(ctx: Context, memberId: string, expiresAt: Date | null): Promise<Membership> {
  if (expiresAt !== null) validFutureMoment(expiresAt, 'expiresAt');
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
      const now = new Date();
      await em.update(Membership, { id: membership.id }, { expiresAt, updatedAt: now });
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.MEMBER_EXPIRY_CHANGED,
        scope: scopeOfRow(membership),
        subjectId: membership.userId,
        toRole: membership.role,
      });
      return Object.assign(membership, { expiresAt, updatedAt: now });
    },
    memberNotFound,
  );
  ctx.access.invalidate();
  ctx.loaders.membership.clear(updated.id);
  return updated;
}
