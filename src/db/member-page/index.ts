import type { DataSource } from 'typeorm';
import { queryWords } from '../../domain/search';
import { countedMembers } from '../membership-rows';
import { pagesFrom } from './rows';
import { countSearches, planSearches, searchPages } from './search';
import { placeholders, toCount } from '../sql';
import { countedSmallScopesStatement, memberPageStatement, roleSql, smallScopesStatement } from './statements';
import type { MemberFilter, MemberPage } from './types';

/**
 * Keyset pagination of memberships, batched: one statement returns a page for each of many
 * scopes (one UNION ALL branch a scope — two for the name order — each walking an index of
 * memberships in the asked order), and one statement counts them all.
 *
 * This file plans (which statements answer a batch of scopes); `order.ts` holds the orders and
 * their cursors, `statements.ts` the SQL of an unsearched page, `search.ts` a search's, `rows.ts`
 * the rows made into pages, `types.ts` the words they share.
 */

export { decodeMemberCursor, encodeMemberCursor } from './order';
export { memberPageStatement } from './statements';
export * from './types';

/** The page of a search that matches nobody. */
const NO_MATCH = (filter: Pick<MemberFilter, 'withCount'>): MemberPage => ({
  rows: [],
  hasNextPage: false,
  total: filter.withCount ? 0 : null,
  totalIsLowerBound: false,
});

/** Scopes of at most this many (filtered) members are read by ranking, not by a branch each. */
const SMALL_SCOPE = 200;
/** Up to this many scopes, one branch each is cheap enough to plan; past it, ranking is used where it may be. */
const BRANCHES_AT_MOST = 8;

/**
 * The pages of many scopes that share one filter, in the order of `scopeIds`. A few scopes: one
 * statement of one index-range branch per scope (`memberPageStatement`), totals included. Many
 * scopes (a whole organization's tree): their filtered sizes (one grouped count, which is also
 * every `totalCount`) and the small ones' pages ranked, in one statement; then the large ones, if
 * any, by branches — planning hundreds of branches cost MariaDB about 45 ms for the 250 domains
 * of the benchmark's tree, the count and the ranking a few. (A custom role's holders are counted
 * first, in a statement of their own.)
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
  let totals: Map<string, number>;
  let counted: Record<string, unknown>[] | null = null;
  if (filter.customRoleId) {
    const counts = await filteredCounts(db, scopeIds, filter);
    totals = new Map(scopeIds.map((id, i) => [id, counts[i]]));
  } else {
    // The maintained counts and the small scopes' pages in one statement (the small ones chosen
    // by their counts in SQL); only scopes found larger need a second.
    const { sql, params } = countedSmallScopesStatement(scopeIds, filter, SMALL_SCOPE);
    const rows: Record<string, unknown>[] = await db.query(sql, params);
    totals = new Map(scopeIds.map((id) => [id, 0]));
    counted = [];
    for (const row of rows) {
      if (row.row_kind === 'c') totals.set(row.scope_id as string, toCount(row.scope_total));
      else counted.push(row);
    }
  }
  const small = scopeIds.filter((id) => (totals.get(id) ?? 0) <= SMALL_SCOPE && (totals.get(id) ?? 0) > 0);
  const large = scopeIds.filter((id) => (totals.get(id) ?? 0) > SMALL_SCOPE);
  const [smallRows, largeRows] = await Promise.all([
    counted !== null
      ? Promise.resolve(counted)
      : small.length > 0
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
 * Each scope's filtered size: the maintained counts, or for a custom role its holders, counted in
 * one grouped statement through the custom role's index.
 */
async function filteredCounts(
  db: DataSource,
  scopeIds: readonly string[],
  filter: Pick<MemberFilter, 'role' | 'customRoleId'>,
): Promise<number[]> {
  if (!filter.customRoleId || scopeIds.length === 0) return countedMembers(db, scopeIds, filter.role);
  const { where, params } = roleSql(filter, 'm');
  const rows: { scope_id: string; n: unknown }[] = await db.query(
    `SELECT m.scope_id, COUNT(*) AS n FROM memberships m WHERE m.scope_id IN (${placeholders(scopeIds.length)})${where} GROUP BY m.scope_id`,
    [...scopeIds, ...params],
  );
  const counts = new Map(rows.map((row) => [row.scope_id, toCount(row.n)]));
  return scopeIds.map((id) => counts.get(id) ?? 0);
}

/**
 * `totalCount` of the filtered set (the cursor does not narrow it), for many scopes at once: the
 * maintained counts, or with a search its matches counted up to SEARCH_COUNT_CAP (see `searchPage`).
 */
export async function countMembers(
  db: DataSource,
  scopeIds: readonly string[],
  filter: Pick<MemberFilter, 'role' | 'customRoleId' | 'query'>,
): Promise<{ total: number; lowerBound: boolean }[]> {
  if (!filter.query) {
    return (await filteredCounts(db, scopeIds, filter)).map((total) => ({ total, lowerBound: false }));
  }
  const words = queryWords(filter.query);
  if (words.length === 0) return scopeIds.map(() => ({ total: 0, lowerBound: false }));
  return countSearches(db, scopeIds, filter, await planSearches(db, scopeIds, words));
}
