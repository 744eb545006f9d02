import type { EntityManager } from 'typeorm';
import { toCount, toSqlDateTime } from './sql';

/**
 * Seats (SPEC §13): an organization's members plus the people it has invited (PENDING, unexpired
 * invitations to addresses that are not members yet, each address once).
 */
/** Seats held in many organizations: two statements, whatever the number. */
export async function seatsUsed(
  em: Pick<EntityManager, 'query'>,
  organizationIds: readonly string[],
  now = new Date(),
): Promise<number[]> {
  if (organizationIds.length === 0) return [];
  const marks = organizationIds.map(() => '?').join(', ');
  const [members, invited]: { id: string; n: unknown }[][] = await Promise.all([
    em.query(`SELECT scope_id AS id, COUNT(*) AS n FROM memberships WHERE scope_id IN (${marks}) GROUP BY scope_id`, [
      ...organizationIds,
    ]),
    em.query(
      `SELECT i.organization_id AS id, COUNT(DISTINCT i.email) AS n FROM invitations i
        WHERE i.organization_id IN (${marks}) AND i.status = 'PENDING' AND i.expires_at > ?
          AND NOT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
                           WHERE m.scope_id = i.organization_id AND u.email = i.email)
        GROUP BY i.organization_id`,
      [...organizationIds, toSqlDateTime(now)],
    ),
  ]);
  const total = new Map<string, number>();
  for (const row of [...members, ...invited]) total.set(row.id, (total.get(row.id) ?? 0) + toCount(row.n));
  return organizationIds.map((id) => total.get(id) ?? 0);
}
