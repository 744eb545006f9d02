import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { signDevelopmentToken } from '../src/auth/jwt';
import { type BenchOrganization, seedOrganization } from './dataset';
import {
  body,
  type Measurement,
  measure,
  median,
  type Operation,
  post,
  SECRET,
  type Server,
  SIZES,
  startProcess,
  useSqlite,
} from './harness';
import { acceptFlow, ENTITIES, ME_TREE, MEMBERS_PAGE, WORKSPACE } from './queries';

/** What the query mix measured: every figure, the largest organization, the longest event-loop stall. */
export interface Mix {
  results: Measurement[];
  large: BenchOrganization;
  loopStall: number;
}

/**
 * The query mix on organizations of SIZES members: the membership server, its bare+SQL ceiling
 * (alternately), without the inline-trace plugin, without the permission layer, and bare Apollo.
 */
export async function measureMix(
  db: DataSource,
  env: Record<string, string>,
  databaseUrl: string,
  servers: Server[],
): Promise<Mix> {
  const results: Measurement[] = [];
  process.stdout.write(`Seeding ${SIZES.join(', ')}-member organizations on ${useSqlite ? 'SQLite' : 'MariaDB'}…\n`);
  const orgs: BenchOrganization[] = [];
  for (const size of SIZES) orgs.push(await seedOrganization(db, size, `s${size}`));
  const membership = await startProcess('server.js', env, 4101, 4201);
  servers.push(membership);
  await membership.stats(true);

  const { tokens, ops } = await operationsFor(orgs);
  for (const org of orgs) {
    for (const op of ops(org)) {
      results.push(await measure(membership, op, org.size, 'membership'));
      process.stdout.write(`  ${op.name} @ ${org.size}: ${results.at(-1)!.requestsPerSecond} req/s\n`);
    }
    results.push(await acceptFlow(membership, org, tokens.get(org.size)!, db));
  }

  // Page 1 and page 100 of the 10 000-member organization (keyset pagination).
  const large = orgs.at(-1)!;
  const largeToken = tokens.get(large.size)!;
  let after: string | null = null;
  for (let page = 1; page < 100; page++) {
    const data = await post(membership.url, {
      name: 'walk',
      token: largeToken,
      body: body(MEMBERS_PAGE, { id: large.organizationId, after }),
    });
    after = data.organization.members.pageInfo.endCursor;
  }
  results.push(
    await measure(
      membership,
      { name: 'members page 100', token: largeToken, body: body(MEMBERS_PAGE, { id: large.organizationId, after }) },
      large.size,
      'membership',
    ),
  );
  results.push(
    await measure(
      membership,
      { ...ops(large)[0], name: 'members page, ftv1 asked', headers: { 'apollo-federation-include-trace': 'ftv1' } },
      large.size,
      'membership',
    ),
  );
  const loopStall = (await membership.stats()).eventLoopMaxMs;

  results.push(...(await againstCeiling(membership, [orgs[0], large], ops, databaseUrl, servers)));
  await membership.stop();
  servers.pop();

  // Federated traces: what a page costs when the router asks for one, and what the inline-trace
  // plugin costs when it is not asked (a server without it, bench-only switch).
  const untraced = await startProcess('server.js', { ...env, BENCH_NO_INLINE_TRACE: '1' }, 4105, 4205);
  servers.push(untraced);
  results.push(await measure(untraced, ops(large)[0], large.size, 'no inline trace'));
  await untraced.stop();
  servers.pop();

  // The same queries without the permission layer (bench-only switch).
  const unguarded = await startProcess('server.js', { ...env, BENCH_NO_SHIELD: '1' }, 4102, 4202);
  servers.push(unguarded);
  for (const op of ops(large).slice(0, 2)) results.push(await measure(unguarded, op, large.size, 'no permissions'));
  await unguarded.stop();
  servers.pop();

  // The ceiling: bare Apollo Server, plain resolvers, the page and the tree from memory, behind
  // the same token check; at the smallest and the largest size.
  for (const org of [orgs[0], large]) {
    const bare = await startProcess(
      'bare-server.js',
      { NODE_ENV: 'production', BARE_MEMBERS: String(org.size), AUTH_JWT_SECRET: SECRET },
      4103,
      4203,
    );
    servers.push(bare);
    const token = tokens.get(org.size)!;
    results.push(
      await measure(
        bare,
        { name: 'members page', token, body: body(MEMBERS_PAGE, { id: 'bench' }) },
        org.size,
        'bare Apollo',
      ),
    );
    results.push(await measure(bare, { name: 'me tree', token, body: body(ME_TREE) }, org.size, 'bare Apollo'));
    await bare.stop();
    servers.pop();
  }
  return { results, large, loopStall };
}

