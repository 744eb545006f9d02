import DataLoader from 'dataloader';
import { In, type DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { Domain } from '../entities/domain.entity';
import { Membership } from '../entities/membership.entity';
import { Organization } from '../entities/organization.entity';
import { User } from '../entities/user.entity';
import { Workspace } from '../entities/workspace.entity';
import {
  countMembers,
  loadMemberPages,
  type MemberFilter,
  type MemberPage,
  type MemberPageKey,
} from './services/member-list';

/**
 * Every relation and list the schema walks goes through one of these, created fresh for each
 * request (so nothing leaks between callers): a whole level of a query costs one statement.
 */
export interface Loaders {
  user: DataLoader<string, User | null>;
  organization: DataLoader<string, Organization | null>;
  workspace: DataLoader<string, Workspace | null>;
  domain: DataLoader<string, Domain | null>;
  workspacesByOrganization: DataLoader<string, Workspace[]>;
  domainsByWorkspace: DataLoader<string, Domain[]>;
  /** All memberships of a person, in every scope. */
  membershipsByUser: DataLoader<string, Membership[]>;
  memberPage: DataLoader<MemberPageKey, MemberPage, string>;
  memberCount: DataLoader<MemberPageKey, number, string>;
}

function byId<T extends ObjectLiteral & { id: string }>(db: DataSource, entity: EntityTarget<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await db.getRepository(entity).findBy({ id: In([...ids]) } as never);
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

function groupedBy<T extends ObjectLiteral, K extends keyof T & string>(
  db: DataSource,
  entity: EntityTarget<T>,
  column: K,
) {
  return new DataLoader<string, T[]>(async (keys) => {
    const rows = await db.getRepository(entity).find({
      where: { [column]: In([...keys]) } as never,
      order: { createdAt: 'ASC', id: 'ASC' } as never,
    });
    const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const row of rows) groups.get(row[column] as string)?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/** Batches keys that share one filter into one statement each. */
function pageBatches<V>(load: (scopeIds: string[], filter: MemberFilter) => Promise<V[]>) {
  return async (keys: readonly MemberPageKey[]): Promise<V[]> => {
    const groups = new Map<string, { filter: MemberFilter; indexes: number[] }>();
    keys.forEach((key, index) => {
      const filter = { first: key.first, after: key.after, role: key.role, query: key.query };
      const groupKey = JSON.stringify(filter);
      const group = groups.get(groupKey) ?? { filter, indexes: [] };
      group.indexes.push(index);
      groups.set(groupKey, group);
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

const pageKey = (key: MemberPageKey) => JSON.stringify([key.scopeId, key.first, key.after, key.role, key.query]);
const countKey = (key: MemberPageKey) => JSON.stringify([key.scopeId, key.role, key.query]);

export function createLoaders(db: DataSource): Loaders {
  return {
    user: byId(db, User),
    organization: byId(db, Organization),
    workspace: byId(db, Workspace),
    domain: byId(db, Domain),
    workspacesByOrganization: groupedBy(db, Workspace, 'organizationId'),
    domainsByWorkspace: groupedBy(db, Domain, 'workspaceId'),
    membershipsByUser: groupedBy(db, Membership, 'userId'),
    memberPage: new DataLoader(
      pageBatches((scopeIds, filter) => loadMemberPages(db, scopeIds, filter)),
      { cacheKeyFn: pageKey },
    ),
    memberCount: new DataLoader(
      pageBatches((scopeIds, filter) => countMembers(db, scopeIds, { role: filter.role, query: filter.query })),
      { cacheKeyFn: countKey },
    ),
  };
}
