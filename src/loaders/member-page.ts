import type { DataSource } from 'typeorm';
import { Membership } from '../../entities/membership.entity';
import { User } from '../../entities/user.entity';
import type { Role, ScopeKind } from '../domain/enums';
import { containsPattern, fromSqlDateTime, placeholders, toCount, toSqlDateTime } from '../db/sql';
import { BadUserInputError } from '../errors';

/**
 * Keyset pagination of memberships, batched: one statement returns a page for each of many
 * scopes (one UNION ALL branch a scope, each walking the (scope_id, created_at, id) index), and
 * one statement counts them all.
 */

export interface MemberFilter {
  first: number;
  after: string | null;
  role: Role | null;
  query: string | null;
  /** Whether `totalCount` was asked for: the page statement then counts too. */
  withCount: boolean;
}

export interface MemberPageKey extends MemberFilter {
  scopeId: string;
}

/** A membership of a page, with its user read in the same statement. */
export type MemberRow = Membership & { user: User };

export interface MemberPage {
  rows: MemberRow[];
  hasNextPage: boolean;
  /** The filtered total, when it was asked for and the page is not empty. */
  total: number | null;
}

interface Cursor {
  createdAt: string;
  id: string;
}

/** The order of every members list (SPEC §3): creation time, then id. */
export function byCreationThenId(a: Membership, b: Membership): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Opaque to clients: the position of the last row, by (created_at, id) — or (occurred_at, id) in the audit log. */
export function encodeCursor(position: { createdAt: Date; id: string }): string {
  return Buffer.from(`${toSqlDateTime(position.createdAt)}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (
    rest.length > 0 ||
    !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/.test(createdAt ?? '') ||
    !id ||
    id.length > 36
  ) {
    throw new BadUserInputError('after is not a valid cursor.', 'after');
  }
  return { createdAt, id };
}

/** The cursor is checked when the field runs, so that a bad one is BAD_USER_INPUT at that path. */
export function checkCursor(after: string | null): void {
  if (after !== null) decodeCursor(after);
}

/** Whether a membership comes after the cursor's position in (created_at, id) order. */
export function isAfterCursor(membership: Membership, cursor: Cursor): boolean {
  const createdAt = toSqlDateTime(membership.createdAt);
  return createdAt > cursor.createdAt || (createdAt === cursor.createdAt && membership.id > cursor.id);
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
  'm.id, m.user_id, m.scope, m.scope_id, m.role, m.organization_id, m.workspace_id, m.domain_id, m.created_at, m.updated_at';
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

/**
 * Pages for many scopes that share one filter, in one statement: a UNION ALL branch a scope, each
 * walking the (scope_id, created_at, id) index, with the members' user rows joined in (so that
 * `user { … }` needs no second statement) and, when asked, the filtered total as an
 * uncorrelated scalar subquery (computed once per branch). Returned in the order of `scopeIds`.
 */
export async function loadMemberPages(
  db: DataSource,
  scopeIds: readonly string[],
  filter: MemberFilter,
): Promise<MemberPage[]> {
  const { where, params } = filterSql(filter, 'm', 'u');
  const counted = filterSql(filter, 'c', 'cu');
  const cursor = filter.after === null ? null : decodeCursor(filter.after);
  const cursorSql = cursor ? ' AND (m.created_at > ? OR (m.created_at = ? AND m.id > ?))' : '';
  const cursorParams = cursor ? [cursor.createdAt, cursor.createdAt, cursor.id] : [];
  const countSql = filter.withCount
    ? `, (SELECT COUNT(*) FROM memberships c${filter.query ? ' JOIN users cu ON cu.id = c.user_id' : ''}` +
      ` WHERE c.scope_id = ?${counted.where}) AS total_count`
    : '';
  const branches: string[] = [];
  const allParams: unknown[] = [];
  scopeIds.forEach((scopeId, i) => {
    branches.push(
      `SELECT * FROM (SELECT ${COLUMNS}, ${USER_COLUMNS}${countSql} FROM memberships m JOIN users u ON u.id = m.user_id` +
        ` WHERE m.scope_id = ?${where}${cursorSql} ORDER BY m.created_at, m.id LIMIT ${filter.first + 1}) AS p${i}`,
    );
    if (filter.withCount) allParams.push(scopeId, ...counted.params);
    allParams.push(scopeId, ...params, ...cursorParams);
  });
  const rows: Record<string, unknown>[] = await db.query(branches.join(' UNION ALL '), allParams);
  const byScope = new Map<string, { rows: MemberRow[]; total: number | null }>();
  for (const row of rows) {
    const membership: MemberRow = Object.assign(membershipFromRow(row), { user: userFromRow(row) });
    const entry = byScope.get(membership.scopeId) ?? {
      rows: [],
      total: filter.withCount ? toCount(row.total_count) : null,
    };
    entry.rows.push(membership);
    byScope.set(membership.scopeId, entry);
  }
  return scopeIds.map((scopeId) => {
    const entry = byScope.get(scopeId);
    const list = (entry?.rows ?? []).sort(byCreationThenId);
    // An empty page carries no total: `totalCount` then asks the count loader.
    return { rows: list.slice(0, filter.first), hasNextPage: list.length > filter.first, total: entry?.total ?? null };
  });
}

/** `totalCount` of the filtered set (the cursor does not narrow it), for many scopes at once. */
export async function countMembers(
  db: DataSource,
  scopeIds: readonly string[],
  filter: Pick<MemberFilter, 'role' | 'query'>,
): Promise<number[]> {
  const { where, params } = filterSql(filter, 'm', 'u');
  const rows: { scope_id: string; n: unknown }[] = await db.query(
    `SELECT m.scope_id AS scope_id, COUNT(*) AS n FROM memberships m${filter.query ? ' JOIN users u ON u.id = m.user_id' : ''}` +
      ` WHERE m.scope_id IN (${placeholders(scopeIds.length)})${where} GROUP BY m.scope_id`,
    [...scopeIds, ...params],
  );
  const counts = new Map(rows.map((row) => [row.scope_id, toCount(row.n)]));
  return scopeIds.map((id) => counts.get(id) ?? 0);
}
