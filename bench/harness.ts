import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem, type as osType, release } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/db/data-source';
import { SERVER_NODE_FLAGS } from '../src/http/node-flags';

/**
 * What every scenario of `npm run bench` measures with: the settings, the servers in their own
 * processes, one request, one autocannon measurement, the throwaway database.
 */

export const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
export const SIZES = [10, 1_000, 10_000];
export const DURATION = Number(process.env.BENCH_DURATION ?? 5);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
export const useSqlite = process.argv.includes('--sqlite');
/** The scenarios `--only` may name: each runs alone and writes its own results file. */
export const SCENARIOS = ['noisy-neighbour', 'decisions', 'tree'] as const;
export const only = ((at) => (at >= 0 ? (process.argv[at + 1] ?? '') : undefined))(process.argv.indexOf('--only'));
/** The size axis: a 10-member organization against one of BENCH_MILLION (default 1 000 000; 0 skips it). */
export const MILLION = Number(process.env.BENCH_MILLION ?? 1_000_000);
export const RESULTS = resolve(__dirname, '../../bench/results');

export interface Stats {
  statements: number;
  maxRssBytes: number;
  eventLoopMaxMs: number;
  /** The server process's CPU time so far, user + system. */
  cpuMs: number;
}

export interface Server {
  url: string;
  stats(reset?: boolean): Promise<Stats>;
  /** The statements sent since the last reset, with their parameters (the membership server only). */
  recent(): Promise<{ queries: string[]; parameters: unknown[][] }>;
  stop(): Promise<void>;
}

export async function startProcess(
  script: string,
  env: Record<string, string>,
  port: number,
  statsPort: number,
): Promise<Server> {
  // BENCH_CPU_PROF=<dir>: the membership servers write a CPU profile there when they stop (node
  // --cpu-prof), the ceilings in <dir>/bare, so that the two can be compared layer by layer.
  const profile = process.env.BENCH_CPU_PROF
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${script === 'server.js' ? process.env.BENCH_CPU_PROF : join(process.env.BENCH_CPU_PROF, 'bare')}`,
      ]
    : [];
  // Both servers run with the V8 settings `npm start` gives ours: the same runtime on both sides.
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...profile, resolve(__dirname, script)], {
    env: { ...process.env, ...env, PORT: String(port), STATS_PORT: String(statsPort) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stats(reset = false) {
      return (await (await fetch(`http://127.0.0.1:${statsPort}/${reset ? 'reset' : 'stats'}`)).json()) as Stats;
    },
    async recent() {
      return (await (await fetch(`http://127.0.0.1:${statsPort}/recent`)).json()) as {
        queries: string[];
        parameters: unknown[][];
      };
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
    },
  };
}

export interface Operation {
  name: string;
  body: string;
  /** The bearer token of the request's Authorization header (none: no header). */
  token: string | null;
  headers?: Record<string, string>;
  /** Another route than /graphql (e.g. /authorization/policies). */
  path?: string;
}

export const urlOf = (server: Server, op: Operation) =>
  op.path ? new URL(op.path, server.url).toString() : server.url;
export const headersOf = (op: Operation) => ({
  'content-type': 'application/json',
  ...(op.token ? { authorization: `Bearer ${op.token}` } : {}),
  ...op.headers,
});

/** One request; its GraphQL `data`, or the whole JSON answer of a route other than /graphql. */
export async function post(url: string, op: Operation): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: headersOf(op), body: op.body });
  const json = (await response.json()) as any;
  if (json.errors || !response.ok) throw new Error(`${op.name}: ${JSON.stringify(json.errors ?? json).slice(0, 300)}`);
  return op.path ? json : json.data;
}

export interface Measurement {
  query: string;
  size: number | null;
  server: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  statementsPerRequest: number;
  peakRssMb: number;
  errors: number;
  /**
   * The server process's CPU time per request under the load (user + system): on a shared,
   * CPU-bound machine a steadier figure than throughput, which follows whatever else runs.
   */
  cpuMsPerRequest?: number;
}

