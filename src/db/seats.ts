import type { EntityManager } from 'typeorm';
import { countedMembers } from './membership-rows';
import { toCount, toSqlDateTime } from './sql';

/**
 * Seats (docs/domain-rules.md §13): an organization's members plus the people it has invited (PENDING, unexpired
 * invitations to addresses that are not members yet, each address once).
 */
export interface SeatCounts {
  members: number;
  invited: number;
}

/** Both parts of the seats held in many organizations: two statements, whatever the number. */
export async function seatCounts(
  em: Pick<EntityManager, 'query'>,
  organizationIds: readonly string[],
  now: Date,
): Promise<SeatCounts[]> {
  if (organizationIds.length === 0) return [];
  const marks = organizationIds.map(() => '?').join(', ');
  const [members, invited]: [number[], { id: string; n: unknown }[]] = await Promise.all([
    countedMembers(em, organizationIds),
    em.query(
      `SELECT i.organization_id AS id, COUNT(DISTINCT i.email) AS n FROM invitations i
        WHERE i.organization_id IN (${marks}) AND i.status = 'PENDING' AND i.expires_at > ?
          AND NOT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
                           WHERE m.scope_id = i.organization_id AND u.email = i.email)
        GROUP BY i.organization_id`,
      [...organizationIds, toSqlDateTime(now)],
    ),
  ]);
  const count = (rows: { id: string; n: unknown }[]) => new Map(rows.map((row) => [row.id, toCount(row.n)]));
  const invitedCounts = count(invited);
  return organizationIds.map((id, i) => ({ members: members[i], invited: invitedCounts.get(id) ?? 0 }));
}

/** Seats held in many organizations (`Organization.seatsUsed`). */
export async function seatsUsed(
  em: Pick<EntityManager, 'query'>,
  organizationIds: readonly string[],
  now: Date,
): Promise<number[]> {
  return (await seatCounts(em, organizationIds, now)).map((c) => c.members + c.invited);
}

/** Whether the address belongs to someone holding a membership at the scope itself. */
export async function isMemberByEmail(
  em: Pick<EntityManager, 'query'>,
  scopeId: string,
  email: string,
): Promise<boolean> {
  const rows = await em.query(
    'SELECT 1 AS found FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.scope_id = ? AND u.email = ?',
    [scopeId, email],
  );
  return rows.length > 0;
}
