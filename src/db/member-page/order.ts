import { MemberOrderField } from '../../domain/enums';
import {
  decodeCursor,
  decodeOrderedCursor,
  encodeCursor,
  encodeOrderedCursor,
  type OrderedPosition,
  SQL_DATETIME,
} from '../pagination';
import { toSqlDateTime } from '../sql';
import { JOINED_FIRST, type MemberOrder, type MemberPageRow } from './types';

/**
 * The orders of a members list: where a row stands in one, its cursor, the rows sorted by it, and
 * the keyset branches of the index that walk it.
 */

/**
 * Where a row stands in a members order: a segment (the name order puts people without a name
 * after everyone else, in both directions), the sort key, and the id.
 */
export type Position = OrderedPosition;

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
export function inOrder(rows: MemberPageRow[], order: MemberOrder): MemberPageRow[] {
  if (rows.length < 2) return rows;
  const sign = order.direction === 'ASC' ? 1 : -1;
  if (order.field === MemberOrderField.JOINED_AT) {
    // The stored timestamp's text orders as its time does; ids are UUIDs (ASCII), ordered by code unit.
    return [...rows].sort(
      (a, b) => sign * (a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    );
  }
  const keyed = rows.map((row) => ({ row, position: positionOf(row, order) }));
  keyed.sort(
    (a, b) =>
      a.position.segment - b.position.segment ||
      sign * (compareText(a.position.key, b.position.key) || compareText(a.position.id, b.position.id)),
  );
  return keyed.map((k) => k.row);
}

/** The column of each order's key, in the index (scope_id, [unnamed,] key, id). */
export const ORDER_COLUMN: Record<MemberOrderField, string> = {
  JOINED_AT: 'm.created_at',
  NAME: 'm.name_key',
  EMAIL: 'm.email_key',
};

/**
 * The keyset branches of one scope's page: each a range of one index, walked in the asked
 * direction, so that the database reads only the rows it returns. The name order has two — the
 * people with a name, then those without — so that the latter come last either way.
 */
export function orderBranches(
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
