import type { DataSource } from 'typeorm';
import { AppError } from '../domain/errors';
import type { Logger } from '../observability/logger';

/**
 * When the database cannot serve (docs/domain-rules.md §17): the server is down or restarting,
 * a cluster node died or left the primary component, the pool's queue is full, an SQLite file
 * cannot be read, written or locked in time. Such a request was not wrong and may well succeed
 * elsewhere or a moment later, so it answers SERVICE_UNAVAILABLE (HTTP 503 with Retry-After),
 * never INTERNAL_SERVER_ERROR, which reads as a bug.
 */

/** Seconds a client should wait before trying again (the `Retry-After` header). */
export const RETRY_AFTER_SECONDS = 2;

/** Node's and mysql2's codes for a connection that could not be made or was lost. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'POOL_CLOSED',
]);

/**
 * MariaDB's server errors that mean "not now" rather than "not this": too many connections (1040),
 * a Galera node outside the primary component or not yet synced (1047 ER_UNKNOWN_COM_ERROR,
 * "WSREP has not yet prepared node for application use"), a server shutting down (1053, 1927
 * connection killed), a read-only server during a failover (1290 with --read-only); and a deadlock
 * or certification conflict (1213) or lock wait timeout (1205) still there after the writer's ten
 * attempts (src/db/transaction.ts): contention the database could not settle in time, which a
 * retry a moment later settles.
 */
const SERVER_ERRNOS = new Set([1040, 1047, 1053, 1205, 1213, 1290, 1927]);

/** SQLite's primary result codes for a file that cannot be used now (extended codes start with them). */
const SQLITE_PREFIXES = ['SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL'];

/** mysql2's messages for a pool that cannot give a connection (they carry no code). */
const POOL_MESSAGES = [/queue limit reached/i, /pool is closed/i, /connection is in closed state/i];

/**
 * The error itself and what it wraps: TypeORM's `driverError`, `cause`, GraphQL's `originalError`
 * and graphql-js's `thrownValue` (a value thrown that is not an Error of this realm).
 */
function* chain(error: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  let current = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    yield record;
    current = record.driverError ?? record.originalError ?? record.thrownValue ?? record.cause;
  }
}

/**
 * Whether an error says the database cannot serve right now (as opposed to a bug or a refused
 * statement). The service's own errors never do: they already say what they mean.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof AppError) return false;
  for (const link of chain(error)) {
    const code = typeof link.code === 'string' ? link.code : '';
    if (CONNECTION_CODES.has(code)) return true;
    if (SQLITE_PREFIXES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`))) return true;
    if (typeof link.errno === 'number' && SERVER_ERRNOS.has(link.errno)) return true;
    if (link.fatal === true && code !== '') return true;
    const message = typeof link.message === 'string' ? link.message : '';
    if (POOL_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}

/** A short description of the cause for the log: the code, never SQL or data. */
function causeOf(error: unknown): string {
  for (const link of chain(error)) {
    if (typeof link.code === 'string' && link.code !== '') return link.code;
  }
  return error instanceof Error ? error.message.slice(0, 120) : 'unknown';
}

/**
 * One outage of one database handle, logged once: its first failure as an error line, then (after
 * a `SELECT 1` every second succeeds again) one line saying it is back, how long it lasted and how
 * many failures it caused. Everything that meets the outage (requests, dispatchers, sweepers)
 * reports to the same tracker, so a thousand failing requests make two lines, not a thousand.
 */
export class DatabaseOutage {
  private startedAt: number | null = null;
  private failures = 0;
  private probe: NodeJS.Timeout | null = null;
  private probing = false;

  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
    private readonly probeEveryMs = 1000,
  ) {}

  /** Whether an outage is under way (first failure seen, not yet reachable again). */
  get ongoing(): boolean {
    return this.startedAt !== null;
  }

  /** A failure that `isDatabaseUnavailable` recognised. */
  report(error: unknown): void {
    this.failures++;
    if (this.startedAt !== null) return;
    this.startedAt = performance.now();
    this.logger.error(
      { cause: causeOf(error), database: this.db.options.type },
      'database unavailable: answering SERVICE_UNAVAILABLE until it is back',
    );
    this.probe = setInterval(() => void this.check(), this.probeEveryMs);
    this.probe.unref();
  }

  /** Stops probing (the server is shutting down). */
  stop(): void {
    if (this.probe) clearInterval(this.probe);
    this.probe = null;
  }

  private async check(): Promise<void> {
    if (this.probing || this.startedAt === null) return;
    this.probing = true;
    try {
      await this.db.query('SELECT 1');
      this.logger.warn(
        { downForMs: Math.round(performance.now() - this.startedAt), failures: this.failures },
        'database reachable again',
      );
      this.startedAt = null;
      this.failures = 0;
      this.stop();
    } catch {
      // still down: the next probe tries again
    } finally {
      this.probing = false;
    }
  }
}

const trackers = new WeakMap<DataSource, DatabaseOutage>();

/** The outage tracker of a database handle (one per handle, shared by all that use it). */
export function outageOf(db: DataSource, logger: Logger): DatabaseOutage {
  let tracker = trackers.get(db);
  if (!tracker) {
    tracker = new DatabaseOutage(db, logger);
    trackers.set(db, tracker);
  }
  return tracker;
}

/**
 * How a background job (dispatcher, sweeper) logs a failed pass: an outage goes to the database's
 * tracker (one line per outage, however often the job polls), anything else as an error.
 */
export function logJobFailure(
  db: DataSource,
  logger: Logger,
  error: unknown,
  message: string,
  fields: Record<string, unknown> = {},
): void {
  if (isDatabaseUnavailable(error)) outageOf(db, logger).report(error);
  else logger.error({ ...fields, err: error }, message);
}
