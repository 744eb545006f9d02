import type { DataSource, EntityManager } from 'typeorm';
import { MemberCount } from '../../entities/member-count.entity';
import { Membership } from '../../entities/membership.entity';
import type { Role } from '../domain/enums';
import { NotFoundError } from '../domain/errors';
import { inTransaction, isSqlite } from './transaction';
import { searchWords } from '../domain/search';
import { memberOrderKeys, placeholders, toCount } from './sql';

/**
 * The only writes of membership rows that add, remove, re-role or rename one: each keeps
 * `member_counts` (members per scope and role) and `member_words` (the search index) in step, in
 * the same transaction. The callers hold the organization's lock (`withOrganizationLock`), so two
 * changes of one organization's counts never interleave; on a Galera cluster the organization row
 * already makes them conflict.
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

/** The search index's rows of memberships: every word their person is found by, in their scope. */
function wordRows(memberships: readonly Pick<Membership, 'id' | 'scopeId' | 'nameKey' | 'emailKey'>[]) {
  return memberships.flatMap((m) =>
    searchWords(m.nameKey, m.emailKey).map((word) => ({ scopeId: m.scopeId, word, membershipId: m.id })),
  );
}

/** Writes search-index rows, a few hundred a statement (SQLite takes 32 766 parameters at most). */
async function insertWords(em: EntityManager, rows: { scopeId: string; word: string; membershipId: string }[]) {
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await em.query(
      `INSERT INTO member_words (scope_id, word, membership_id) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
      chunk.flatMap((row) => [row.scopeId, row.word, row.membershipId]),
    );
  }
}

/**
 * docs/domain-rules.md §16: nobody erased is given a membership. The people's rows are read with a
 * shared lock, so that a grant and an erasure's first step (marking the person erased) take turns:
 * either the grant sees the mark and gives nothing, or the erasure's mark waits for the grant's
 * commit and its sweep of memberships, made after the mark, finds and removes what was given.
 * (SQLite runs one write transaction at a time: the read alone decides.)
 */
async function assertNoneErased(em: EntityManager, memberships: readonly Membership[]): Promise<void> {
  const people = [...new Set(memberships.map((m) => m.userId))];
  for (let i = 0; i < people.length; i += 500) {
    const chunk = people.slice(i, i + 500);
    const erased: unknown[] = await em.query(
      `SELECT id FROM users WHERE id IN (${placeholders(chunk.length)}) AND erased_at IS NOT NULL${
        isSqlite(em.connection) ? '' : ' LOCK IN SHARE MODE'
      }`,
      chunk,
    );
    // To everyone else an erased person is nobody; their own request in flight is refused as their next one will be.
    if (erased.length > 0) throw new NotFoundError('Person');
  }
}

/** Inserts new memberships, counts them and indexes their words; never for an erased person. */
export async function insertMemberships(em: EntityManager, memberships: readonly Membership[]): Promise<void> {
  if (memberships.length === 0) return;
  await assertNoneErased(em, memberships);
  for (let i = 0; i < memberships.length; i += 500) await em.insert(Membership, memberships.slice(i, i + 500));
  await insertWords(em, wordRows(memberships));
  await adjustCounts(
    em,
    memberships.map((m) => ({ organizationId: m.organizationId, scopeId: m.scopeId, role: m.role, delta: 1 })),
  );
}

/** Gives a membership another role (and whatever else changes with it), moving it between counts. */
export async function updateMembershipRole(
  em: EntityManager,
  membership: Pick<Membership, 'id' | 'organizationId' | 'scopeId' | 'role'>,
  changes: Partial<Pick<Membership, 'expiresAt' | 'updatedAt' | 'customRoleId'>> & { role: Role },
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
  await em.query(`DELETE FROM member_words WHERE membership_id IN (SELECT id FROM memberships WHERE ${where})`, params);
  await em.query(`DELETE FROM memberships WHERE ${where}`, params);
  await adjustCounts(
    em,
    groups.map((g) => ({ organizationId: g.organization_id, scopeId: g.scope_id, role: g.role, delta: -toCount(g.n) })),
  );
}

/**
 * A person's name or email changed (a token brought new claims): their sort keys and search words
 * change in every membership they hold, at once. Only copies of their own name and email change,
 * never a role or a membership.
 */
export async function refreshPersonKeys(
  em: EntityManager,
  userId: string,
  email: string,
  displayName: string | null,
): Promise<void> {
  const keys = memberOrderKeys(email, displayName);
  await em.update(Membership, { userId }, keys);
  await em.query('DELETE FROM member_words WHERE membership_id IN (SELECT id FROM memberships WHERE user_id = ?)', [
    userId,
  ]);
  const held: { id: string; scope_id: string }[] = await em.query(
    'SELECT id, scope_id FROM memberships WHERE user_id = ?',
    [userId],
  );
  await insertWords(em, wordRows(held.map((m) => ({ id: m.id, scopeId: m.scope_id, ...keys }))));
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

/** One word of the search index that differs from what the memberships say. */
export interface WordDrift {
  organizationId: string;
  scopeId: string;
  membershipId: string;
  word: string;
  /** `missing`: the memberships say it, the index lacks it; `extra`: the other way round. */
  kind: 'missing' | 'extra';
}

/**
 * Compares the search index with the words the memberships' name and email keys give (the check
 * behind `npm run check:counts`). Reads every membership and word: a maintenance task.
 */
export async function searchIndexDrift(db: DataSource, organizationId: string | null = null): Promise<WordDrift[]> {
  const where = organizationId ? ' WHERE m.organization_id = ?' : '';
  const params = organizationId ? [organizationId] : [];
  type Held = { id: string; scope_id: string; organization_id: string; name_key: string; email_key: string };
  const [held, indexed] = await inTransaction(
    db,
    async (em): Promise<[Held[], { scope_id: string; membership_id: string; word: string }[]]> => [
      await em.query(
        `SELECT m.id, m.scope_id, m.organization_id, m.name_key, m.email_key FROM memberships m${where}`,
        params,
      ),
      await em.query(
        `SELECT w.scope_id, w.membership_id, w.word FROM member_words w` +
          (organizationId ? ' JOIN memberships m ON m.id = w.membership_id WHERE m.organization_id = ?' : ''),
        params,
      ),
    ],
  );
  const key = (scopeId: string, membershipId: string, word: string) => `${scopeId}\n${membershipId}\n${word}`;
  const organizationOf = new Map(held.map((m) => [m.id, m.organization_id]));
  const expected = new Map<string, WordDrift>();
  for (const m of held) {
    for (const word of searchWords(m.name_key, m.email_key)) {
      expected.set(key(m.scope_id, m.id, word), {
        organizationId: m.organization_id,
        scopeId: m.scope_id,
        membershipId: m.id,
        word,
        kind: 'missing',
      });
    }
  }
  const drift: WordDrift[] = [];
  for (const row of indexed) {
    const k = key(row.scope_id, row.membership_id, row.word);
    if (expected.has(k)) expected.delete(k);
    else
      drift.push({
        organizationId: organizationOf.get(row.membership_id) ?? '',
        scopeId: row.scope_id,
        membershipId: row.membership_id,
        word: row.word,
        kind: 'extra',
      });
  }
  return [...expected.values(), ...drift];
}

/** Rewrites one organization's search index from its memberships (inside its lock). */
export async function reindexOrganization(em: EntityManager, organizationId: string): Promise<void> {
  await em.query(
    'DELETE FROM member_words WHERE membership_id IN (SELECT id FROM memberships WHERE organization_id = ?)',
    [organizationId],
  );
  const held: { id: string; scope_id: string; name_key: string; email_key: string }[] = await em.query(
    'SELECT id, scope_id, name_key, email_key FROM memberships WHERE organization_id = ?',
    [organizationId],
  );
  await insertWords(
    em,
    wordRows(held.map((m) => ({ id: m.id, scopeId: m.scope_id, nameKey: m.name_key, emailKey: m.email_key }))),
  );
}
