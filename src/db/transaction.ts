import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';

/**
 * Runs `work` in a transaction and returns its result.
 *
 * better-sqlite3 gives TypeORM one connection for the whole process: two transactions started
 * by two requests would nest as savepoints of one another, and a rollback of one would undo the
 * other. On SQLite, transactions therefore take turns through an in-process queue (the embedded
 * database serves one process anyway). MySQL/MariaDB transactions each get a pooled connection
 * and run concurrently; their check-then-write sequences lock rows (`lockForUpdate`), and a
 * transaction that the server rolls back whole (deadlock victim, lock wait timeout, Galera
 * certification failure) is run again, up to ten times, with jittered backoff capped at a second: `work` must therefore
 * only touch the database through `em`, and have no effect outside it before it returns.
 *
 * Every write of the service goes through here, so that no write lands inside another
 * request's SQLite transaction.
 */
const queues = new WeakMap<DataSource, Promise<unknown>>();

export function isSqlite(db: DataSource): boolean {
  return db.options.type === 'better-sqlite3';
}

/**
 * The server gave up on this transaction as a whole and rolled it back, so running the whole
 * unit of work again is safe: 1213 is InnoDB's deadlock victim — and, on a Galera cluster, the
 * loser of certification (two nodes wrote the same row) —, 1205 a lock wait that timed out.
 */
function isRetryable(error: unknown): boolean {
  const errno = (error as { driverError?: { errno?: number } }).driverError?.errno;
  return errno === 1213 || errno === 1205;
}

/**
 * Enough for forty concurrent changes of one organization through three Galera nodes (measured:
 * six attempts were not); a single server rarely needs a second one now that such changes
 * queue on the organization row.
 */
const ATTEMPTS = 10;
const MAX_BACKOFF_MS = 1000;

async function withRetry<T>(db: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (!isRetryable(error) || attempt >= ATTEMPTS) throw error;
      // Full jitter on a doubling window, so that the losers of one conflict do not meet again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_BACKOFF_MS, 10 * 2 ** attempt)));
    }
  }
}

/** The databases whose transaction the running code is inside (its async chain's). */
const inside = new AsyncLocalStorage<readonly DataSource[]>();

/** Whether `inTransaction` checks for nesting: yes, except where `checkTransactionNesting(false)` said not. */
let nestingChecked = true;

/**
 * The nesting check keeps each transaction's databases in an AsyncLocalStorage, and from its first
 * use Node tracks every promise of the process for it — a cost on every request, transaction or
 * not (a tree of 800 objects makes thousands of promises). The check finds a programming error
 * that the tests and development, which run with it, show at once: production (createApp) turns
 * it off.
 */
export function checkTransactionNesting(on: boolean): void {
  nestingChecked = on;
}

/**
 * A transaction started inside another of the same database: a programming error. On SQLite the
 * inner one would wait in the queue for the outer, which waits for it — for ever; on MySQL/MariaDB
 * it would be a second transaction, on another connection, blind to the first's writes and
 * waiting for its locks. Pass the outer transaction's `em` down instead.
 */
export class NestedTransactionError extends Error {
  constructor() {
    super(
      'inTransaction was called inside a transaction of the same database: pass the outer transaction’s EntityManager down instead (a nested one would wait on itself on SQLite).',
    );
    this.name = 'NestedTransactionError';
  }
}

/**
 * Runs `task` as if outside any transaction: for work a transaction starts but does not wait for
 * (an audit written in the background), which takes its own turn after the transaction's.
 */
export function detachedFromTransaction<T>(task: () => T): T {
  return nestingChecked ? inside.exit(task) : task();
}

export function inTransaction<T>(db: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const outer = (nestingChecked && inside.getStore()) || [];
  if (outer.includes(db)) return Promise.reject(new NestedTransactionError());
  const within = nestingChecked ? (em: EntityManager) => inside.run([...outer, db], () => work(em)) : work;
  if (!isSqlite(db)) return withRetry(db, within);
  const previous = queues.get(db) ?? Promise.resolve();
  const run = previous.then(
    () => db.transaction(within),
    () => db.transaction(within),
  );
  queues.set(
    db,
    run.catch(() => undefined),
  );
  return run;
}

/**
 * One row by its conditions, read with a lock on MySQL/MariaDB (so that it is the latest
 * committed version, whatever the transaction read before); a plain read on SQLite.
 */
export async function findLocked<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  where: FindOptionsWhere<T>,
): Promise<T | null> {
  const sqlite = em.connection.options.type === 'better-sqlite3';
  return em.findOne(entity, { where, ...(sqlite ? {} : { lock: { mode: 'pessimistic_write' as const } }) });
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

/**
 * The one way to change who belongs to an organization: memberships, invitations, answers,
 * removals, billing — anything whose checks read what other such changes write.
 *
 * The transaction begins by *writing* the organization's row (its `version`), and only then
 * reads what it decides on, with locking reads. On one MySQL/MariaDB server the row lock makes
 * such transactions of one organization run one after another (other organizations are not
 * held up), so a check (the last ADMIN, the person's organization membership, a pending
 * invitation) cannot be made stale by a concurrent change before the write it guards. On a
 * Galera cluster row locks stay on their node, and only two transactions that write the same
 * row conflict: writing the organization row makes every pair of them conflict, and the loser
 * fails certification at commit and is run again whole by `inTransaction`. SQLite's
 * transactions already take turns.
 *
 * Throws `notFound` when the organization does not exist (any more).
 */
export function withOrganizationLock<T>(
  db: DataSource,
  organizationId: string,
  work: (em: EntityManager) => Promise<T>,
  notFound: () => Error,
): Promise<T> {
  return inTransaction(db, async (em) => {
    const written = await em
      .createQueryBuilder()
      .update('organizations')
      .set({ version: () => 'version + 1' })
      .where('id = :id', { id: organizationId })
      .execute();
    if (written.affected !== 1) throw notFound();
    return work(em);
  });
}
