import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { placeholders, toSqlDateTime } from './sql';
import { inTransaction, isSqlite } from './transaction';

/**
 * The outbox claim, shared by every kind of delivery (emails, webhook calls): due rows
 * (`status = 'PENDING'`, `next_attempt_at` passed, no live lease) are taken with a lease in
 * `claim_token` / `claimed_until`, so that each attempt is made by one instance at a time. On
 * MySQL/MariaDB the candidates are read `FOR UPDATE SKIP LOCKED` and the claim is a conditional
 * update whose affected rows decide (on Galera, certification decides between two nodes); on
 * SQLite one statement claims, atomically even between two processes on one file.
 */
export async function claimDue<T extends ObjectLiteral>(
  db: DataSource,
  entity: EntityTarget<T>,
  table: string,
  claimToken: string,
  leaseMs: number,
  batchSize: number,
): Promise<T[]> {
  const now = new Date();
  const nowSql = toSqlDateTime(now);
  const until = toSqlDateTime(new Date(now.getTime() + leaseMs));
  const due = `status = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)`;
  const dueParams = ['PENDING', nowSql, nowSql];
  return inTransaction(db, async (em) => {
    if (isSqlite(db)) {
      await em.query(
        `UPDATE ${table} SET claim_token = ?, claimed_until = ? WHERE id IN` +
          ` (SELECT id FROM ${table} WHERE ${due} ORDER BY next_attempt_at LIMIT ${batchSize})`,
        [claimToken, until, ...dueParams],
      );
    } else {
      const candidates: { id: string }[] = await em.query(
        `SELECT id FROM ${table} WHERE ${due} ORDER BY next_attempt_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`,
        dueParams,
      );
      if (candidates.length === 0) return [];
      const ids = candidates.map((c) => c.id);
      await em.query(
        `UPDATE ${table} SET claim_token = ?, claimed_until = ? WHERE id IN (${placeholders(ids.length)}) AND ${due}`,
        [claimToken, until, ...ids, ...dueParams],
      );
    }
    return em.getRepository(entity).findBy({ claimToken } as never);
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
  onError: (error: unknown) => void,
): () => void {
  const timer = setInterval(
    () => {
      inTransaction(db, (em) =>
        em.update(entity, mine, { claimedUntil: new Date(Date.now() + leaseMs) } as never),
      ).catch(onError);
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