export interface Goal {
  goal: string;
  value: string | number;
  pass: boolean;
}

/** Waits (two minutes at most) until InnoDB has flushed what a bulk seed left dirty. */
export async function settleWrites(db: DataSource): Promise<void> {
  for (let waited = 0; waited < 120; waited += 2) {
    const [row] = await db.query("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'");
    if (Number(row?.Value ?? 0) < 1000) return;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** The measurement of median throughput among runs of the same thing. */
export function median(runs: Measurement[]): Measurement {
  return [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(runs.length / 2)];
}

export async function measure(server: Server, op: Operation, size: number | null, label: string): Promise<Measurement> {
  await post(urlOf(server, op), op); // fail loudly on a GraphQL error
  const load = {
    url: urlOf(server, op),
    method: 'POST' as const,
    headers: headersOf(op),
    body: op.body,
    connections: CONNECTIONS,
  };
  // One second of the same load first, so that every server is measured warm (JIT, pools); then
  // a pause, so that none of its requests is still running when one request is counted alone.
  const warm = await autocannon({ ...load, duration: 1 });
  // Long enough for the slowest warm-up request to finish: a late one counted with the probe's
  // statements made the tree look like 5 on a loaded machine (its slowest took over a second).
  await new Promise((resolve) => setTimeout(resolve, Math.max(500, 2 * warm.latency.max)));
  await server.stats(true);
  await post(urlOf(server, op), op);
  const before = await server.stats();
  const statementsPerRequest = before.statements;
  const result = await autocannon({ ...load, duration: DURATION });
  const stats = await server.stats();
  const cpuMsPerRequest =
    stats.cpuMs === undefined
      ? undefined
      : Math.round(((stats.cpuMs - before.cpuMs) / result.requests.total) * 100) / 100;
  return {
    query: op.name,
    size,
    server: label,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statementsPerRequest,
    peakRssMb: Math.round(stats.maxRssBytes / 1e6),
    errors: result.errors + result.non2xx + result.timeouts,
    ...(cpuMsPerRequest === undefined ? {} : { cpuMsPerRequest }),
  };
}

export const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

export async function databaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  if (useSqlite) {
    const path = join(tmpdir(), `membership-bench-${process.pid}.sqlite`);
    return {
      url: `sqlite:${path}`,
      drop: async () => ['', '-wal', '-shm'].forEach((s) => rmSync(`${path}${s}`, { force: true })),
    };
  }
  const server = new URL(process.env.BENCH_DATABASE_URL ?? 'mariadb://root@127.0.0.1:3306/test');
  const kept = process.env.BENCH_DATABASE;
  if (kept !== undefined && !/^[A-Za-z0-9_]{1,64}$/.test(kept)) throw new Error('BENCH_DATABASE: letters, digits, _');
  const name = kept ?? `membership_bench_${process.pid}`;
  const admin = new DataSource({
    ...dataSourceOptions(server.toString(), { poolSize: 1 }),
    entities: [],
    migrations: [],
  });
  await admin.initialize();
  await admin.query(
    `CREATE DATABASE ${kept ? 'IF NOT EXISTS ' : ''}\`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      // A database named by BENCH_DATABASE is kept, with the large organizations written into it.
      if (!kept) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.destroy();
    },
  };
}

/** The bench's own server settings: production mode on the throwaway database. */
export const serverEnv = (url: string) => ({
  NODE_ENV: 'production',
  DATABASE_URL: url,
  AUTH_JWT_SECRET: SECRET,
  INVITATIONS_PER_HOUR: '1000000000',
});

export function machineOf(database: string): Record<string, string | number> {
  return {
    cpu: cpus()[0]?.model ?? '',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1e9),
    os: `${osType()} ${release()}`,
    node: process.version,
    database,
  };
}

export async function databaseVersion(db: DataSource): Promise<string> {
  return useSqlite ? 'SQLite (better-sqlite3)' : String((await db.query('SELECT VERSION() AS v'))[0].v);
}

/** `--only noisy-neighbour`: that scenario alone, on a throwaway database. */
