import type { DataSource } from 'typeorm';
import { prefixRange } from '../../domain/search';
import { toCount } from '../sql';
import { decodeMemberCursor, orderBranches } from './order';
import { COLUMNS, pagesFrom, USER_COLUMNS } from './rows';
import { roleSql, wordsSql } from './statements';
import { type MemberFilter, type MemberPage, SEARCH_COUNT_CAP } from './types';

/** A members search (docs/domain-rules.md §3): each scope's plan, its pages and its capped totals. */

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
export async function countSearches(
  db: DataSource,
  scopeIds: readonly string[],
  filter: Pick<MemberFilter, 'role' | 'customRoleId'>,
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
export async function planSearches(
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
  filter: Pick<MemberFilter, 'role' | 'customRoleId'>,
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
  const join = filter.role || filter.customRoleId ? ' JOIN memberships cm ON cm.id = cw.membership_id' : '';
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
export async function searchPages(
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
