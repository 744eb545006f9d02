import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { checkCursor, decodeCursor, encodeCursor } from '../loaders/member-page';
import { validPageSize } from '../validation';
import type { Page } from './membership.service';

/**
 * One page of a newest-first list keyed on (a time column, id) — the audit log, a webhook's
 * deliveries: `first` checked (1–100), the cursor of `after` applied, one row more read than
 * shown to know whether another page follows.
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
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor({ createdAt: timeOf(node), id: node.id }), node }));
  return {
    edges,
    nodes: page,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null },
  };
}
