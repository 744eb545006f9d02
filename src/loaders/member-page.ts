import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { User } from '../../entities/user.entity';
import {
  countMembers,
  loadMemberPages,
  type MemberFilter,
  type MemberPage,
  type MemberPageKey,
} from '../db/member-page';
import { settlingLoader, type SettlingLoader } from './settling';

/**
 * The members lists' DataLoaders: the keys of one request that share a filter are answered by one
 * statement (the planner, `src/db/member-page/`, decides which).
 */

/** Batches keys that share one filter into one statement each. */
function pageBatches<V>(load: (scopeIds: string[], filter: MemberFilter) => Promise<V[]>) {
  return async (keys: readonly MemberPageKey[]): Promise<V[]> => {
    const groups = new Map<string, { filter: MemberFilter; indexes: number[] }>();
    keys.forEach((key, index) => {
      const groupKey = filterKey(key);
      let group = groups.get(groupKey);
      if (!group) {
        const filter: MemberFilter = {
          first: key.first,
          after: key.after,
          role: key.role,
          customRoleId: key.customRoleId ?? null,
          query: key.query,
          withCount: key.withCount,
          order: key.order,
        };
        groups.set(groupKey, (group = { filter, indexes: [] }));
      }
      group.indexes.push(index);
    });
    const results = new Array<V>(keys.length);
    await Promise.all(
      [...groups.values()].map(async ({ filter, indexes }) => {
        const values = await load(
          indexes.map((i) => keys[i].scopeId),
          filter,
        );
        indexes.forEach((keyIndex, i) => (results[keyIndex] = values[i]));
      }),
    );
    return results;
  };
}

/**
 * A page's filter as one string (its cache and batch key): read on every load and every `now`
 * of a tree's hundreds of pages, so joined by hand. Parts a caller wrote (cursor, search words, role
 * id) are JSON-quoted, which keeps the separator out of them; absent ones are empty.
 */
const quoted = (value: string | null | undefined) => (value == null ? '' : JSON.stringify(value));
const filterKey = (key: MemberFilter) =>
  `${key.first}\u0000${key.withCount ? 1 : 0}\u0000${key.role ?? ''}\u0000${quoted(key.customRoleId)}\u0000` +
  `${key.order.field}\u0000${key.order.direction}\u0000${quoted(key.after)}\u0000${quoted(key.query)}`;
const pageKey = (key: MemberPageKey) => `${key.scopeId}\u0000${filterKey(key)}`;
const countKey = (key: MemberPageKey) => JSON.stringify([key.scopeId, key.role, key.customRoleId ?? null, key.query]);

export interface MemberLoaders {
  /** Answers `now` for pages read already (a tree's, read ahead; the first need's). */
  memberPage: SettlingLoader<MemberPageKey, MemberPage, string>;
  /** A members list's total, and whether it is a search's lower bound (docs/domain-rules.md §3). */
  memberCount: DataLoader<MemberPageKey, { total: number; lowerBound: boolean }, string>;
}

/** The members loaders of one request; `primeUser` hands on each member's user, read with the page. */
export function memberLoaders(db: DataSource, primeUser: (user: User) => void): MemberLoaders {
  return {
    memberPage: settlingLoader(
      pageBatches(async (scopeIds, filter) => {
        const pages = await loadMemberPages(db, scopeIds, filter);
        for (const page of pages) for (const row of page.rows) primeUser(row.user);
        return pages;
      }),
      pageKey,
    ),
    memberCount: new DataLoader(
      pageBatches((scopeIds, filter) =>
        countMembers(db, scopeIds, { role: filter.role, customRoleId: filter.customRoleId, query: filter.query }),
      ),
      { cacheKeyFn: countKey },
    ),
  };
}
