import type { DataSource } from 'typeorm';
import { Membership } from '../../entities/membership.entity';
import { User } from '../../entities/user.entity';
import { MemberOrderField, OrderDirection, type Role, type ScopeKind } from '../domain/enums';
import { countedMembers } from '../db/membership-rows';
import { containsPattern, fromSqlDateTime, placeholders, toCount, toSqlDateTime } from '../db/sql';
import { BadUserInputError } from '../domain/errors';
import { decodeCursor, encodeCursor, SQL_DATETIME } from '../db/pagination';

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
}

/**
 * Where a row stands in a members order: a segment (the name order puts people without a name
 * after everyone else, in both directions), the sort key, and the id.
 */
interface Position {
  segment: 0 | 1;
  key: string;
  id: string;
}

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
  const { segment, key, id } = positionOf(row, order);
  return Buffer.from(JSON.stringify([order.field, order.direction, segment, key, id])).toString('base64url');
}

export function decodeMemberCursor(cursor: string, order: MemberOrder): Position {
  if (order.field === JOINED_FIRST.field && order.direction === JOINED_FIRST.direction) {
    const { createdAt, id } = decodeCursor(cursor);
    return { segment: 0, key: createdAt, id };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const [field, direction, segment, key, id, ...rest] = Array.isArray(parsed) ? parsed : [];
  if (
    field !== order.field ||
    direction !== order.direction ||
    (segment !== 0 && segment !== 1) ||
    typeof key !== 'string' ||
    key.length > 254 ||
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > 36 ||
    rest.length > 0 ||
    (order.field === 'JOINED_AT' && !SQL_DATETIME.test(key))
  ) {
    throw new BadUserInputError('after is not a valid cursor for this order.', 'after');
  }
  return { segment, key, id };
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

/** The role and search filters, written against a membership alias and a user alias. */
function filterSql(
  filter: Pick<MemberFilter, 'role' | 'query'>,
  m: string,
  u: string,
): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.role) {
    clauses.push(`${m}.role = ?`);
    params.push(filter.role);
  }
  if (filter.query) {
    // users.search_key holds the email and name folded by the service, compared bytewise on both
    // databases (see foldForSearch), so a search finds the same people on SQLite and MariaDB.
    clauses.push(`${u}.search_key LIKE ? ESCAPE '!'`);
    params.push(containsPattern(filter.query));
  }
  return { where: clauses.map((c) => ` AND ${c}`).join(''), params };
}

const COLUMNS =
  'm.id, m.user_id, m.scope, m.scope_id, m.role, m.organization_id, m.workspace_id, m.domain_id, m.created_at, m.updated_at, ' +
  'm.unnamed, m.name_key, m.email_key, m.expires_at';
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
  const { where, params } = filterSql(filter, 'm', 'u');
  const counted = filterSql(filter, 'c', 'cu');
  const cursor = filter.after === null ? null : decodeMemberCursor(filter.after, filter.order);
  // Without a search the total is the maintained count (member_counts has a role column too).
  const countSql = !filter.withCount
    ? ''
    : filter.query
      ? `, (SELECT COUNT(*) FROM memberships c JOIN users cu ON cu.id = c.user_id WHERE c.scope_id = ?${counted.where}) AS total_count`
      : `, (SELECT COALESCE(SUM(c.n), 0) FROM member_counts c WHERE c.scope_id = ?${counted.where}) AS total_count`;
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
  const { where, params } = filterSql(filter, 'm', 'u');
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
    pages.set(scopeId, { rows: list.slice(0, filter.first), hasNextPage: list.length > filter.first, total });
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
  if (options.strategy === 'branches' || scopeIds.length <= BRANCHES_AT_MOST) {
    const { sql, params } = memberPageStatement(scopeIds, filter);
    const pages = pagesFrom(await db.query(sql, params), scopeIds, filter, null);
    return scopeIds.map((id) => pages.get(id) as MemberPage);
  }
  const counts = await countMembers(db, scopeIds, filter);
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
 * maintained counts unless there is a search, which counts the matching rows.
 */
export async function countMembers(
  db: DataSource,
  scopeIds: readonly string[],
  filter: Pick<MemberFilter, 'role' | 'query'>,
): Promise<number[]> {
  if (!filter.query) return countedMembers(db, scopeIds, filter.role);
  const { where, params } = filterSql(filter, 'm', 'u');
  const rows: { scope_id: string; n: unknown }[] = await db.query(
    'SELECT m.scope_id AS scope_id, COUNT(*) AS n FROM memberships m JOIN users u ON u.id = m.user_id' +
      ` WHERE m.scope_id IN (${placeholders(scopeIds.length)})${where} GROUP BY m.scope_id`,
    [...scopeIds, ...params],
  );
  const counts = new Map(rows.map((row) => [row.scope_id, toCount(row.n)]));
  return scopeIds.map((id) => counts.get(id) ?? 0);
}
