import { loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { type BenchOrganization, seedOrganization } from './dataset';
import { type Goal, measure, type Measurement, type Operation, type Server, startProcess } from './harness';
import { againstCeiling, operationsFor } from './mix';

/**
 * `-- --only tree`: the members page and the organization tree alone, at 10 and 10 000 members,
 * each against its bare+SQL ceiling (alternately, median of three), with the peak RSS of the
 * membership server under that load and the machine's load average beside the figures. For
 * iterating on issue 38's goals without the whole mix; writes latest-<database>-tree.json.
 * BENCH_CPU_PROF=<dir> makes the membership server write its CPU profile there, BENCH_HEAP_PROF=<dir>
 * a sampled profile of what it allocates (the garbage included).
 */
export async function measureTreeAndPage(
  db: DataSource,
  env: Record<string, string>,
  databaseUrl: string,
  servers: Server[],
): Promise<Measurement[]> {
  const orgs: BenchOrganization[] = [];
  for (const size of [10, 10_000]) orgs.push(await seedOrganization(db, size, `t${size}`));
  const { ops } = await operationsFor(orgs);
  if (process.env.BENCH_CPU_PROF || process.env.BENCH_HEAP_PROF)
    return profiles(env, [ops(orgs[0])[0], ops(orgs[1])[1]], servers);
  const membership = await startProcess('server.js', env, 4101, 4201);
  servers.push(membership);
  const before = loadavg()[0];
  const results = await againstCeiling(membership, orgs, ops, databaseUrl, servers);
  const rss = (await membership.stats()).maxRssBytes;
  await membership.stop();
  servers.splice(servers.indexOf(membership), 1);
  for (let i = 0; i < results.length; i += 2) {
    const [ours, ceiling] = [results[i], results[i + 1]];
    process.stdout.write(
      `  ${ours.query} @ ${ours.size}: ${ours.requestsPerSecond} vs ${ceiling.requestsPerSecond} req/s = ` +
        `${(ours.requestsPerSecond / ceiling.requestsPerSecond).toFixed(2)}×, ${ours.statementsPerRequest} statements; ` +
        `CPU ${ours.cpuMsPerRequest} vs ${ceiling.cpuMsPerRequest} ms a request\n`,
    );
  }
  process.stdout.write(
    `  peak RSS ${Math.round(rss / 1e6)} MB; load average ${before.toFixed(1)} → ${loadavg()[0].toFixed(1)}\n`,
  );
  return results;
}

/**
 * With BENCH_CPU_PROF=<dir> or BENCH_HEAP_PROF=<dir>: one fresh server per operation (the 10-member
 * page, the tree at 10 000), under its load alone, so that each profile (<dir>/<n>-*.cpuprofile,
 * <dir>/<n>-*.heapprofile) is of one query.
 */
async function profiles(env: Record<string, string>, operations: Operation[], servers: Server[]) {
  const results: Measurement[] = [];
  const dir = process.env.BENCH_CPU_PROF;
  const heapDir = process.env.BENCH_HEAP_PROF;
  for (const [i, op] of operations.entries()) {
    const name = `${i}-${op.name.replace(/\W+/g, '-')}`;
    if (dir) process.env.BENCH_CPU_PROF = `${dir}/${name}`;
    const heap: Record<string, string> = heapDir ? { BENCH_HEAP_PROF: `${heapDir}/${name}.heapprofile` } : {};
    const server = await startProcess('server.js', { ...env, ...heap }, 4101, 4201);
    servers.push(server);
    results.push(await measure(server, op, null, 'membership, profiled'));
    process.stdout.write(`  ${op.name}: ${results.at(-1)!.requestsPerSecond} req/s (profiled)\n`);
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
  }
  process.env.BENCH_CPU_PROF = dir;
  return results;
}

/** Issue 38's goals on what `--only tree` measured: the ratios, the statements, the peak RSS. */
export function treeGoals(results: Measurement[]): Goal[] {
  const goals: Goal[] = [];
  for (let i = 0; i + 1 < results.length; i += 2) {
    const [ours, ceiling] = [results[i], results[i + 1]];
    if (ceiling.server !== 'bare Apollo + SQL') continue;
    const ratio = Math.round((ours.requestsPerSecond / ceiling.requestsPerSecond) * 100) / 100;
    const most = ours.query === 'members page' ? 1 : 3;
    goals.push(
      { goal: `${ours.query} ≥ 0.8× bare Apollo + SQL (${ours.size})`, value: `${ratio}×`, pass: ratio >= 0.8 },
      {
        goal: `${ours.query} CPU a request, ours against bare Apollo + SQL's (${ours.size})`,
        value: `${ours.cpuMsPerRequest} vs ${ceiling.cpuMsPerRequest} ms`,
        pass: (ours.cpuMsPerRequest ?? Infinity) <= (ceiling.cpuMsPerRequest ?? 0) / 0.8,
      },
      {
        goal: `${ours.query} in ≤ ${most} round trip${most > 1 ? 's' : ''} (${ours.size})`,
        value: `${ours.statementsPerRequest} statements`,
        pass: ours.statementsPerRequest <= most,
      },
    );
  }
  const rss = Math.max(...results.filter((r) => r.server.startsWith('membership')).map((r) => r.peakRssMb));
  goals.push({ goal: 'peak RSS under the tree load ≤ 380 MB', value: `${rss} MB`, pass: rss <= 380 });
  return goals;
}
