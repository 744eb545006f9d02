import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Membership } from '../../entities/membership.entity';
import { mayGrantRole, Role, ROLES_BY_SCOPE, ScopeKind, scopeId, type ScopeRef } from '../../permissions/access';
import { MemberConnection, OrganizationConnection } from '../../resolvers/types/connections';
import type { Context } from '../context';
import { inTransaction, lockForUpdate } from '../db/transaction';
import { BadUserInputError, DomainRuleError, ForbiddenError, NotFoundError } from '../errors';
import { requireViewer } from './scope.service';
import { validPageSize } from '../validation';
import { scopeOfRow } from '../viewer-access';
import {
  byCreationThenId,
  checkCursor,
  decodeCursor,
  encodeCursor,
  isAfterCursor,
  type MemberPageKey,
} from './member-list';

export interface MemberListArgs {
  first?: number | null;
  after?: string | null;
  role?: Role | null;
  query?: string | null;
}

/** Checks the list arguments of SPEC §3 and turns them into a loader key. */
export function memberPageKey(scopeId: string, args: MemberListArgs, withCount = false): MemberPageKey {
  const first = validPageSize(args.first);
  const after = args.after ?? null;
  checkCursor(after);
  const query = args.query?.trim() ? args.query.trim() : null;
  if (query !== null && query.length > 254)
    throw new BadUserInputError('query must be at most 254 characters.', 'query');
  return { scopeId, first, after, role: args.role ?? null, query, withCount };
}

/** One page of a scope's members; many scopes in one request share one statement. */
export async function memberConnection(
  ctx: Context,
  scopeId: string,
  args: MemberListArgs,
  withCount = true,
): Promise<MemberConnection> {
  const key = memberPageKey(scopeId, args, withCount);
  const page = await ctx.loaders.memberPage.load(key);
  // The shield rule on `members` let the viewer read this scope's members: they share its organization.
  ctx.access.noteCoMembers(page.rows.map((m) => m.userId));
  return Object.assign(new MemberConnection(), {
    key,
    total: page.total,
    edges: page.rows.map((node) => ({ cursor: encodeCursor(node), node })),
    nodes: page.rows,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      endCursor: page.rows.length > 0 ? encodeCursor(page.rows[page.rows.length - 1]) : null,
    },
  });
}

export async function memberTotalCount(ctx: Context, connection: MemberConnection): Promise<number> {
  return connection.total ?? ctx.loaders.memberCount.load(connection.key);
}

/**
 * The viewer's organizations (`User.organizations`), paged by the date they joined. Uses the
 * memberships already loaded for permission checks: only the organizations themselves are read.
 */
export async function organizationsOfViewer(
  ctx: Context,
  args: { first?: number | null; after?: string | null },
): Promise<OrganizationConnection> {
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
  return Object.assign(new OrganizationConnection(), {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: rest.length > first,
      endCursor: slice.length > 0 ? encodeCursor(slice[slice.length - 1]) : null,
    },
    totalCount: all.length,
  });
}

function newMembership(userId: string, scope: ScopeRef, role: Role, now: Date): Membership {
  return Object.assign(new Membership(), {
    id: randomUUID(),
    userId,
    scope: scope.kind,
    scopeId: scopeId(scope),
    role,
    organizationId: scope.organizationId,
    workspaceId: scope.kind === ScopeKind.ORGANIZATION ? null : scope.workspaceId,
    domainId: scope.kind === ScopeKind.DOMAIN ? scope.domainId : null,
    createdAt: now,
    updatedAt: now,
  });
}

/**
 * Gives a person a role in a scope, inside the caller's transaction. A workspace or domain
 * membership brings the organization membership (MEMBER) with it when the person has none
 * (SPEC §1). The scope must accept the role; a person holds one role per scope.
 */
export async function grantMembership(
  em: EntityManager,
  userId: string,
  scope: ScopeRef,
  role: Role,
): Promise<Membership> {
  if (!ROLES_BY_SCOPE[scope.kind].includes(role)) {
    throw new BadUserInputError(`role ${role} is not accepted at ${scope.kind.toLowerCase()} scope.`, 'role');
  }
  const repo = em.getRepository(Membership);
  if (await repo.existsBy({ userId, scopeId: scopeId(scope) })) {
    throw new DomainRuleError('ALREADY_MEMBER', 'This person is already a member here.');
  }
  const now = new Date();
  if (scope.kind !== ScopeKind.ORGANIZATION && !(await repo.existsBy({ userId, scopeId: scope.organizationId }))) {
    await repo.insert(
      newMembership(userId, { kind: ScopeKind.ORGANIZATION, organizationId: scope.organizationId }, Role.MEMBER, now),
    );
  }
  const membership = newMembership(userId, scope, role, now);
  await repo.insert(membership);
  return membership;
}

