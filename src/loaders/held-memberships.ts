import type { DataSource } from 'typeorm';
import type { Membership } from '../../entities/membership.entity';
import type { MemberPageKey } from '../db/member-page';
import {
  heldMembershipsFrom,
  heldMembershipsStatement,
  heldWithPageFrom,
  heldWithPageStatement,
  type HeldMembership,
} from '../db/viewer-memberships';
import type { Loaders } from './index';

/**
 * The people's memberships for permission decisions (the `membershipsByUser` loader), and the
 * first read of a request whose first need is a members page: the viewer's memberships and that
 * page in one statement (src/db/viewer-memberships.ts), each handed to its loader.
 */

/**
 * Hands on what came with the memberships: their organizations to the organization loader (the
 * viewer's organizations then cost no statement of their own), their custom roles to the custom
 * role loader and, as keys, to each membership for the permission table (docs/domain-rules.md §18).
 */
function kept(held: HeldMembership[], loaders: Loaders): Membership[] {
  return held.map(({ membership, organization, customRole }) => {
    loaders.organization.prime(organization.id, organization);
    membership.customRole = customRole
      ? { id: customRole.id, name: customRole.name, grants: customRole.grants() }
      : null;
    if (customRole) loaders.customRole.prime(customRole.id, customRole);
    return membership;
  });
}

/** The batch function of `membershipsByUser`: all memberships of many people in one statement. */
export function membershipsOfPeople(db: DataSource, loaders: () => Loaders) {
  return async (userIds: readonly string[]): Promise<Membership[][]> => {
    const { sql, params } = heldMembershipsStatement(userIds);
    const held = kept(heldMembershipsFrom(await db.query(sql, params)), loaders());
    const groups = new Map<string, Membership[]>(userIds.map((id) => [id, []]));
    for (const membership of held) groups.get(membership.userId)?.push(membership);
    return userIds.map((id) => groups.get(id) ?? []);
  };
}

/**
 * The viewer's memberships and a members page in one statement, before any rule has decided:
 * the memberships go to `membershipsByUser` (what every decision reads), the page to the
 * `memberPage` loader under its key and its members' users to the user loader — where only the
 * resolver of a `members` field the rules allowed asks for them. Nothing of the page is decided
 * or answered here. Returns the memberships, as `membershipsByUser.load(userId)` would.
 */
export function prefetchMembershipsWithPage(
  db: DataSource,
  loaders: Loaders,
  userId: string,
  key: MemberPageKey,
): Promise<Membership[]> {
  const read = (async () => {
    const { sql, params } = heldWithPageStatement(userId, key);
    const { held, page } = heldWithPageFrom(await db.query(sql, params), key);
    for (const row of page.rows) loaders.user.prime(row.user.id, row.user);
    return { memberships: kept(held, loaders), page };
  })();
  const memberships = read.then((r) => r.memberships);
  const page = read.then((r) => r.page);
  // A failed read is answered where it is awaited (the first permission check, or the page's
  // resolver); the cached promises themselves must not count as unhandled.
  memberships.catch(() => undefined);
  page.catch(() => undefined);
  loaders.membershipsByUser.prime(userId, memberships);
  loaders.memberPage.prime(key, page);
  return memberships;
}
