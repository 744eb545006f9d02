import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { Clock } from '../config/clock';
import { placeholders, toSqlDateTime } from './sql';
import { inTransaction } from './transaction';

/**
 * The outbox claim, shared by every kind of delivery (emails, webhook calls): due rows
 * (`status = 'PENDING'`, `next_attempt_at` passed, no live lease) are taken with a lease in
 * `claim_token` / `claimed_until`, so that each attempt is made by one instance at a time.
 *
 * Organizations are taken in turn (docs/domain-rules.md §12): the due rows are ranked within their organization,
 * oldest due first, and the claim takes every organization's first row before any second one,
 * and never more than `perOrganization` in flight for one organization (`busy`: what this
 * instance already has in flight). The claim itself is a conditional update whose affected rows
 * decide, so that of two instances reaching for the same row one gets it (on one server the
 * second waits for the first's row lock and then finds the lease taken; on Galera, certification
 * decides and the loser is retried by `inTransaction`).
 */
export async function claimDue<T extends ObjectLiteral>(
  db: DataSource,
  entity: EntityTarget<T>,
  table: string,
  claim: { token: string; leaseMs: number; slots: number; perOrganization: number; busy: ReadonlyMap<string, number> },
  now: Date,
): Promise<T[]> {
  const nowSql = toSqlDateTime(now);
  const until = toSqlDateTime(new Date(now.getTime() + claim.leaseMs));
  const due = `status = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)`;
  const dueParams = ['PENDING', nowSql, nowSql];
  // Rows this instance may not take (its busy organizations) are skipped below: ask for enough.
  const extra = [...claim.busy.values()].reduce((sum, n) => sum + n, 0);
  return inTransaction(db, async (em) => {
    const ranked: { id: string; organization_id: string; turn: unknown }[] = await em.query(
      `SELECT id, organization_id, turn FROM (
         SELECT id, organization_id, next_attempt_at,
                ROW_NUMBER() OVER (PARTITION BY organization_id ORDER BY next_attempt_at, id) AS turn
           FROM ${table} WHERE ${due}) AS ranked
        WHERE turn <= ? ORDER BY turn, next_attempt_at, id LIMIT ${claim.slots + extra}`,
      [...dueParams, claim.perOrganization],
    );
    const ids = ranked
      .filter((row) => Number(row.turn) + (claim.busy.get(row.organization_id) ?? 0) <= claim.perOrganization)
      .slice(0, claim.slots)
      .map((row) => row.id);
    if (ids.length === 0) return [];
    await em.query(
      `UPDATE ${table} SET claim_token = ?, claimed_until = ? WHERE id IN (${placeholders(ids.length)}) AND ${due}`,
      [claim.token, until, ...ids, ...dueParams],
    );
    return em.getRepository(entity).findBy({ claimToken: claim.token } as never);
  });
}

/**
 * Keeps a claim alive while its attempt is in flight (every third of the lease), so that a slow
 * receiver does not let a second instance take the same row. Returns the function that stops it.
 */
export function keepClaim(
  db: DataSource,
  entity: EntityTarget<ObjectLiteral>,
  mine: { id: string; claimToken: string },
  leaseMs: number,
  clock: Clock,
  onError: (error: unknown) => void,
): () => void {
  const timer = setInterval(
    () => {
      inTransaction(db, (em) =>
        em.update(entity, mine, { claimedUntil: new Date(clock.now().getTime() + leaseMs) } as never),
      ).catch(onError);
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
