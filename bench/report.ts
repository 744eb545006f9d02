import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { CONNECTIONS, DURATION, type Goal, type Measurement, only, RESULTS, useSqlite } from './harness';

/** What `npm run bench` prints and keeps: the table, the goals, bench/results/latest-<database>[-<scenario>].json. */

/** Prints the table and the goals, and writes bench/results/latest-<database>[-<scenario>].json. */
export function writeResults(version: string, results: Measurement[], goals: Goal[]): void {
  const machine = {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1e9),
    os: `${osType()} ${release()}`,
    node: process.version,
    database: version,
    durationSeconds: DURATION,
    connections: CONNECTIONS,
  };
  process.stdout.write(`\n${table(results)}\n\nGoals:\n`);
  for (const g of goals) process.stdout.write(`  ${g.pass ? 'pass ' : 'SHORT'}  ${g.goal}: ${g.value}\n`);
  process.stdout.write(`\nMachine: ${JSON.stringify(machine)}\n`);
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `latest-${useSqlite ? 'sqlite' : 'mariadb'}${only ? `-${only}` : ''}.json`);
  const run = { date: new Date().toISOString(), ...(only ? { scenario: only } : {}), machine, results, goals };
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  process.stdout.write(`Wrote ${file}\n`);
}

function table(rows: Measurement[]): string {
  const header = ['query', 'members', 'server', 'req/s', 'p50 ms', 'p99 ms', 'SQL/req', 'peak RSS MB', 'errors'];
  const lines = rows.map((r) =>
    [
      r.query,
      r.size ?? '-',
      r.server,
      r.requestsPerSecond,
      r.p50Ms,
      r.p99Ms,
      Number.isNaN(r.statementsPerRequest) ? '-' : r.statementsPerRequest,
      r.peakRssMb,
      r.errors,
    ].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n');
}