const lastAdmin = () =>
  new DomainRuleError('LAST_ADMIN', 'An organization keeps at least one ADMIN: make someone else ADMIN first.');

/**
 * Inside a transaction, before a write that may take away an organization ADMIN: locks the
 * organization row (so that such writes on one organization run one after another on
 * MySQL/MariaDB; SQLite's transactions already do), then reads the ADMINs with a locking read,
 * which sees the latest committed rows. Throws LAST_ADMIN when `leaving` is the only one.
 */
async function assertAnotherAdmin(em: EntityManager, organizationId: string, leavingUserId: string): Promise<void> {
  await lockForUpdate(em, 'SELECT id FROM organizations WHERE id = ?', [organizationId]);
  const admins = await lockForUpdate(em, 'SELECT user_id FROM memberships WHERE scope_id = ? AND role = ?', [
    organizationId,
    Role.ADMIN,
  ]);
  if (!admins.some((row) => row.user_id !== leavingUserId)) throw lastAdmin();
}

/** Re-reads a membership inside the transaction (it may have changed since the rule looked). */
async function freshMembership(em: EntityManager, id: string): Promise<Membership> {
  const membership = await em.findOneBy(Membership, { id });
  if (!membership) throw new NotFoundError('Member');
  return membership;
}

/** SPEC §3: a new role at the membership's scope, never above the caller's own, never the last ADMIN's. */
export async function changeMemberRole(ctx: Context, input: { memberId: string; role: Role }): Promise<Membership> {
  const current = await ctx.loaders.membership.load(input.memberId);
  if (!current) throw new NotFoundError('Member');
  const scope = scopeOfRow(current);
  if (!ROLES_BY_SCOPE[scope.kind].includes(input.role)) {
    throw new BadUserInputError(`role ${input.role} is not accepted at ${scope.kind.toLowerCase()} scope.`, 'role');
  }
  if (!mayGrantRole(scope.kind, input.role, await ctx.access.at(scope))) {
    throw new ForbiddenError('You cannot grant a role above your own.');
  }
  const updated = await inTransaction(ctx.db, async (em) => {
    const membership = await freshMembership(em, input.memberId);
    if (membership.role === input.role) return membership;
    if (membership.scope === ScopeKind.ORGANIZATION && membership.role === Role.ADMIN) {
      await assertAnotherAdmin(em, membership.organizationId, membership.userId);
    }
    const now = new Date();
    await em.update(Membership, { id: membership.id }, { role: input.role, updatedAt: now });
    return Object.assign(membership, { role: input.role, updatedAt: now });
  });
  ctx.access.invalidate();
  ctx.loaders.membership.clear(updated.id);
  return updated;
}

/**
 * Removes a membership. At organization scope the person's workspace and domain memberships in
 * that organization go with it, in the same transaction (SPEC §3).
 */
async function removeWithin(em: EntityManager, membership: Membership): Promise<void> {
  if (membership.scope === ScopeKind.ORGANIZATION) {
    if (membership.role === Role.ADMIN) await assertAnotherAdmin(em, membership.organizationId, membership.userId);
    await em.delete(Membership, { organizationId: membership.organizationId, userId: membership.userId });
  } else {
    await em.delete(Membership, { id: membership.id });
  }
}

export async function removeMember(ctx: Context, memberId: string): Promise<string> {
  await inTransaction(ctx.db, async (em) => removeWithin(em, await freshMembership(em, memberId)));
  ctx.access.invalidate();
  return memberId;
}

/** The caller leaves the organization and everything in it; only membership is needed. */
export async function leaveOrganization(ctx: Context, organizationId: string): Promise<string> {
  const viewer = requireViewer(ctx);
  await inTransaction(ctx.db, async (em) => {
    const membership = await em.findOneBy(Membership, { userId: viewer.id, scopeId: organizationId });
    if (!membership) throw new NotFoundError('Organization');
    await removeWithin(em, membership);
  });
  ctx.access.invalidate();
  return organizationId;
}
