import type { Membership } from '../../../entities/membership.entity';
import type { Organization } from '../../../entities/organization.entity';
import { byCreationThenId, decodeCursor, encodeCursor, isAfterCursor, type Page } from '../../db/pagination';
import type { Role } from '../../domain/enums';
import { OrderDirection, ScopeKind } from '../../domain/enums';
import { BadUserInputError } from '../../domain/errors';
import { MAX_QUERY_LENGTH } from '../../domain/search';
import { validPageSize } from '../../domain/validation';
import type { RequestScope } from '../../request/scope';
import {
  decodeMemberCursor,
  encodeMemberCursor,
  type MemberPage,
  JOINED_FIRST,
  type MemberOrder,
  type MemberPageKey,
} from '../../db/member-page';

/**
 * Reading memberships: a scope's members page (keyset-paginated, many scopes of one request in
 * one statement) with its total, and the viewer's own organizations. What may be read was
 * decided by the shield rule on the field; these only read.
 */

export interface MemberListArgs {
  first?: number | null;
  after?: string | null;
  role?: Role | null;
  /** Only holders of this custom role (docs/domain-rules.md §18); another organization's matches nobody. */
  customRoleId?: string | null;
  query?: string | null;
  orderBy?: { field: MemberOrder['field']; direction?: MemberOrder['direction'] | null } | null;
}

/** Checks the list arguments of docs/domain-rules.md §3 and turns them into a loader key. */
export function memberPageKey(scopeId: string, args: MemberListArgs, withCount = false): MemberPageKey {
  const first = validPageSize(args.first);
  const after = args.after ?? null;
  const order: MemberOrder = args.orderBy
    ? { field: args.orderBy.field, direction: args.orderBy.direction ?? OrderDirection.ASC }
    : JOINED_FIRST;
  if (after !== null) decodeMemberCursor(after, order);
  const query = args.query?.trim() ? args.query.trim() : null;
  if (query !== null && [...query].length > MAX_QUERY_LENGTH) {
    throw new BadUserInputError(`query must be at most ${MAX_QUERY_LENGTH} characters.`, 'query');
  }
  const customRoleId = args.customRoleId?.trim() ? args.customRoleId.trim() : null;
  return { scopeId, first, after, role: args.role ?? null, customRoleId, query, withCount, order };
}

/** A page of members, with what `totalCount` needs: the key it was asked with, and the total when read with it. */
export interface MemberPageResult extends Page<Membership> {
  key: MemberPageKey;
  total: MemberTotal | null;
}

/** A members list's total: exact, or for a search with more matches than it counts, a lower bound. */
export interface MemberTotal {
  total: number;
  lowerBound: boolean;
}

/**
 * One page of a scope's members; many scopes in one request share one statement. A page read
 * already (ahead, see {@link readMemberPagesAhead}) is answered without a promise.
 */
export function memberConnection(
  ctx: RequestScope,
  scopeId: string,
  args: MemberListArgs,
  withCount = true,
  withEdges = true,
): MemberPageResult | Promise<MemberPageResult> {
  const key = memberPageKey(scopeId, args, withCount);
  const read = ctx.loaders.memberPage.now(key);
  if (read) return pageResult(ctx, key, read, withEdges);
  return ctx.loaders.memberPage.load(key).then((page) => pageResult(ctx, key, page, withEdges));
}

/**
 * Reads the members pages of many scopes in one statement before their fields ask (a tree's
 * domains, each with `members(…)`): the fields then answer without waiting. Only reads: what is
 * shown is still decided by each field's rule. Arguments the field will refuse, or a read that
 * fails, leave the fields to ask and report it themselves.
 */
export async function readMemberPagesAhead(
  ctx: RequestScope,
  scopeIds: readonly string[],
  args: MemberListArgs,
  withCount: boolean,
): Promise<void> {
  if (scopeIds.length === 0) return;
  let keys: MemberPageKey[];
  try {
    keys = scopeIds.map((scopeId) => memberPageKey(scopeId, args, withCount));
  } catch {
    return;
  }
  // A search's pages have statements of their own (src/db/member-page/search.ts): not read ahead.
  if (keys[0].query !== null) return;
  await ctx.loaders.memberPage.loadMany(keys);
}

function pageResult(ctx: RequestScope, key: MemberPageKey, page: MemberPage, withEdges: boolean): MemberPageResult {
  // The shield rule on `members` let the viewer read this scope's members: they share its organization.
  ctx.access.noteCoMembers(page.rows.map((m) => m.userId));
  return {
    key,
    total: page.total === null ? null : { total: page.total, lowerBound: page.totalIsLowerBound },
    // Each row's cursor only where `edges` is selected (a tree's lists ask for `nodes`).
    edges: withEdges ? page.rows.map((node) => ({ cursor: encodeMemberCursor(node, key.order), node })) : [],
    nodes: page.rows,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      endCursor: page.rows.length > 0 ? encodeMemberCursor(page.rows[page.rows.length - 1], key.order) : null,
    },
  };
}

/**
 * `totalCount` (and `totalCountIsLowerBound`) of a members page: read with the page when
 * selected, else counted apart — a search up to SEARCH_COUNT_CAP matches (docs/domain-rules.md §3).
 */
export async function memberTotalCount(
  ctx: RequestScope,
  connection: Pick<MemberPageResult, 'key' | 'total'>,
): Promise<MemberTotal> {
  return connection.total ?? ctx.loaders.memberCount.load(connection.key);
}

/**
 * The viewer's organizations (`User.organizations`), paged by the date they joined. Uses the
 * memberships already loaded for permission checks: only the organizations themselves are read.
 */
export async function organizationsOfViewer(
  ctx: RequestScope,
  args: { first?: number | null; after?: string | null },
): Promise<Page<Organization> & { totalCount: number }> {
  const first = validPageSize(args.first);
  const cursor = args.after ? decodeCursor(args.after) : null;
  const all = (await ctx.access.memberships()).filter((m) => m.scope === ScopeKind.ORGANIZATION).sort(byCreationThenId);
  const rest = cursor ? all.filter((m) => isAfterCursor(m, cursor)) : all;
  const slice = rest.slice(0, first);
  const organizations = await Promise.all(slice.map((m) => ctx.loaders.organization.load(m.organizationId)));
  const edges = slice.flatMap((m, i) => {
    const node = organizations[i];
    return node ? [{ cursor: encodeCursor(m), node }] : [];
  });
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: rest.length > first,
      endCursor: slice.length > 0 ? encodeCursor(slice[slice.length - 1]) : null,
    },
    totalCount: all.length,
  };
}
