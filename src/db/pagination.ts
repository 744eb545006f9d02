import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadUserInputError } from '../domain/errors';
import { validPageSize } from '../domain/validation';
import { toSqlDateTime } from './sql';

/**
 * Paging, in one place: the page every connection returns, the cursor every list hands out (one
 * codec, two forms: `created_at|id` for the lists in creation or event order, and a tagged
 * position for an order of its own, `encodeOrderedCursor`), and the keyset helpers behind them. Lists are keyset-paginated (never OFFSET): a cursor names the
 * position of the last row shown, so a page costs the same however deep it is, and rows written
 * meanwhile neither repeat nor vanish.
 */

/** A page of a connection, as plain data (resolvers wrap it in the GraphQL connection type). */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The position a time-ordered cursor names: a timestamp as stored (`toSqlDateTime`) and an id. */
export interface TimeCursor {
  createdAt: string;
  id: string;
}

/** A timestamp as cursors carry it (`toSqlDateTime`). */
export const SQL_DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

/** Opaque to clients: the position of the last row, by (created_at, id) — or (occurred_at, id) in the audit log. */
export function encodeCursor(position: { createdAt: Date; id: string }): string {
  return Buffer.from(`${toSqlDateTime(position.createdAt)}|${position.id}`).toString('base64url');
}

/** The position in a cursor of `encodeCursor`; BAD_USER_INPUT on `after` for anything else. */
export function decodeCursor(cursor: string): TimeCursor {
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !SQL_DATETIME.test(createdAt ?? '') || !id || id.length > 36) {
    throw new BadUserInputError('after is not a valid cursor.', 'after');
  }
  return { createdAt, id };
}

/**
 * A position in an order of its own (a members list by name, say): the order's name (its field and
 * direction), a segment (a part of the order that comes wholly after another: the people without
 * a name), the sort key and the id.
 */
export interface OrderedPosition {
  segment: 0 | 1;
  key: string;
  id: string;
}

/**
 * Opaque to clients: the position of the last row in an order of its own, with the order's name,
 * so that a cursor handed to another order is refused rather than misread.
 */
export function encodeOrderedCursor(order: readonly [string, string], position: OrderedPosition): string {
  return Buffer.from(JSON.stringify([...order, position.segment, position.key, position.id])).toString('base64url');
}

/**
 * The position in a cursor of `encodeOrderedCursor` made for this same order (and whose key
 * `validKey` accepts); BAD_USER_INPUT on `after` for anything else.
 */
export function decodeOrderedCursor(
  cursor: string,
  order: readonly [string, string],
  validKey: (key: string) => boolean = () => true,
): OrderedPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const [name, direction, segment, key, id, ...rest] = Array.isArray(parsed) ? parsed : [];
  if (
    name !== order[0] ||
    direction !== order[1] ||
    (segment !== 0 && segment !== 1) ||
    typeof key !== 'string' ||
    key.length > 254 ||
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > 36 ||
    rest.length > 0 ||
    !validKey(key)
  ) {
    throw new BadUserInputError('after is not a valid cursor for this order.', 'after');
  }
  return { segment, key, id };
}

/** The cursor is checked when the field runs, so that a bad one is BAD_USER_INPUT at that path. */
export function checkCursor(after: string | null): void {
  if (after !== null) decodeCursor(after);
}

/** Creation time, then id: the order of lists kept in memory (the viewer's organizations). */
export function byCreationThenId(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Whether a row comes after the cursor's position in (created_at, id) order. */
export function isAfterCursor(row: { createdAt: Date; id: string }, cursor: TimeCursor): boolean {
  const createdAt = toSqlDateTime(row.createdAt);
  return createdAt > cursor.createdAt || (createdAt === cursor.createdAt && row.id > cursor.id);
}

/** A page of rows already in order, from `first + 1` rows read (the extra one says a next page exists). */
export function pageOf<T>(rows: readonly T[], first: number, cursorOf: (row: T) => string): Page<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    nodes: page,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null },
  };
}

/**
 * One page of a newest-first list keyed on (a time column, id) — the audit log, a webhook's
 * deliveries, an organization's invitations: `first` checked (1–100), the cursor of `after`
 * applied, one row more read than shown to know whether another page follows.
 */
export async function newestFirstPage<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  alias: string,
  column: string,
  timeOf: (row: T) => Date,
  args: { first?: number | null; after?: string | null },
): Promise<Page<T>> {
  const first = validPageSize(args.first);
  checkCursor(args.after ?? null);
  if (args.after) {
    const cursor = decodeCursor(args.after);
    query.andWhere(`(${alias}.${column} < :cursorAt OR (${alias}.${column} = :cursorAt AND ${alias}.id < :cursorId))`, {
      cursorAt: cursor.createdAt,
      cursorId: cursor.id,
    });
  }
  const rows = await query
    .orderBy(`${alias}.${column}`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(first + 1)
    .getMany();
  return pageOf(rows, first, (node) => encodeCursor({ createdAt: timeOf(node), id: node.id }));
}
