import { placeholders } from '../sql';
import { prefixRange } from '../../domain/search';
import { decodeMemberCursor, ORDER_COLUMN, orderBranches } from './order';
import { COLUMNS, USER_COLUMNS } from './rows';
import type { MemberFilter } from './types';

/** The SQL of the members pages: the filters' conditions and the statements of an unsearched page. */

/** The role filters (built-in and custom), written against a membership alias. */
export function roleSql(
  filter: Pick<MemberFilter, 'role' | 'customRoleId'>,
  m: string,
): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.role) {
    where.push(` AND ${m}.role = ?`);
    params.push(filter.role);
  }
  if (filter.customRoleId) {
    where.push(` AND ${m}.custom_role_id = ?`);
    params.push(filter.customRoleId);
  }
  return { where: where.join(''), params };
}

/**
 * A scope's filtered total as a scalar subquery (its params: the scope id, then the filter's): the
 * maintained count (member_counts has a role column), or, for a custom role, its holders counted
 * (the holders of one role in one scope, through the custom role's index).
 */
export function totalSql(filter: Pick<MemberFilter, 'role' | 'customRoleId'>): { sql: string; params: unknown[] } {
  const counted = roleSql(filter, 'c');
  return filter.customRoleId
    ? { sql: `(SELECT COUNT(*) FROM memberships c WHERE c.scope_id = ?${counted.where})`, params: counted.params }
    : {
        sql: `(SELECT COALESCE(SUM(c.n), 0) FROM member_counts c WHERE c.scope_id = ?${counted.where})`,
        params: counted.params,
      };
}

/**
 * The search's condition on a membership (its id in `membershipId`): for each query word, one of
 * the membership's words begins with it — a probe of the (membership_id, word) index.
 */
export function wordsSql(words: readonly string[], membershipId: string): { where: string; params: unknown[] } {
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
  const counted = totalSql(filter);
  const cursor = filter.after === null ? null : decodeMemberCursor(filter.after, filter.order);
  const countSql = filter.withCount ? `, ${counted.sql} AS total_count` : '';
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
export function smallScopesStatement(
  scopeIds: readonly string[],
  filter: MemberFilter,
  atMost: number | null = null,
): { sql: string; params: unknown[] } {
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
    const list = placeholders(chunk.length);
    // Only the scopes whose maintained count is at most `atMost` (the others are read by branches):
    // chosen first, in a derived table, and their memberships reached from it by the scope index,
    // so that a large scope's rows are never read here.
    const from =
      atMost === null
        ? `memberships m JOIN users u ON u.id = m.user_id WHERE m.scope_id IN (${list})`
        : `(SELECT c.scope_id FROM member_counts c WHERE c.scope_id IN (${list})${filter.role ? ' AND c.role = ?' : ''}` +
          ` GROUP BY c.scope_id HAVING SUM(c.n) <= ${atMost}) AS small_scopes` +
          ` JOIN memberships m ON m.scope_id = small_scopes.scope_id JOIN users u ON u.id = m.user_id WHERE 1 = 1`;
    parts.push(
      `SELECT * FROM (SELECT ${COLUMNS}, ${USER_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY m.scope_id ORDER BY ${rank}) AS rank_in_scope` +
        ` FROM ${from}` +
        ` AND (${branches.map((b) => `(1 = 1${b.where})`).join(' OR ')})${where}) AS ranked${parts.length}` +
        ` WHERE rank_in_scope <= ${filter.first + 1}`,
    );
    allParams.push(
      ...chunk,
      ...(atMost !== null && filter.role ? [filter.role] : []),
      ...branches.flatMap((b) => b.params),
      ...params,
    );
  }
  return { sql: parts.join(' UNION ALL '), params: allParams };
}

/**
 * The pages of many scopes' small ones and every scope's filtered total, in one statement: the
 * ranked rows of the scopes of at most `atMost` members (`row_kind` 'r') UNION ALL the maintained
 * counts of all of them (`row_kind` 'c', the total in `scope_total`, NULL in every row column but
 * `scope_id`). The built-in role filter only: a custom role's holders are counted apart.
 */
export function countedSmallScopesStatement(
  scopeIds: readonly string[],
  filter: MemberFilter,
  atMost: number,
): { sql: string; params: unknown[] } {
  const ranked = smallScopesStatement(scopeIds, filter, atMost);
  const columns = [...COLUMNS.split(', '), ...USER_COLUMNS.split(', '), 'rank_in_scope'];
  const counted = columns.map((c) => (c === 'm.scope_id' ? 'c.scope_id' : 'NULL')).join(', ');
  return {
    sql:
      `SELECT 'r' AS row_kind, s.*, NULL AS scope_total FROM (${ranked.sql}) AS s UNION ALL ` +
      `SELECT 'c', ${counted}, SUM(c.n) FROM member_counts c WHERE c.scope_id IN (${placeholders(scopeIds.length)})` +
      `${filter.role ? ' AND c.role = ?' : ''} GROUP BY c.scope_id`,
    params: [...ranked.params, ...scopeIds, ...(filter.role ? [filter.role] : [])],
  };
}