/**
 * The fair ceiling, "bare Apollo + SQL": a bare server that sends exactly the statements the
 * membership server sends for the same request (captured now, from a probe request, so the
 * ceiling follows our SQL as it changes). Measured alternately with the membership server,
 * three times each, the median kept: the machine is noisy. The members page and the tree.
 */
export async function againstCeiling(
  membership: Server,
  orgs: BenchOrganization[],
  ops: (org: BenchOrganization) => Operation[],
  databaseUrl: string,
  servers: Server[],
): Promise<Measurement[]> {
  const results: Measurement[] = [];
  for (const org of orgs) {
    const captured: Record<string, { queries: string[]; parameters: unknown[][] }> = {};
    for (const op of ops(org).slice(0, 2)) {
      await post(membership.url, op);
      await membership.stats(true);
      await post(membership.url, op);
      captured[op.name] = await membership.recent();
    }
    const file = join(tmpdir(), `membership-bench-sql-${process.pid}-${org.size}.json`);
    writeFileSync(file, JSON.stringify(captured));
    const bareSql = await startProcess(
      'bare-server.js',
      {
        NODE_ENV: 'production',
        BARE_MEMBERS: String(org.size),
        AUTH_JWT_SECRET: SECRET,
        BARE_SQL: file,
        DATABASE_URL: databaseUrl,
      },
      4106,
      4206,
    );
    servers.push(bareSql);
    for (const op of ops(org).slice(0, 2)) {
      const bareOp = op.name === 'members page' ? { ...op, body: body(MEMBERS_PAGE, { id: 'bench' }) } : op;
      const ours: Measurement[] = [];
      const ceiling: Measurement[] = [];
      for (let round = 0; round < 3; round++) {
        ours.push(await measure(membership, op, org.size, 'membership, alternating'));
        ceiling.push({
          ...(await measure(bareSql, bareOp, org.size, 'bare Apollo + SQL')),
          statementsPerRequest: captured[op.name].queries.length,
        });
      }
      results.push(median(ours), median(ceiling));
      process.stdout.write(
        `  ${op.name} @ ${org.size}: ${median(ours).requestsPerSecond} vs bare+SQL ${median(ceiling).requestsPerSecond} req/s\n`,
      );
    }
    await bareSql.stop();
    servers.pop();
    rmSync(file, { force: true });
  }
  return results;
}

/** The admin's token of each organization, and the mix's operations on one of them. */
export async function operationsFor(orgs: BenchOrganization[]) {
  const tokens = new Map<number, string>();
  for (const org of orgs)
    tokens.set(
      org.size,
      await signDevelopmentToken(SECRET, {
        sub: org.adminSub,
        email: `m0-s${org.size}@bench.example`,
        name: 'Admin',
      }),
    );
  const ops = (org: BenchOrganization): Operation[] => {
    const token = tokens.get(org.size)!;
    return [
      { name: 'members page', token, body: body(MEMBERS_PAGE, { id: org.organizationId }) },
      { name: 'me tree', token, body: body(ME_TREE) },
      { name: 'workspace + domains + members', token, body: body(WORKSPACE, { id: org.workspaceId }) },
      {
        name: '_entities ×100',
        token,
        body: body(ENTITIES, { r: org.domainIds.slice(0, 100).map((id) => ({ __typename: 'Domain', id })) }),
      },
    ];
  };
  return { tokens, ops };
}
