import type { DataSource } from 'typeorm';
import { Membership } from '../../entities/membership.entity';
import { User } from '../../entities/user.entity';
import { MemberOrderField, OrderDirection, type Role, type ScopeKind } from '../domain/enums';
import { countedMembers } from '../db/membership-rows';
import { fromSqlDateTime, placeholders, toCount, toSqlDateTime } from '../db/sql';
import { prefixRange, queryWords } from '../domain/search';
import {
  decodeCursor,
  decodeOrderedCursor,
  encodeCursor,
  encodeOrderedCursor,
  type OrderedPosition,
  SQL_DATETIME,
} from '../db/pagination';

/**
 * Keyset pagination of memberships, batched: one statement returns a page for each of many
 * scopes (one UNION ALL branch a scope — two for the name order — each walking an index of
 * memberships in the asked order), and one statement counts them all.
 */

/** The order of a members list (docs/domain-rules.md §10); ties are broken by id, in the same direction. */
export interface MemberOrder {
  field: MemberOrderField;
  direction: OrderDirection;
}

export const JOINED_FIRST: MemberOrder = { field: MemberOrderField.JOINED_AT, direction: OrderDirection.ASC };

export interface MemberFilter {
  first: number;
  after: string | null;
  role: Role | null;
  query: string | null;
  /** Whether `totalCount` was asked for: the page statement then counts too. */
  withCount: boolean;
  order: MemberOrder;
}

export interface MemberPageKey extends MemberFilter {
  scopeId: string;
}

/** A membership of a page, with its user read in the same statement. */
export type MemberPageRow = Membership & { user: User };

export interface MemberPage {
  rows: MemberPageRow[];
  hasNextPage: boolean;
  /** The filtered total, when it was asked for and the page is not empty. */
  total: number | null;
  /** A search's total stops at SEARCH_COUNT_CAP: true when there are more matches than that. */
  totalIsLowerBound: boolean;
}

/** The page of a search that matches nobody. */
const NO_MATCH = (filter: Pick<MemberFilter, 'withCount'>): MemberPage => ({
  rows: [],
  hasNextPage: false,
  total: filter.withCount ? 0 : null,
  totalIsLowerBound: false,
});

/** A search counts its matches up to this many; past it the total is this, and a lower bound. */
export const SEARCH_COUNT_CAP = 10_000;

/**
 * Where a row stands in a members order: a segment (the name order puts people without a name
 * after everyone else, in both directions), the sort key, and the id.
 */
type Position = OrderedPosition;

function positionOf(row: MemberPageRow, order: MemberOrder): Position {
  switch (order.field) {
    case MemberOrderField.JOINED_AT:
      return { segment: 0, key: toSqlDateTime(row.createdAt), id: row.id };
    case MemberOrderField.EMAIL:
      return { segment: 0, key: row.emailKey, id: row.id };
    case MemberOrderField.NAME:
      return row.unnamed ? { segment: 1, key: '', id: row.id } : { segment: 0, key: row.nameKey, id: row.id };
  }
}

/**
 * A members page's cursor, valid for the order it was made in. The default order keeps the
 * `created_at|id` form the lists have always used; the others carry their field, direction and
 * position, so that a cursor handed to another order is refused rather than misread.
 */
export function encodeMemberCursor(row: MemberPageRow, order: MemberOrder): string {
  if (order.field === JOINED_FIRST.field && order.direction === JOINED_FIRST.direction) return encodeCursor(row);
  return encodeOrderedCursor([order.field, order.direction], positionOf(row, order));
}

export function decodeMemberCursor(cursor: string, order: MemberOrder): Position {
  if (order.field === JOINED_FIRST.field && order.direction === JOINED_FIRST.direction) {
    const { createdAt, id } = decodeCursor(cursor);
    return { segment: 0, key: createdAt, id };
  }
  // A joined-at position carries a timestamp as stored; the other orders, any key.
  const validKey = order.field === MemberOrderField.JOINED_AT ? (key: string) => SQL_DATETIME.test(key) : undefined;
  return decodeOrderedCursor(cursor, [order.field, order.direction], validKey);
}

