import type { DataSource, EntityManager } from 'typeorm';
import { MemberCount } from '../../entities/member-count.entity';
import { Membership } from '../../entities/membership.entity';
import type { Role } from '../domain/enums';
import { inTransaction, isSqlite } from './transaction';
import { placeholders, toCount } from './sql';

/**
 * The only writes of membership rows that add, remove or re-role one: each keeps `member_counts`
 * (members per scope and role) in step, in the same transaction. The callers hold the
 * organization's lock (`withOrganizationLock`), so two changes of one organization's counts never
 * interleave; on a Galera cluster the organization row already makes them conflict.
 */

interface CountChange {
  organizationId: string;
  scopeId: string;
  role: Role;
  delta: number;
}

async function adjustCounts(em: EntityManager, changes: readonly CountChange[]): Promise<void> {
  const merged = new Map<string, CountChange>();
  for (const change of changes) {
    const key = `${change.scopeId}\n${change.role}`;
    const held = merged.get(key);
    merged.set(key, held ? { ...held, delta: held.delta + change.delta } : { ...change });
  }
  const rows = [...merged.values()].filter((change) => change.delta !== 0);
  if (rows.length === 0) return;
  const upsert = isSqlite(em.connection)
    ? 'ON CONFLICT (scope_id, role) DO UPDATE SET n = n + excluded.n'
    : 'ON DUPLICATE KEY UPDATE n = n + VALUES(n)';
  await em.query(
    `INSERT INTO member_counts (scope_id, role, organization_id, n) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')} ${upsert}`,
    rows.flatMap((row) => [row.scopeId, row.role, row.organizationId, row.delta]),
  );
  // Rows that reached zero go, each found by its whole key: a range would lock gaps that other
  // organizations' first members are inserted into.
  const lowered = rows.filter((row) => row.delta < 0);
  if (lowered.length > 0) {
    await em.query(
      `DELETE FROM member_counts WHERE n = 0 AND (${lowered.map(() => '(scope_id = ? AND role = ?)').join(' OR ')})`,
      lowered.flatMap((row) => [row.scopeId, row.role]),
    );
  }
}

/** Inserts new memberships and counts them. */
export async function insertMemberships(em: EntityManager, memberships: readonly Membership[]): Promise<void> {
  if (memberships.length === 0) return;
  await em.insert(Membership, [...memberships]);
  await adjustCounts(
    em,
    memberships.map((m) => ({ organizationId: m.organizationId, scopeId: m.scopeId, role: m.role, delta: 1 })),
  );
}

/** Gives a membership another role (and whatever else changes with it), moving it between counts. */
export async function updateMembershipRole(
  em: EntityManager,
  membership: Pick<Membership, 'id' | 'organizationId' | 'scopeId' | 'role'>,
  changes: Partial<Pick<Membership, 'expiresAt' | 'updatedAt'>> & { role: Role },
): Promise<void> {
  await em.update(Membership, { id: membership.id }, changes);
  if (changes.role === membership.role) return;
  const { organizationId, scopeId } = membership;
  await adjustCounts(em, [
    { organizationId, scopeId, role: membership.role, delta: -1 },
    { organizationId, scopeId, role: changes.role, delta: 1 },
  ]);
}

/** Which memberships `deleteMemberships` takes: by id, by person in an organization, or by scope. */
export type MembershipSelection =
  | { id: string }
  | { organizationId: string; userId: string }
  | { organizationId: string }
  | { workspaceId: string }
  | { domainId: string };

const SELECTION_COLUMNS: Record<string, string> = {
  id: 'id',
  organizationId: 'organization_id',
  userId: 'user_id',
  workspaceId: 'workspace_id',
  domainId: 'domain_id',
};

