import { loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { type BenchOrganization, seedOrganization } from './dataset';
import { measure, type Measurement, type Operation, type Server, startProcess } from './harness';
import { againstCeiling, operationsFor } from './mix';

/**
 * `-- --only tree`: the members page and the organization tree alone, at 10 and 10 000 members,
 * each against its bare+SQL ceiling (alternately, median of three), with the peak RSS of the
 * membership server under that load and the machine's load average beside the figures. For
 * iterating on issue 38's goals without the whole mix; writes latest-<database>-tree.json.
 * BENCH_CPU_PROF=<dir> makes the membership server write its CPU profile there.
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
  if (process.env.BENCH_CPU_PROF) return profiles(env, [ops(orgs[0])[0], ops(orgs[1])[1]], servers);
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
 * With BENCH_CPU_PROF=<dir>: one fresh server per operation (the 10-member page, the tree at
 * 10 000), under its load alone, so that each CPU profile (<dir>/<n>-*.cpuprofile) is of one query.
 */
async function profiles(env: Record<string, string>, operations: Operation[], servers: Server[]) {
  const results: Measurement[] = [];
  const dir = process.env.BENCH_CPU_PROF as string;
  for (const [i, op] of operations.entries()) {
    process.env.BENCH_CPU_PROF = `${dir}/${i}-${op.name.replace(/\W+/g, '-')}`;
    const server = await startProcess('server.js', env, 4101, 4201);
    servers.push(server);
    results.push(await measure(server, op, null, 'membership, profiled'));
    process.stdout.write(`  ${op.name}: ${results.at(-1)!.requestsPerSecond} req/s (profiled)\n`);
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
  }
  process.env.BENCH_CPU_PROF = dir;
  return results;
}