/** Code point order, as both databases compare the bytewise key columns. */
function compareText(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Sorts a page's rows in the asked order (the database returns UNION ALL branches in no set order). */
function inOrder(rows: MemberPageRow[], order: MemberOrder): MemberPageRow[] {
  const sign = order.direction === 'ASC' ? 1 : -1;
  const keyed = rows.map((row) => ({ row, position: positionOf(row, order) }));
  keyed.sort(
    (a, b) =>
      a.position.segment - b.position.segment ||
      sign * (compareText(a.position.key, b.position.key) || compareText(a.position.id, b.position.id)),
  );
  return keyed.map((k) => k.row);
}

/** The role filter, written against a membership alias. */
function roleSql(filter: Pick<MemberFilter, 'role'>, m: string): { where: string; params: unknown[] } {
  return filter.role ? { where: ` AND ${m}.role = ?`, params: [filter.role] } : { where: '', params: [] };
}

/**
 * The search's condition on a membership (its id in `membershipId`): for each query word, one of
 * the membership's words begins with it — a probe of the (membership_id, word) index.
 */
function wordsSql(words: readonly string[], membershipId: string): { where: string; params: unknown[] } {
  return {
    where: words
      .map(
        () =>
          ` AND EXISTS (SELECT 1 FROM member_words sw WHERE sw.membership_id = ${membershipId} AND sw.word >= ? AND sw.word < ?)`,
      )
      .join(''),
    params: words.flatMap((word) => prefixRange(word)),
  };
}

const COLUMNS =
  'm.id, m.user_id, m.scope, m.scope_id, m.role, m.organization_id, m.workspace_id, m.domain_id, m.created_at, m.updated_at, ' +
  'm.unnamed, m.name_key, m.email_key, m.expires_at, m.provisioned, m.custom_role_id';
const USER_COLUMNS =
  'u.email AS user_email, u.email_verified AS user_email_verified, u.display_name AS user_display_name, ' +
  'u.created_at AS user_created_at, u.updated_at AS user_updated_at';

/** Turns a raw row into the entity (raw SQL skips TypeORM's hydration on purpose: it is the hot path). */
export function membershipFromRow(row: Record<string, unknown>): Membership {
  return Object.assign(new Membership(), {
    id: row.id as string,
    userId: row.user_id as string,
    scope: row.scope as ScopeKind,
    scopeId: row.scope_id as string,
    role: row.role as Role,
    organizationId: row.organization_id as string,
    workspaceId: (row.workspace_id as string | null) ?? null,
    domainId: (row.domain_id as string | null) ?? null,
    createdAt: fromSqlDateTime(row.created_at as Date | string),
    updatedAt: fromSqlDateTime(row.updated_at as Date | string),
    unnamed: Boolean(row.unnamed),
    nameKey: (row.name_key as string | null) ?? '',
    emailKey: (row.email_key as string | null) ?? '',
    expiresAt: row.expires_at ? fromSqlDateTime(row.expires_at as Date | string) : null,
    provisioned: Boolean(row.provisioned),
    customRoleId: (row.custom_role_id as string | null) ?? null,
  });
}

function userFromRow(row: Record<string, unknown>): User {
  return Object.assign(new User(), {
    id: row.user_id as string,
    email: row.user_email as string,
    emailVerified: Boolean(row.user_email_verified),
    displayName: (row.user_display_name as string | null) ?? null,
    createdAt: fromSqlDateTime(row.user_created_at as Date | string),
    updatedAt: fromSqlDateTime(row.user_updated_at as Date | string),
  });
}

/** The column of each order's key, in the index (scope_id, [unnamed,] key, id). */
const ORDER_COLUMN: Record<MemberOrderField, string> = {
  JOINED_AT: 'm.created_at',
  NAME: 'm.name_key',
  EMAIL: 'm.email_key',
};

/**
 * The keyset branches of one scope's page: each a range of one index, walked in the asked
 * direction, so that the database reads only the rows it returns. The name order has two — the
 * people with a name, then those without — so that the latter come last either way.
 */
function orderBranches(
  order: MemberOrder,
  cursor: Position | null,
): { where: string; params: unknown[]; orderBy: string; segment: 0 | 1 }[] {
  const dir = order.direction;
  const op = dir === 'ASC' ? '>' : '<';
  const column = ORDER_COLUMN[order.field];
  const keyed = (after: Position | null) =>
    after
      ? {
          where: ` AND (${column} ${op} ? OR (${column} = ? AND m.id ${op} ?))`,
          params: [after.key, after.key, after.id],
        }
      : { where: '', params: [] as unknown[] };
  if (order.field !== 'NAME') {
    return [{ ...keyed(cursor), orderBy: `${column} ${dir}, m.id ${dir}`, segment: 0 }];
  }
  // Both segments walk (scope_id, unnamed, name_key, id); the nameless all have the key '', so
  // theirs is id order, and an index range all the same.
  const orderBy = `${column} ${dir}, m.id ${dir}`;
  const branches: { where: string; params: unknown[]; orderBy: string; segment: 0 | 1 }[] = [];
  if (!cursor || cursor.segment === 0) {
    const named = keyed(cursor);
    branches.push({ where: ` AND m.unnamed = 0${named.where}`, params: named.params, orderBy, segment: 0 });
  }
  const unnamed = keyed(cursor?.segment === 1 ? cursor : null);
  branches.push({ where: ` AND m.unnamed = 1${unnamed.where}`, params: unnamed.params, orderBy, segment: 1 });
  return branches;
}

/**
 * Pages for many scopes that share one filter, in one statement: UNION ALL branches for each
 * scope, each walking an index of memberships in the asked order, with the members' user rows
 * joined in (so that `user { … }` needs no second statement) and, when asked, the filtered total
 * as an uncorrelated scalar subquery (computed once per branch). Returned in the order of `scopeIds`.
 */
export function memberPageStatement(
  scopeIds: readonly string[],
  filter: MemberFilter,
): { sql: string; params: unknown[] } {
  const { where, params } = roleSql(filter, 'm');
  const counted = roleSql(filter, 'c');
  const cursor = filter.after === null ? null : decodeMemberCursor(filter.after, filter.order);
  // The total is the maintained count (member_counts has a role column too).
  const countSql = filter.withCount
    ? `, (SELECT COALESCE(SUM(c.n), 0) FROM member_counts c WHERE c.scope_id = ?${counted.where}) AS total_count`
    : '';
  const branches: string[] = [];
  const allParams: unknown[] = [];
  const orderBranchesOf = orderBranches(filter.order, cursor);
  scopeIds.forEach((scopeId, i) => {
    orderBranchesOf.forEach((branch, b) => {
      branches.push(
        `SELECT * FROM (SELECT ${COLUMNS}, ${USER_COLUMNS}${countSql} FROM memberships m JOIN users u ON u.id = m.user_id` +
          ` WHERE m.scope_id = ?${branch.where}${where} ORDER BY ${branch.orderBy} LIMIT ${filter.first + 1}) AS p${i}_${b}`,
      );
      if (filter.withCount) allParams.push(scopeId, ...counted.params);
      allParams.push(scopeId, ...branch.params, ...params);
    });
  });
  return { sql: branches.join(' UNION ALL '), params: allParams };
}

/**
 * Pages of many small scopes in one statement without a branch per scope: every filtered row of
 * those scopes is ranked within its scope in the asked order (ROW_NUMBER, one index range per
 * scope) and the first `first + 1` of each are kept. Only for scopes whose filtered size is known
 * to be small, where reading all of their rows costs less than planning a branch each.
 */
function smallScopesStatement(scopeIds: readonly string[], filter: MemberFilter): { sql: string; params: unknown[] } {
  const { where, params } = roleSql(filter, 'm');
  const cursor = filter.after === null ? null : decodeMemberCursor(filter.after, filter.order);
  const branches = orderBranches(filter.order, cursor);
  const dir = filter.order.direction;
  const rank =
    filter.order.field === 'NAME'
      ? `m.unnamed, ${ORDER_COLUMN.NAME} ${dir}, m.id ${dir}`
      : `${ORDER_COLUMN[filter.order.field]} ${dir}, m.id ${dir}`;
  // At most 100 ids per IN list: MariaDB estimates longer lists from index statistics rather than
  // by looking (eq_range_index_dive_limit), and one large scope skews those into a full scan.
  const parts: string[] = [];
  const allParams: unknown[] = [];
  for (let i = 0; i < scopeIds.length; i += 100) {
    const chunk = scopeIds.slice(i, i + 100);
    parts.push(
      `SELECT * FROM (SELECT ${COLUMNS}, ${USER_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY m.scope_id ORDER BY ${rank}) AS rank_in_scope` +
        ` FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.scope_id IN (${placeholders(chunk.length)})` +
        ` AND (${branches.map((b) => `(1 = 1${b.where})`).join(' OR ')})${where}) AS ranked${parts.length}` +
        ` WHERE rank_in_scope <= ${filter.first + 1}`,
    );
    allParams.push(...chunk, ...branches.flatMap((b) => b.params), ...params);
  }
  return { sql: parts.join(' UNION ALL '), params: allParams };
}

/** Scopes of at most this many (filtered) members are read by ranking, not by a branch each. */
const SMALL_SCOPE = 200;
/** Up to this many scopes, one branch each is cheap enough to plan; past it, ranking is used where it may be. */
const BRANCHES_AT_MOST = 8;

function pagesFrom(
  rows: Record<string, unknown>[],
  scopeIds: readonly string[],
  filter: MemberFilter,
  totals: Map<string, number> | null,
): Map<string, MemberPage> {
  const byScope = new Map<string, { rows: MemberPageRow[]; total: number | null }>();
  for (const row of rows) {
    const membership: MemberPageRow = Object.assign(membershipFromRow(row), { user: userFromRow(row) });
    const entry = byScope.get(membership.scopeId) ?? {
      rows: [],
      total: totals ? (totals.get(membership.scopeId) ?? 0) : filter.withCount ? toCount(row.total_count) : null,
    };
    entry.rows.push(membership);
    byScope.set(membership.scopeId, entry);
  }
  const pages = new Map<string, MemberPage>();
  for (const scopeId of scopeIds) {
    const entry = byScope.get(scopeId);
    const list = inOrder(entry?.rows ?? [], filter.order);
    // An empty page of a branch carries no total: `totalCount` then asks the count loader.
    const total = totals ? (totals.get(scopeId) ?? 0) : (entry?.total ?? null);
    pages.set(scopeId, {
      rows: list.slice(0, filter.first),
      hasNextPage: list.length > filter.first,
      total,
      totalIsLowerBound: false,
    });
  }
  return pages;
}

/**
 * The pages of many scopes that share one filter, in the order of `scopeIds`. A few scopes: one
 * statement of one index-range branch per scope (`memberPageStatement`), totals included. Many
 * scopes (a whole organization's tree): their filtered sizes first (one grouped count, which is
 * also every `totalCount`), then the small ones ranked in one statement and the large ones, if
 * any, by branches — planning hundreds of branches cost MariaDB about 45 ms for the 250 domains
 * of the benchmark's tree, the count and the ranking a few.
 */
export async function loadMemberPages(
  db: DataSource,
  scopeIds: readonly string[],
  filter: MemberFilter,
  options: { strategy?: 'branches' | 'auto' } = {},
): Promise<MemberPage[]> {
  if (filter.query) {
    const words = queryWords(filter.query);
    // A query of separators alone (`_`, `@`) has no word to find: it matches nobody.
    if (words.length === 0) return scopeIds.map(() => NO_MATCH(filter));
    return searchPages(db, scopeIds, filter, words);
  }
  if (options.strategy === 'branches' || scopeIds.length <= BRANCHES_AT_MOST) {
    const { sql, params } = memberPageStatement(scopeIds, filter);
    const pages = pagesFrom(await db.query(sql, params), scopeIds, filter, null);
    return scopeIds.map((id) => pages.get(id) as MemberPage);
  }
  const counts = await countedMembers(db, scopeIds, filter.role);
  const totals = new Map(scopeIds.map((id, i) => [id, counts[i]]));
  const small = scopeIds.filter((id) => (totals.get(id) ?? 0) <= SMALL_SCOPE && (totals.get(id) ?? 0) > 0);
  const large = scopeIds.filter((id) => (totals.get(id) ?? 0) > SMALL_SCOPE);
  const [smallRows, largeRows] = await Promise.all([
    small.length > 0
      ? (() => {
          const { sql, params } = smallScopesStatement(small, filter);
          return db.query(sql, params) as Promise<Record<string, unknown>[]>;
        })()
      : Promise.resolve([]),
    // Large scopes keep a branch each, 100 scopes a statement (SQLite takes 500 terms at most).
    Promise.all(
      Array.from({ length: Math.ceil(large.length / 100) }, (_, i) => {
        const { sql, params } = memberPageStatement(large.slice(i * 100, i * 100 + 100), {
          ...filter,
          withCount: false,
        });
        return db.query(sql, params) as Promise<Record<string, unknown>[]>;
      }),
    ).then((chunks) => chunks.flat()),
  ]);
  const pages = pagesFrom([...smallRows, ...largeRows], scopeIds, filter, totals);
  return scopeIds.map((id) => pages.get(id) as MemberPage);
}

/**
 * `totalCount` of the filtered set (the cursor does not narrow it), for many scopes at once: the
 * maintained counts, or with a search its matches counted up to SEARCH_COUNT_CAP (see `searchPage`).
 */
export async function countMembers(
  db: DataSource,
  scopeIds: readonly string[],
  filter: Pick<MemberFilter, 'role' | 'query'>,
): Promise<{ total: number; lowerBound: boolean }[]> {
  if (!filter.query) {
    return (await countedMembers(db, scopeIds, filter.role)).map((total) => ({ total, lowerBound: false }));
  }
  const words = queryWords(filter.query);
  if (words.length === 0) return scopeIds.map(() => ({ total: 0, lowerBound: false }));
  return countSearches(db, scopeIds, filter, await planSearches(db, scopeIds, words));
}

/** Scopes per search statement: each brings one row of probes, or up to two order branches. */
const SEARCH_SCOPES_PER_STATEMENT = 100;

/** Runs `statementOf` for each chunk of SEARCH_SCOPES_PER_STATEMENT items, rows concatenated in order. */
async function inChunks<T>(
  db: DataSource,
  items: readonly T[],
  statementOf: (chunk: readonly T[], offset: number) => { sql: string; params: unknown[] },
): Promise<Record<string, unknown>[]> {
  const chunks: Promise<Record<string, unknown>[]>[] = [];
  for (let i = 0; i < items.length; i += SEARCH_SCOPES_PER_STATEMENT) {
    const { sql, params } = statementOf(items.slice(i, i + SEARCH_SCOPES_PER_STATEMENT), i);
    chunks.push(db.query(sql, params));
  }
  return (await Promise.all(chunks)).flat();
}

/** The capped search totals of planned scopes (null plan: no match), one statement per chunk. */
async function countSearches(
  db: DataSource,
  scopeIds: readonly string[],
  filter: Pick<MemberFilter, 'role'>,
  plans: readonly (SearchPlan | null)[],
): Promise<{ total: number; lowerBound: boolean }[]> {
  const totals = scopeIds.map(() => ({ total: 0, lowerBound: false }));
  const planned = scopeIds.flatMap((scopeId, i) => (plans[i] ? [{ scopeId, i, plan: plans[i] }] : []));
  const rows = await inChunks(db, planned, (chunk) => {
    const params: unknown[] = [];
    const selects = chunk.map(({ scopeId, i, plan }) => {
      const count = searchCountSql(scopeId, filter, plan);
      params.push(...count.params);
      return `SELECT ${i} AS k, ${count.sql} AS total_count`;
    });
    return { sql: selects.join(' UNION ALL '), params };
  });
  for (const row of rows) totals[toCount(row.k)] = cappedTotal(row.total_count);
  return totals;
}

/**
 * A search's plan in one scope: how many index rows each query word's range holds, counted only
 * up to SPARSE_AT_MOST + 1 (a short index range scan each), and the rarest word. Null when a word
 * matches nobody: no member can match them all.
 */
interface SearchPlan {
  words: readonly string[];
  rarest: string;
  /** The rarest word matches at most SPARSE_AT_MOST rows: the page starts from its matches. */
  sparse: boolean;
}

/**
 * Where a search page starts. A rare word's few matches are read from the index and sorted; a
 * common word's are met by walking the order's index and keeping the members whose words match
 * (at half the members matching, a page of 50 reads about 100). The line between the two is
 * where both cost about the same at a million members.
 */
const SPARSE_AT_MOST = 500;

/** Each scope's plan, in the order of `scopeIds`: one statement per chunk of scopes. */
async function planSearches(
  db: DataSource,
  scopeIds: readonly string[],
  words: readonly string[],
): Promise<(SearchPlan | null)[]> {
  const probe = `(SELECT COUNT(*) FROM (SELECT 1 FROM member_words WHERE scope_id = ? AND word >= ? AND word < ? LIMIT ${SPARSE_AT_MOST + 1}) AS probe)`;
  const rows = await inChunks(db, scopeIds, (chunk, offset) => ({
    sql: chunk
      .map((_, i) => `SELECT ${offset + i} AS k, ${words.map((_, w) => `${probe} AS n${w}`).join(', ')}`)
      .join(' UNION ALL '),
    params: chunk.flatMap((scopeId) => words.flatMap((word) => [scopeId, ...prefixRange(word)])),
  }));
  const plans: (SearchPlan | null)[] = scopeIds.map(() => null);
  for (const row of rows) {
    const counts = words.map((_, w) => toCount(row[`n${w}`]));
    if (counts.some((n) => n === 0)) continue;
    const fewest = Math.min(...counts);
    plans[toCount(row.k)] = { words, rarest: words[counts.indexOf(fewest)], sparse: fewest <= SPARSE_AT_MOST };
  }
  return plans;
}

/** The memberships of a scope whose words include one that the rarest query word begins. */
function candidatesSql(scopeId: string, plan: SearchPlan): { sql: string; params: unknown[] } {
  return {
    sql: '(SELECT DISTINCT membership_id FROM member_words WHERE scope_id = ? AND word >= ? AND word < ?)',
    params: [scopeId, ...prefixRange(plan.rarest)],
  };
}

/**
 * A scalar subquery counting a search's matches in a scope: exactly from the rarest word's few
 * matches when sparse, else the distinct matches up to SEARCH_COUNT_CAP + 1 (the index range of
 * the rarest word, read only until that many are found).
 */
function searchCountSql(
  scopeId: string,
  filter: Pick<MemberFilter, 'role'>,
  plan: SearchPlan,
): { sql: string; params: unknown[] } {
  const others = plan.words.filter((word) => word !== plan.rarest);
  const role = roleSql(filter, 'cm');
  if (plan.sparse) {
    const candidates = candidatesSql(scopeId, plan);
    const matching = wordsSql(others, 'cm.id');
    return {
      sql:
        `(SELECT COUNT(*) FROM ${candidates.sql} cc JOIN memberships cm ON cm.id = cc.membership_id` +
        ` WHERE cm.scope_id = ?${role.where}${matching.where})`,
      params: [...candidates.params, scopeId, ...role.params, ...matching.params],
    };
  }
  const matching = wordsSql(others, 'cw.membership_id');
  const join = filter.role ? ' JOIN memberships cm ON cm.id = cw.membership_id' : '';
  return {
    sql:
      `(SELECT COUNT(*) FROM (SELECT DISTINCT cw.membership_id FROM member_words cw${join}` +
      ` WHERE cw.scope_id = ? AND cw.word >= ? AND cw.word < ?${role.where}${matching.where}` +
      ` LIMIT ${SEARCH_COUNT_CAP + 1}) AS counted)`,
    params: [scopeId, ...prefixRange(plan.rarest), ...role.params, ...matching.params],
  };
}

function cappedTotal(value: unknown): { total: number; lowerBound: boolean } {
  const n = toCount(value);
  return n > SEARCH_COUNT_CAP ? { total: SEARCH_COUNT_CAP, lowerBound: true } : { total: n, lowerBound: false };
}

/**
 * The pages of a search (docs/domain-rules.md §3), in two statements whatever the scopes' sizes
 * (per chunk of SEARCH_SCOPES_PER_STATEMENT scopes): the plans (`planSearches`), then the pages
 * with their totals. Sparse: the rarest word's matches (at most SPARSE_AT_MOST) joined to their
 * memberships, the other words checked, sorted, the keyset applied. Dense: each order branch
 * walks its index as an unfiltered page does, keeping the members all of whose query words match.
 */
async function searchPages(
  db: DataSource,
  scopeIds: readonly string[],
  filter: MemberFilter,
  words: readonly string[],
): Promise<MemberPage[]> {
  const plans = await planSearches(db, scopeIds, words);
  const planned = scopeIds.flatMap((scopeId, i) => (plans[i] ? [{ scopeId, plan: plans[i] }] : []));
  const cursor = filter.after === null ? null : decodeMemberCursor(filter.after, filter.order);
  const role = roleSql(filter, 'm');
  const rows = await inChunks(db, planned, (chunk, offset) => {
    const branches: string[] = [];
    const params: unknown[] = [];
    chunk.forEach(({ scopeId, plan }, i) => {
      const count = filter.withCount ? searchCountSql(scopeId, filter, plan) : null;
      const candidates = plan.sparse ? candidatesSql(scopeId, plan) : null;
      const matching = wordsSql(plan.sparse ? words.filter((word) => word !== plan.rarest) : words, 'm.id');
      orderBranches(filter.order, cursor).forEach((branch, b) => {
        const from = candidates
          ? `${candidates.sql} c JOIN memberships m ON m.id = c.membership_id JOIN users u ON u.id = m.user_id`
          : 'memberships m JOIN users u ON u.id = m.user_id';
        branches.push(
          `SELECT * FROM (SELECT ${COLUMNS}, ${USER_COLUMNS}${count ? `, ${count.sql} AS total_count` : ''} FROM ${from}` +
            ` WHERE m.scope_id = ?${branch.where}${role.where}${matching.where}` +
            ` ORDER BY ${branch.orderBy} LIMIT ${filter.first + 1}) AS s${offset + i}_${b}`,
        );
        params.push(
          ...(count?.params ?? []),
          ...(candidates?.params ?? []),
          scopeId,
          ...branch.params,
          ...role.params,
          ...matching.params,
        );
      });
    });
    return { sql: branches.join(' UNION ALL '), params };
  });
  const pages = pagesFrom(rows, scopeIds, { ...filter, withCount: false }, null);
  if (!filter.withCount) return scopeIds.map((id) => pages.get(id) as MemberPage);
  const totals = new Map<string, { total: number; lowerBound: boolean }>();
  for (const row of rows) {
    if (!totals.has(row.scope_id as string)) totals.set(row.scope_id as string, cappedTotal(row.total_count));
  }
  // An empty page carries no total: those are counted apart, as `totalCount` would.
  const uncounted = planned.filter(({ scopeId }) => !totals.has(scopeId));
  if (uncounted.length > 0) {
    const counted = await countSearches(
      db,
      uncounted.map(({ scopeId }) => scopeId),
      filter,
      uncounted.map(({ plan }) => plan),
    );
    uncounted.forEach(({ scopeId }, i) => totals.set(scopeId, counted[i]));
  }
  return scopeIds.map((id) => {
    const total = totals.get(id) ?? { total: 0, lowerBound: false };
    return { ...(pages.get(id) as MemberPage), total: total.total, totalIsLowerBound: total.lowerBound };
  });
}