/** Deletes memberships and takes them off the counts. */
export async function deleteMemberships(em: EntityManager, selection: MembershipSelection): Promise<void> {
  const entries = Object.entries(selection);
  const where = entries.map(([key]) => `${SELECTION_COLUMNS[key]} = ?`).join(' AND ');
  const params = entries.map(([, value]) => value);
  const groups: { scope_id: string; role: Role; organization_id: string; n: unknown }[] = await em.query(
    `SELECT scope_id, role, organization_id, COUNT(*) AS n FROM memberships WHERE ${where} GROUP BY scope_id, role, organization_id`,
    params,
  );
  if (groups.length === 0) return;
  await em.query(`DELETE FROM memberships WHERE ${where}`, params);
  await adjustCounts(
    em,
    groups.map((g) => ({ organizationId: g.organization_id, scopeId: g.scope_id, role: g.role, delta: -toCount(g.n) })),
  );
}

/**
 * Members per scope, each narrowed to one role when `role` is given, from the maintained counts:
 * a few rows read, however large the scopes.
 */
export async function countedMembers(
  em: Pick<EntityManager, 'query'>,
  scopeIds: readonly string[],
  role: Role | null = null,
): Promise<number[]> {
  if (scopeIds.length === 0) return [];
  const rows: { scope_id: string; n: unknown }[] = await em.query(
    `SELECT scope_id, SUM(n) AS n FROM member_counts WHERE scope_id IN (${placeholders(scopeIds.length)})` +
      `${role ? ' AND role = ?' : ''} GROUP BY scope_id`,
    role ? [...scopeIds, role] : [...scopeIds],
  );
  const counts = new Map(rows.map((row) => [row.scope_id, toCount(row.n)]));
  return scopeIds.map((id) => counts.get(id) ?? 0);
}

/** One scope and role whose maintained count differs from its memberships. */
export interface CountDrift {
  organizationId: string;
  scopeId: string;
  role: Role;
  counted: number;
  actual: number;
}

/**
 * Recounts every scope's memberships and compares them with `member_counts` (the check behind
 * `npm run check:counts`, whose `--repair` then runs `recountOrganization` for each organization
 * that drifted). Reads every membership: a maintenance task, not a request.
 */
export async function memberCountDrift(db: DataSource, organizationId: string | null = null): Promise<CountDrift[]> {
  const where = organizationId ? ' WHERE organization_id = ?' : '';
  const params = organizationId ? [organizationId] : [];
  type Row = { scope_id: string; role: Role; organization_id: string; n: unknown };
  // One transaction, so that both reads see the same moment (a change between them is no drift).
  const [actualRows, countedRows] = await inTransaction(db, async (em): Promise<[Row[], Row[]]> => {
    const actual: Row[] = await em.query(
      `SELECT scope_id, role, organization_id, COUNT(*) AS n FROM memberships${where} GROUP BY scope_id, role, organization_id`,
      params,
    );
    return [actual, await em.query(`SELECT scope_id, role, organization_id, n FROM member_counts${where}`, params)];
  });
  const key = (row: { scope_id: string; role: Role }) => `${row.scope_id}\n${row.role}`;
  const table = new Map<string, CountDrift>();
  const entry = (row: { scope_id: string; role: Role; organization_id: string }) => {
    const found = table.get(key(row)) ?? {
      organizationId: row.organization_id,
      scopeId: row.scope_id,
      role: row.role,
      counted: 0,
      actual: 0,
    };
    table.set(key(row), found);
    return found;
  };
  for (const row of actualRows) entry(row).actual = toCount(row.n);
  for (const row of countedRows) entry(row).counted = toCount(row.n);
  return [...table.values()].filter((d) => d.counted !== d.actual);
}

/** Rewrites one organization's counts from its memberships (inside its lock). */
export async function recountOrganization(em: EntityManager, organizationId: string): Promise<void> {
  await em.delete(MemberCount, { organizationId });
  await em.query(
    `INSERT INTO member_counts (scope_id, role, organization_id, n)
     SELECT scope_id, role, organization_id, COUNT(*) FROM memberships WHERE organization_id = ? GROUP BY scope_id, role, organization_id`,
    [organizationId],
  );
}
