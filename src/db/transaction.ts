import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `work` in a transaction and returns its result.
 *
 * better-sqlite3 gives TypeORM one connection for the whole process: two transactions started
 * by two requests would nest as savepoints of one another, and a rollback of one would undo the
 * other. On SQLite, transactions therefore take turns through an in-process queue (the embedded
 * database serves one process anyway). MySQL/MariaDB transactions each get a pooled connection
 * and run concurrently; their check-then-write sequences lock rows (`lockForUpdate`), and a
 * transaction that InnoDB rolls back as a deadlock victim is run again (a few times at most):
 * `work` must therefore only touch the database through `em`.
 *
 * Every write of the service goes through here, so that no write lands inside another
 * request's SQLite transaction.
 */
const queues = new WeakMap<DataSource, Promise<unknown>>();

export function isSqlite(db: DataSource): boolean {
  return db.options.type === 'better-sqlite3';
}

/** InnoDB chose this transaction as a deadlock victim and rolled it back whole: safe to run again. */
function isDeadlock(error: unknown): boolean {
  return (error as { driverError?: { errno?: number } }).driverError?.errno === 1213;
}

const DEADLOCK_ATTEMPTS = 4;

async function withDeadlockRetry<T>(db: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (!isDeadlock(error) || attempt >= DEADLOCK_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

export function inTransaction<T>(db: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  if (!isSqlite(db)) return withDeadlockRetry(db, work);
  const previous = queues.get(db) ?? Promise.resolve();
  const run = previous.then(
    () => db.transaction(work),
    () => db.transaction(work),
  );
  queues.set(
    db,
    run.catch(() => undefined),
  );
  return run;
}

/**
 * `SELECT … FOR UPDATE` on MySQL/MariaDB: a locking read that sees the latest committed rows
 * and holds them until the transaction ends. SQLite's transactions are already serialised.
 */
export async function lockForUpdate(
  em: EntityManager,
  sql: string,
  params: unknown[],
): Promise<Record<string, unknown>[]> {
  const sqlite = em.connection.options.type === 'better-sqlite3';
  return em.query(sqlite ? sql : `${sql} FOR UPDATE`, params);
}
