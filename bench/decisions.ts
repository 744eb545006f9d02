import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { signDevelopmentToken } from '../src/auth/jwt';
import { largeMember } from '../src/dev/large-organization';
import { type BenchOrganization, findFlatOrganization, seedFlatOrganization } from './dataset';
import {
  type Goal,
  type Measurement,
  measure,
  median,
  MILLION,
  type Operation,
  post,
  SECRET,
  type Server,
  settleWrites,
  startProcess,
  urlOf,
  useSqlite,
} from './harness';

/** The supergraph's authorization decisions (docs/authorization.md) on the size axis's two organizations. */

/**
 * The size axis's two organizations (10 and MILLION members, three workspaces of two domains each):
 * found in the database when an earlier run kept them (BENCH_DATABASE), written otherwise.
 */
export async function flatOrganizations(db: DataSource): Promise<BenchOrganization[]> {
  const axis: BenchOrganization[] = [];
  for (const size of [10, MILLION]) {
    const found = await findFlatOrganization(db, size, `flat${size}`);
    if (found) {
      process.stdout.write(`Found the ${size}-member organization of an earlier run\n`);
      axis.push(found);
      continue;
    }
    process.stdout.write(`Seeding a ${size}-member organization in bulk…\n`);
    const started = Date.now();
    axis.push(await seedFlatOrganization(db, size, `flat${size}`));
    process.stdout.write(`  ${size} members in ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
  // A bulk seed (this run's or a moment ago's) leaves InnoDB flushing for a while: wait until it
  // has (at most two minutes).
  if (!useSqlite) await settleWrites(db);
  return axis;
}

/** The service token of the decisions' checks (AUTHZ_SERVICE_TOKENS). */
const SERVICE_TOKEN = 'bench-service-token-0123456789abcdef';
const POLICIES = 'decisions: coprocessor, 10 policies';
const CHECKS = 'decisions: check ×100';

/**
 * The supergraph's two decisions against an organization (docs/authorization.md): Apollo Router's
 * coprocessor call at the SupergraphRequest stage deciding 10 `@policy` names for one member, and
 * a service's check of 100 tuples (10 members × 10 permission-and-scope pairs). The same shapes
 * at every size: what differs is the size of the organization.
 */
export async function decisionOperations(org: BenchOrganization): Promise<Operation[]> {
  const label = `flat${org.size}`;
  // Member 1 is the organization's ACCOUNTING and the first workspace's ADMIN.
  const person = largeMember(label, 1);
  const token = await signDevelopmentToken(SECRET, { sub: person.sub, email: person.email, name: person.name });
  const [w0, w1, w2] = org.workspaceIds;
  const [d0, d1, , d3] = org.domainIds;
  const variables = {
    organizationId: org.organizationId,
    workspaceId: w0,
    otherWorkspaceId: w1,
    workspaceIds: [w0, w1, w2],
    domainId: d0,
    domainIds: [d0, d1],
  };
  const policies = [
    'invoices:read@workspaceId',
    'invoices:read@workspaceIds',
    'invoices:pay@organizationId',
    'sites:deploy@workspaceId',
    'sites:deploy@otherWorkspaceId',
    'sites:deploy@domainIds',
    'sites:read@domainId',
    'MANAGE_MEMBERS@workspaceId',
    'invoices:read',
    'sites:deploy',
  ];
  // Apollo Router's SupergraphRequest, as test/fixtures/coprocessor has it, with the member's token.
  const fixture = JSON.parse(
    readFileSync(resolve(__dirname, '../../test/fixtures/coprocessor/apollo-supergraph-request.json'), 'utf8'),
  );
  const coprocessor = {
    ...fixture,
    headers: { ...fixture.headers, authorization: [`Bearer ${token}`] },
    body: { ...fixture.body, variables },
    context: {
      entries: {
        ...fixture.context.entries,
        'apollo::authorization::required_policies': Object.fromEntries(policies.map((p) => [p, null])),
      },
    },
  };
  // 10 members (the first five and five spread over the organization) × 10 permissions and scopes.
  const people = [0, 1, 2, 3, 4, ...[0, 1, 2, 3, 4].map((j) => 5 + Math.floor(((org.size - 6) * j) / 4))];
  const pairs: [string, Record<string, string>][] = [
    ['READ', { organizationId: org.organizationId }],
    ['invoices:read', { organizationId: org.organizationId }],
    ['invoices:read', { workspaceId: w0 }],
    ['invoices:pay', { organizationId: org.organizationId }],
    ['sites:deploy', { workspaceId: w0 }],
    ['sites:deploy', { workspaceId: w1 }],
    ['sites:read', { domainId: d0 }],
    ['sites:read', { domainId: d3 }],
    ['MANAGE_MEMBERS', { workspaceId: w2 }],
    ['READ_BILLING', { workspaceId: w1 }],
  ];
  const checks = people.flatMap((i) =>
    pairs.map(([permission, scope]) => ({ userId: largeMember(label, i).sub, permission, scope })),
  );
  // The bare+SQL server answers each with the statements captured for it, named by the header (in
  // ASCII: autocannon writes header values as UTF-8, which Node reads back as Latin-1).
  return [
    {
      name: POLICIES,
      path: '/authorization/policies',
      token: null,
      body: JSON.stringify(coprocessor),
      headers: { 'x-bench-statements': `policies@${org.size}` },
    },
    {
      name: CHECKS,
      path: '/authorization/check',
      token: SERVICE_TOKEN,
      body: JSON.stringify({ checks }),
      headers: { 'x-bench-statements': `check@${org.size}` },
    },
  ];
}

/**
 * Each decision at each size on the membership server (PERMISSIONS_FILE=examples/permissions.json)
 * and on the bare+SQL ceiling (a plain HTTP server that checks the same credentials, sends the
 * statements ours sent for the same call and answers JSON of the same shape), alternately, three
 * rounds, the median kept.
 */
export async function measureDecisions(
  env: Record<string, string>,
  axis: BenchOrganization[],
  servers: Server[],
): Promise<Measurement[]> {
  const membership = await startProcess(
    'server.js',
    {
      ...env,
      PERMISSIONS_FILE: resolve(__dirname, '../../examples/permissions.json'),
      AUTHZ_SERVICE_TOKENS: SERVICE_TOKEN,
    },
    4107,
    4207,
  );
  servers.push(membership);
  const opsBySize = await Promise.all(axis.map(decisionOperations));
  const captured: Record<string, { queries: string[]; parameters: unknown[][] }> = {};
  for (const ops of opsBySize) {
    for (const op of ops) {
      const first = await post(urlOf(membership, op), op);
      process.stdout.write(`  ${op.headers!['x-bench-statements']}: ${JSON.stringify(first).slice(0, 160)}…\n`);
      await membership.stats(true);
      await post(urlOf(membership, op), op);
      captured[op.headers!['x-bench-statements']] = await membership.recent();
    }
  }
  const file = join(tmpdir(), `membership-bench-decisions-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(captured));
  const bareSql = await startProcess(
    'bare-server.js',
    {
      NODE_ENV: 'production',
      BARE_ROUTES: 'decisions',
      AUTH_JWT_SECRET: SECRET,
      AUTHZ_SERVICE_TOKENS: SERVICE_TOKEN,
      BARE_SQL: file,
      DATABASE_URL: env.DATABASE_URL,
    },
    4108,
    4208,
  );
  servers.push(bareSql);
  const results: Measurement[] = [];
  for (const [i, name] of [POLICIES, CHECKS].entries()) {
    const ours = new Map<number, Measurement[]>();
    const ceiling = new Map<number, Measurement[]>();
    for (let round = 0; round < 3; round++) {
      for (const [j, org] of axis.entries()) {
        const op = opsBySize[j][i];
        ours.set(org.size, [
          ...(ours.get(org.size) ?? []),
          await measure(membership, op, org.size, 'membership, alternating'),
        ]);
        const bare = await measure(bareSql, op, org.size, 'bare HTTP + SQL');
        bare.statementsPerRequest = captured[op.headers!['x-bench-statements']].queries.length;
        ceiling.set(org.size, [...(ceiling.get(org.size) ?? []), bare]);
      }
    }
    for (const org of axis) {
      results.push(median(ours.get(org.size)!), median(ceiling.get(org.size)!));
      process.stdout.write(
        `  ${name} @ ${org.size}: ${median(ours.get(org.size)!).requestsPerSecond} vs bare+SQL ${median(ceiling.get(org.size)!).requestsPerSecond} req/s\n`,
      );
    }
  }
  for (const server of [bareSql, membership]) {
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
  }
  rmSync(file, { force: true });
  return results;
}

/** The decisions' goals: ≥ 0.8× the bare+SQL ceiling, the large size within 1.5× of 10, one statement. */
export function decisionGoals(results: Measurement[], axis: BenchOrganization[]): Goal[] {
  const find = (query: string, server: string, size: number) =>
    results.find((r) => r.query === query && r.server === server && r.size === size);
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return [POLICIES, CHECKS].flatMap((query) => {
    const [small, big] = axis.map((org) => find(query, 'membership, alternating', org.size));
    if (!small || !big) return [];
    return [
      ...axis.map((org) => {
        const ours = find(query, 'membership, alternating', org.size)!;
        const r = ratio(ours.requestsPerSecond, find(query, 'bare HTTP + SQL', org.size)!.requestsPerSecond);
        return { goal: `${query} ≥ 0.8× bare HTTP + SQL (${org.size})`, value: `${r}×`, pass: r >= 0.8 };
      }),
      (() => {
        const cost = ratio(small.requestsPerSecond, big.requestsPerSecond);
        return {
          goal: `${query} at ${big.size} members ≤ 1.5× its cost at ${small.size}`,
          value: `${cost}×`,
          pass: cost <= 1.5,
        };
      })(),
      ...[small, big].map((r) => ({
        goal: `${query} in 1 statement (${r.size})`,
        value: `${r.statementsPerRequest} statements`,
        pass: r.statementsPerRequest === 1,
      })),
    ];
  });
}
