import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openDatabase } from '../src/db/data-source';
import { type BenchOrganization } from './dataset';
import { decisionGoals, flatOrganizations, measureDecisions } from './decisions';
import { mixGoals } from './goals';
import {
  databaseUrl,
  databaseVersion,
  machineOf,
  only,
  RESULTS,
  SCENARIOS,
  SECRET,
  type Server,
  serverEnv,
  startProcess,
  useSqlite,
  MILLION,
} from './harness';
import { measureMix } from './mix';
import { measureNoisyNeighbour, noisyNeighbourText } from './noisy-neighbour';
import { writeResults } from './report';
import { measureSizeAxis } from './size-axis';
import { measureTreeAndPage, treeGoals } from './tree';

/**
 * `npm run bench` (MariaDB at 127.0.0.1:3306, or BENCH_DATABASE_URL) or `npm run bench -- --sqlite`.
 * Seeds organizations of 10, 1 000 and 10 000 members, runs a fixed query mix against the
 * production server in its own process with autocannon (bench/mix.ts), and prints per query and
 * size: requests/s, p50/p99 latency, SQL statements per request and peak RSS; then the side-by-side
 * ratios and the goals (bench/goals.ts); then the noisy neighbour (bench/noisy-neighbour.ts), the
 * size axis (bench/size-axis.ts) and the supergraph's decisions (bench/decisions.ts). Results go to
 * bench/results/ as JSON (bench/report.ts). Figures, not a test.
 *
 * `-- --only <scenario>` runs one scenario alone, with its own results file:
 * `noisy-neighbour` — one organization's burst against another's reads (noisy-neighbour-<database>.json);
 * `decisions` — the supergraph's authorization decisions at 10 and BENCH_MILLION members
 * (latest-<database>-decisions.json); `tree` — the members page and the tree at 10 and 10 000 members
 * against their bare+SQL ceilings (latest-<database>-tree.json). BENCH_DATABASE=<name> uses (and keeps) that database instead
 * of a throwaway one, so that a later run finds the large organizations written already.
 */

if (only !== undefined && !(SCENARIOS as readonly string[]).includes(only)) {
  process.stderr.write(`--only takes one of: ${SCENARIOS.join(', ')}\n`);
  process.exit(2);
}

/**
 * The noisy neighbour (bench/noisy-neighbour.ts) on a server of its own, with its default
 * ORGANIZATION_* settings; written to bench/results/noisy-neighbour-<database>.json.
 */
async function noisyNeighbour(url: string, db: DataSource, database: string, servers: Server[]): Promise<void> {
  process.stdout.write('Noisy neighbour…\n');
  const server = await startProcess('server.js', serverEnv(url), 4107, 4207);
  servers.push(server);
  // The figure depends on what else the machine is doing: its load is kept with it.
  const machine = { ...machineOf(database), loadAverage: Math.round(loadavg()[0] * 10) / 10 };
  const run = await measureNoisyNeighbour(server.url, db, SECRET, machine, async () => {
    return (await server.stats()).cpuMs;
  });
  await server.stop();
  servers.splice(servers.indexOf(server), 1);
  process.stdout.write(`\n${noisyNeighbourText(run)}\n`);
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `noisy-neighbour-${useSqlite ? 'sqlite' : 'mariadb'}.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  process.stdout.write(`Wrote ${file}\n`);
}

/** `--only noisy-neighbour`: that scenario alone, on a throwaway database. */
async function onlyNoisyNeighbour(): Promise<void> {
  const target = await databaseUrl();
  const servers: Server[] = [];
  try {
    const db = await openDatabase(target.url);
    try {
      await noisyNeighbour(target.url, db, await databaseVersion(db), servers);
    } finally {
      await db.destroy();
    }
  } finally {
    for (const server of servers) await server.stop().catch(() => undefined);
    await target.drop();
  }
}

async function main(): Promise<void> {
  if (only === 'noisy-neighbour') return onlyNoisyNeighbour();
  const target = await databaseUrl();
  const servers: Server[] = [];
  try {
    const db = await openDatabase(target.url);
    const version = await databaseVersion(db);
    const env = serverEnv(target.url);
    if (only === 'tree') {
      const results = await measureTreeAndPage(db, env, target.url, servers);
      await db.destroy();
      writeResults(version, results, treeGoals(results));
      return;
    }
    if (only === 'decisions') {
      const axis = await flatOrganizations(db);
      const results = await measureDecisions(env, axis, servers);
      await db.destroy();
      writeResults(version, results, decisionGoals(results, axis));
      return;
    }
    const { results, large, loopStall } = await measureMix(db, env, target.url, servers);
    // One organization's burst beside another's reads, before the bulk seed below leaves MariaDB busy.
    await noisyNeighbour(target.url, db, version, servers);
    const axis: BenchOrganization[] = [];
    if (MILLION > 0) {
      // Last, on a fresh server: a bulk seed leaves MariaDB busy (purge, flushing) for a while,
      // which would weigh on whatever was measured next.
      const sized = await measureSizeAxis(db, env, servers);
      axis.push(...sized.axis);
      results.push(...sized.results);
      // The supergraph's decisions on the same two organizations.
      results.push(...(await measureDecisions(env, axis, servers)));
    }
    await db.destroy();
    writeResults(version, results, [...mixGoals(results, large, axis, loopStall), ...decisionGoals(results, axis)]);
  } finally {
    for (const server of servers) await server.stop().catch(() => undefined);
    await target.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
