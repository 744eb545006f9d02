import http from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Clock } from '../config/clock';
import { fromSqlDateTime, toCount, toSqlDateTime } from '../db/sql';
import { PUBLIC_ERROR_CODES } from '../domain/errors';
import { noSniff, sendRefusal } from '../http/refusals';
import type { Logger } from './logger';

/**
 * Prometheus metrics (prom-client), served on their own port (METRICS_PORT) and only when it is
 * set: nothing is counted otherwise. Label values are bounded and carry no user data: operation
 * names (GraphQL names: letters, digits, `_`) up to MAX_OPERATION_NAMES distinct ones, then
 * `other`; error codes from the public list, anything else `OTHER`; outbox kinds. Database
 * figures are read when Prometheus scrapes, so every instance reports the shared outbox.
 */
const MAX_OPERATION_NAMES = 100;
const KNOWN_CODES = new Set<string>(PUBLIC_ERROR_CODES);

/** The outboxes, each a table whose rows are PENDING until delivered, FAILED once given up. */
const OUTBOXES = [
  { kind: 'email', table: 'outbox_emails' },
  { kind: 'webhook', table: 'webhook_deliveries' },
] as const;

export class Metrics {
  readonly registry = new Registry();
  private readonly names = new Set<string>();
  private readonly requests: Counter<'operation' | 'type'>;
  private readonly duration: Histogram<'operation' | 'type'>;
  private readonly errors: Counter<'code'>;

  constructor(db: DataSource, clock: Clock) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'membership_graphql_requests_total',
      help: 'GraphQL operations answered, by operation name and type.',
      labelNames: ['operation', 'type'],
      registers,
    });
    this.duration = new Histogram({
      name: 'membership_graphql_request_duration_seconds',
      help: 'Time from receiving a GraphQL operation to sending its answer.',
      labelNames: ['operation', 'type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.errors = new Counter({
      name: 'membership_graphql_errors_total',
      help: 'Errors in GraphQL answers, by extensions.code.',
      labelNames: ['code'],
      registers,
    });
    new Gauge({
      name: 'membership_db_pool_connections',
      help: 'Database connections of this instance: in use, idle, and requests waiting for one (MySQL/MariaDB).',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = poolOf(db);
        if (!pool) return;
        const all = pool._allConnections?.length ?? 0;
        const idle = pool._freeConnections?.length ?? 0;
        this.set({ state: 'in_use' }, all - idle);
        this.set({ state: 'idle' }, idle);
        this.set({ state: 'waiting' }, pool._connectionQueue?.length ?? 0);
      },
    });
    // The three outbox gauges share one read of the database per scrape (prom-client collects
    // metrics concurrently): the first to collect starts it, the others wait for it.
    let reading: Promise<OutboxFigures[]> | null = null;
    const outboxFigures = () => {
      reading ??= readOutboxes(db, clock.now()).finally(() => (reading = null));
      return reading;
    };
    const outboxGauge = (name: string, help: string, pick: (figures: OutboxFigures) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['kind'],
        registers,
        async collect() {
          for (const figures of await outboxFigures()) this.set({ kind: figures.kind }, pick(figures));
        },
      });
    outboxGauge('membership_outbox_depth', 'Deliveries waiting to be made (PENDING), by kind.', (f) => f.depth);
    outboxGauge(
      'membership_outbox_oldest_due_seconds',
      'How long the oldest due delivery has been due (0 when none is), by kind.',
      (f) => f.oldestDueSeconds,
    );
    outboxGauge(
      'membership_deliveries_failed',
      'Deliveries given up (FAILED) and still stored, by kind.',
      (f) => f.failed,
    );
  }

  private operationLabel(name: string | null | undefined, parsed: boolean): string {
    if (!parsed) return 'unknown';
    if (!name) return 'anonymous';
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_OPERATION_NAMES || !/^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name)) return 'other';
    this.names.add(name);
    return name;
  }

  /** Counts and times every operation, and the codes of the errors in its answer. */
  plugin(): ApolloServerPlugin {
    return {
      requestDidStart: async () => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async ({ operation, operationName, response }) => {
            const labels = {
              operation: this.operationLabel(operationName, operation !== undefined),
              type: operation?.operation ?? 'unknown',
            };
            this.requests.inc(labels);
            this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
            const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
            for (const error of errors) {
              const code = String(error.extensions?.code ?? '');
              this.errors.inc({ code: KNOWN_CODES.has(code) ? code : 'OTHER' });
            }
          },
        };
      },
    };
  }

  /** `/metrics` on its own server (nothing else is served there). */
  async listen(port: number, host: string, logger: Logger): Promise<http.Server> {
    const server = http.createServer((req, res) => {
      // docs/domain-rules.md §8: nosniff on every answer, refusals as JSON.
      noSniff(res);
      if (req.url?.split('?')[0] !== '/metrics') {
        sendRefusal(res, 404, 'NOT_FOUND', 'Only /metrics is served here.');
        return;
      }
      if (req.method !== 'GET') {
        sendRefusal(res, 405, 'BAD_REQUEST', `${req.method} is not accepted here: use GET.`, ['GET']);
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (error: unknown) => {
          logger.error({ err: error }, 'metrics could not be collected');
          sendRefusal(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
        },
      );
    });
    await new Promise<void>((done) => server.listen(port, host, done));
    return server;
  }
}

interface OutboxFigures {
  kind: string;
  depth: number;
  oldestDueSeconds: number;
  failed: number;
}

async function readOutboxes(db: DataSource, now: Date): Promise<OutboxFigures[]> {
  return Promise.all(
    OUTBOXES.map(async ({ kind, table }) => {
      const [pending] = await db.query(
        `SELECT COUNT(*) AS n, MIN(CASE WHEN next_attempt_at <= ? THEN next_attempt_at END) AS oldest FROM ${table} WHERE status = 'PENDING'`,
        [toSqlDateTime(now)],
      );
      const [given] = await db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE status = 'FAILED'`);
      const oldest = pending.oldest ? fromSqlDateTime(pending.oldest) : null;
      return {
        kind,
        depth: toCount(pending.n),
        oldestDueSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
        failed: toCount(given.n),
      };
    }),
  );
}

interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/** mysql2's pool under TypeORM (its counts are not public API: read defensively). */
function poolOf(db: DataSource): Mysql2Pool | null {
  const pool = (db.driver as unknown as { pool?: Mysql2Pool }).pool;
  return pool && typeof pool === 'object' ? pool : null;
}
