import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

export type DatabaseKind = 'sqlite' | 'mysql' | 'mariadb';

export interface DatabaseOptions {
  /** Pool size for MySQL/MariaDB. */
  poolSize?: number;
  logger?: Logger;
  /**
   * Causal reads on a Galera cluster: every pooled connection starts with
   * `SET SESSION wsrep_sync_wait = 1`, so that a read through one node sees what was committed
   * through another before it (read-your-writes across instances). `openDatabase` sets it when
   * the server reports `wsrep_on`.
   */
  causalReads?: boolean;
  /**
   * SQLite: how long a statement waits for another process's lock before the request answers
   * SERVICE_UNAVAILABLE (docs/domain-rules.md §17). Default 5 s.
   */
  sqliteBusyTimeoutMs?: number;
}

/**
 * mysql2, with every new pooled connection first told to wait for the cluster's writes before
 * reading. The SET is queued on the connection before anything the pool's user sends.
 */
function causalReadsDriver(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mysql2 = require('mysql2') as typeof import('mysql2');
  return {
    ...mysql2,
    createPool(config: import('mysql2').PoolOptions) {
      const pool = mysql2.createPool(config);
      pool.on('connection', (connection) => {
        connection.query('SET SESSION wsrep_sync_wait = 1', () => undefined);
      });
      return pool;
    },
  };
}

/** Which engine a DATABASE_URL names (docs/domain-rules.md §8). Throws on anything else. */
export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('mysql://')) return 'mysql';
  if (url.startsWith('mariadb://')) return 'mariadb';
  throw new Error('DATABASE_URL must start with sqlite:, mysql:// or mariadb://');
}

/**
 * TypeORM options for a DATABASE_URL. MySQL and MariaDB go through mysql2 with a bounded pool
 * and a bounded wait queue (a full queue refuses at once, as SERVICE_UNAVAILABLE), so that a dead
 * database fails requests quickly instead of piling them up; SQLite through better-sqlite3 with WAL and foreign keys on.
 */
export function dataSourceOptions(url: string, options: DatabaseOptions = {}): DataSourceOptions {
  const kind = databaseKind(url);
  const common = {
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    logging: options.logger ? (['query', 'error'] as const) : false,
    logger: options.logger,
  };
  if (kind === 'sqlite') {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: path,
      enableWAL: path !== ':memory:',
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.sqliteBusyTimeoutMs ?? 5000))}`);
      },
    } as DataSourceOptions;
  }
  const parsed = new URL(url);
  return {
    ...common,
    type: kind,
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    // A node that does not answer fails the request in 3 s as SERVICE_UNAVAILABLE (docs/domain-rules.md §17);
    // a dead one (connection refused) at once.
    connectTimeout: 3000,
    poolSize: options.poolSize ?? 10,
    extra: { waitForConnections: true, queueLimit: 200, enableKeepAlive: true },
    ...(options.causalReads ? { driver: causalReadsDriver() } : {}),
  } as DataSourceOptions;
}

/** Whether the server is a Galera cluster node (`@@wsrep_on`); false for SQLite and MySQL. */
export async function isGaleraNode(db: DataSource): Promise<boolean> {
  if (db.options.type !== 'mariadb' && db.options.type !== 'mysql') return false;
  try {
    const [row] = await db.query('SELECT @@wsrep_on AS wsrep');
    return Number(row?.wsrep) === 1;
  } catch {
    return false; // MySQL has no such variable
  }
}

/**
 * Opens the database and brings its schema up to date. On a Galera cluster node the pool is
 * opened again with causal reads, so that no session reads before it has seen the cluster's
 * earlier commits.
 */
export async function openDatabase(url: string, options: DatabaseOptions = {}): Promise<DataSource> {
  let dataSource = new DataSource(dataSourceOptions(url, options));
  await dataSource.initialize();
  if (options.causalReads === undefined && (await isGaleraNode(dataSource))) {
    await dataSource.destroy();
    dataSource = new DataSource(dataSourceOptions(url, { ...options, causalReads: true }));
    await dataSource.initialize();
  }
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
