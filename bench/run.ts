import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, type as osType, release } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { DataSource } from 'typeorm';
import { signDevelopmentToken } from '../src/auth/jwt';
import { dataSourceOptions, openDatabase } from '../src/db/data-source';
import { type BenchOrganization, findFlatOrganization, seedFlatOrganization, seedOrganization } from './dataset';
import { largeMember } from '../src/dev/large-organization';
import { measureNoisyNeighbour, noisyNeighbourText } from './noisy-neighbour';

/**
 * `npm run bench` (MariaDB at 127.0.0.1:3306, or BENCH_DATABASE_URL) or `npm run bench -- --sqlite`.
 * Seeds organizations of 10, 1 000 and 10 000 members, runs a fixed query mix against the
 * production server in its own process with autocannon, and prints per query and size:
 * requests/s, p50/p99 latency, SQL statements per request and peak RSS; then the side-by-side
 * ratios and the goals; then the noisy neighbour (bench/noisy-neighbour.ts). Results go to
 * bench/results/ as JSON. Figures, not a test.
 *
 * `-- --only <scenario>` runs one scenario alone, with its own results file:
 * `noisy-neighbour` — one organization's burst against another's reads (noisy-neighbour-<database>.json);
 * `decisions` — the supergraph's authorization decisions at 10 and BENCH_MILLION members
 * (latest-<database>-decisions.json). BENCH_DATABASE=<name> uses (and keeps) that database instead
 * of a throwaway one, so that a later run finds the large organizations written already.
 */

const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const SIZES = [10, 1_000, 10_000];
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const useSqlite = process.argv.includes('--sqlite');
/** The scenarios `--only` may name: each runs alone and writes its own results file. */
const SCENARIOS = ['noisy-neighbour', 'decisions'] as const;
const only = ((at) => (at >= 0 ? (process.argv[at + 1] ?? '') : undefined))(process.argv.indexOf('--only'));
if (only !== undefined && !(SCENARIOS as readonly string[]).includes(only)) {
  process.stderr.write(`--only takes one of: ${SCENARIOS.join(', ')}\n`);
  process.exit(2);
}
/** The size axis: a 10-member organization against one of BENCH_MILLION (default 1 000 000; 0 skips it). */
const MILLION = Number(process.env.BENCH_MILLION ?? 1_000_000);

interface Stats {
  statements: number;
  maxRssBytes: number;
  eventLoopMaxMs: number;
  /** The server process's CPU time so far, user + system. */
  cpuMs: number;
}

interface Server {
  url: string;
  stats(reset?: boolean): Promise<Stats>;
  /** The statements sent since the last reset, with their parameters (the membership server only). */
  recent(): Promise<{ queries: string[]; parameters: unknown[][] }>;
  stop(): Promise<void>;
}

async function startProcess(
  script: string,
  env: Record<string, string>,
  port: number,
  statsPort: number,
): Promise<Server> {
  // BENCH_CPU_PROF=<dir>: the membership servers write a CPU profile there when they stop (node --cpu-prof).
  const profile =
    process.env.BENCH_CPU_PROF && script === 'server.js'
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, resolve(__dirname, script)], {
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

interface Operation {
  name: string;
  body: string;
  /** The bearer token of the request's Authorization header (none: no header). */
  token: string | null;
  headers?: Record<string, string>;
  /** Another route than /graphql (e.g. /authorization/policies). */
  path?: string;
}

const urlOf = (server: Server, op: Operation) => (op.path ? new URL(op.path, server.url).toString() : server.url);
const headersOf = (op: Operation) => ({
  'content-type': 'application/json',
  ...(op.token ? { authorization: `Bearer ${op.token}` } : {}),
  ...op.headers,
});

/** One request; its GraphQL `data`, or the whole JSON answer of a route other than /graphql. */
async function post(url: string, op: Operation): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: headersOf(op), body: op.body });
  const json = (await response.json()) as any;
  if (json.errors || !response.ok) throw new Error(`${op.name}: ${JSON.stringify(json.errors ?? json).slice(0, 300)}`);
  return op.path ? json : json.data;
}

interface Measurement {
  query: string;
  size: number | null;
  server: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  statementsPerRequest: number;
  peakRssMb: number;
  errors: number;
}

/** Waits (two minutes at most) until InnoDB has flushed what a bulk seed left dirty. */
async function settleWrites(db: DataSource): Promise<void> {
  for (let waited = 0; waited < 120; waited += 2) {
    const [row] = await db.query("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'");
    if (Number(row?.Value ?? 0) < 1000) return;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** The measurement of median throughput among runs of the same thing. */
function median(runs: Measurement[]): Measurement {
  return [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(runs.length / 2)];
}

async function measure(server: Server, op: Operation, size: number | null, label: string): Promise<Measurement> {
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
  await autocannon({ ...load, duration: 1 });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await server.stats(true);
  await post(urlOf(server, op), op);
  const statementsPerRequest = (await server.stats()).statements;
  const result = await autocannon({ ...load, duration: DURATION });
  const stats = await server.stats();
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
  };
}

const MEMBERS_PAGE = `query Members($id: ID!, $after: String) { organization(id: $id) { id name members(first: 50, after: $after) {
  totalCount edges { cursor node { id role createdAt user { id email displayName } } } pageInfo { hasNextPage endCursor } } } }`;
const MEMBER_COUNT = `query Count($id: ID!) { organization(id: $id) { members(first: 1) { totalCount } } }`;
// The size axis compares one organization of 10 members with a large one: the same rows on each
// side (a page of 5, the MEMBER role, searches whose answers fill the page at both sizes — or
// hold the one member a prefix names), so that what differs is the size of the organization, not
// the size of the answer. The people are `largeMember`s: half have a first name beginning "Al",
// everyone's address is at <label>.example, and e0000005 is one person.
const AXIS_PAGE = `query Members($id: ID!) { organization(id: $id) { id name members(first: 5) {
  totalCount edges { cursor node { id role createdAt user { id email displayName } } } pageInfo { hasNextPage endCursor } } } }`;
const AXIS_ROLE = `query Role($id: ID!) { organization(id: $id) { members(first: 5, role: MEMBER) {
  totalCount nodes { id role user { email displayName } } pageInfo { hasNextPage endCursor } } } }`;
const AXIS_SEARCH = `query Search($id: ID!, $q: String!) { organization(id: $id) { members(first: 5, query: $q) {
  nodes { id role user { email displayName } } pageInfo { hasNextPage endCursor } } } }`;
const AXIS_SEARCH_COUNTED = `query Search($id: ID!, $q: String!) { organization(id: $id) { members(first: 5, query: $q) {
  totalCount totalCountIsLowerBound nodes { id role user { email displayName } } } } }`;
/** The searches of the size axis, each with a goal, and one more measured for what it costs. */
const AXIS_SEARCHES = (label: string) => [
  { name: 'axis: search, one word', q: label, counted: false },
  { name: 'axis: search, two words', q: `al ${label}`, counted: false },
  { name: 'axis: search, 1 member', q: 'e0000005', counted: false },
  { name: 'axis: search, 50 %', q: 'al', counted: false },
  { name: 'axis: search, 50 %, with totalCount', q: 'al', counted: true },
];
const ME_TREE = `{ me { id organizations(first: 10) { nodes { id name viewerRole workspaces { id name domains { id hostname
  members(first: 10) { totalCount nodes { role user { email } } } } } } } } }`;
const WORKSPACE = `query Workspace($id: ID!) { workspace(id: $id) { id name viewerPermissions domains { id hostname }
  members(first: 50) { totalCount nodes { role user { email displayName } } } } }`;
const ENTITIES = `query Entities($r: [_Any!]!) { _entities(representations: $r) { ... on Domain { id hostname workspace { id name } } } }`;

const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

async function acceptFlow(server: Server, org: BenchOrganization, adminToken: string, db: DataSource) {
  const latencies: number[] = [];
  const deadline = Date.now() + DURATION * 1000;
  let n = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      const email = `invitee-${process.pid}-${n++}-${Math.random().toString(36).slice(2)}@bench.example`;
      const started = performance.now();
      const invited = await post(server.url, {
        name: 'invite',
        token: adminToken,
        body: body(
          'mutation($e: String!, $o: ID!) { inviteMember(input: { scope: { organizationId: $o }, email: $e }) { id } }',
          {
            e: email,
            o: org.organizationId,
          },
        ),
      });
      const [row] = await db.query('SELECT text_body FROM outbox_emails WHERE invitation_id = ?', [
        invited.inviteMember.id,
      ]);
      const token = /token=([A-Za-z0-9_-]+)/.exec(row.text_body)![1];
      const invitee = await signDevelopmentToken(SECRET, { sub: `bench|${email}`, email, name: 'Invitee' });
      await post(server.url, {
        name: 'accept',
        token: invitee,
        body: body('mutation($t: String!) { acceptInvitation(input: { token: $t }) { id } }', { t: token }),
      });
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  latencies.sort((a, b) => a - b);
  const stats = await server.stats();
  return {
    query: 'invite + accept flow',
    size: org.size,
    server: 'membership',
    requestsPerSecond: Math.round(latencies.length / DURATION),
    p50Ms: Math.round(latencies[Math.floor(latencies.length * 0.5)]),
    p99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)]),
    statementsPerRequest: NaN,
    peakRssMb: Math.round(stats.maxRssBytes / 1e6),
    errors: 0,
  } satisfies Measurement;
}

async function databaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
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

interface Goal {
  goal: string;
  value: string | number;
  pass: boolean;
}

/** Prints the table and the goals, and writes bench/results/latest-<database>[-<scenario>].json. */
function writeResults(version: string, results: Measurement[], goals: Goal[]): void {
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
  const dir = resolve(__dirname, '../../bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `latest-${useSqlite ? 'sqlite' : 'mariadb'}${only ? `-${only}` : ''}.json`);
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

/** The bench's own server settings: production mode on the throwaway database. */
const serverEnv = (url: string) => ({
  NODE_ENV: 'production',
  DATABASE_URL: url,
  AUTH_JWT_SECRET: SECRET,
  INVITATIONS_PER_HOUR: '1000000000',
});

function machineOf(database: string): Record<string, string | number> {
  return {
    cpu: cpus()[0]?.model ?? '',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1e9),
    os: `${osType()} ${release()}`,
    node: process.version,
    database,
  };
}

const RESULTS = resolve(__dirname, '../../bench/results');

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

async function databaseVersion(db: DataSource): Promise<string> {
  return useSqlite ? 'SQLite (better-sqlite3)' : String((await db.query('SELECT VERSION() AS v'))[0].v);
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

/**
 * The size axis's two organizations (10 and MILLION members, three workspaces of two domains each):
 * found in the database when an earlier run kept them (BENCH_DATABASE), written otherwise.
 */
async function flatOrganizations(db: DataSource): Promise<BenchOrganization[]> {
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
async function decisionOperations(org: BenchOrganization): Promise<Operation[]> {
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
async function measureDecisions(
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
function decisionGoals(results: Measurement[], axis: BenchOrganization[]): Goal[] {
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

async function main(): Promise<void> {
  if (only === 'noisy-neighbour') return onlyNoisyNeighbour();
  const target = await databaseUrl();
  const results: Measurement[] = [];
  const servers: Server[] = [];
  try {
    const db = await openDatabase(target.url);
    const version = await databaseVersion(db);
    const env = serverEnv(target.url);
    if (only === 'decisions') {
      const axis = await flatOrganizations(db);
      const results = await measureDecisions(env, axis, servers);
      await db.destroy();
      writeResults(version, results, decisionGoals(results, axis));
      return;
    }

    process.stdout.write(`Seeding ${SIZES.join(', ')}-member organizations on ${useSqlite ? 'SQLite' : 'MariaDB'}…\n`);
    const orgs: BenchOrganization[] = [];
    for (const size of SIZES) orgs.push(await seedOrganization(db, size, `s${size}`));
    const membership = await startProcess('server.js', env, 4101, 4201);
    servers.push(membership);
    await membership.stats(true);

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
    const axis: BenchOrganization[] = [];
    const loopStall = (await membership.stats()).eventLoopMaxMs;

    // The fair ceiling, "bare Apollo + SQL": a bare server that sends exactly the statements the
    // membership server sends for the same request (captured now, from a probe request, so the
    // ceiling follows our SQL as it changes). Measured alternately with the membership server,
    // three times each, the median kept: the machine is noisy.
    for (const org of [orgs[0], large]) {
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
          DATABASE_URL: target.url,
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
    // One organization's burst beside another's reads, before the bulk seed below leaves MariaDB busy.
    await noisyNeighbour(target.url, db, version, servers);

    // The size axis: the members lists of a 10-member and a large organization (members only,
    // written through the one writer in batches as `npm run seed:large` does), page, filtered
    // page, searches and count. BENCH_MILLION sets the large size (default 1 000 000); 0 skips it.
    if (MILLION > 0) {
      // Last, on a fresh server: a bulk seed leaves MariaDB busy (purge, flushing) for a while,
      // which would weigh on whatever was measured next.
      const sized = await startProcess('server.js', env, 4104, 4204);
      servers.push(sized);
      axis.push(...(await flatOrganizations(db)));
      // Then measure each query at both sizes in turn, twice, keeping each size's better run —
      // so that what differs between the two figures is the size, not the moment.
      const opsOf = async (org: (typeof axis)[number]) => {
        const admin = largeMember(`flat${org.size}`, 0);
        const token = await signDevelopmentToken(SECRET, { sub: admin.sub, email: admin.email, name: admin.name });
        const id = org.organizationId;
        return [
          { name: 'axis: members page', token, body: body(AXIS_PAGE, { id }) },
          { name: 'axis: role filter', token, body: body(AXIS_ROLE, { id }) },
          ...AXIS_SEARCHES(`flat${org.size}`).map((search) => ({
            name: search.name,
            token,
            body: body(search.counted ? AXIS_SEARCH_COUNTED : AXIS_SEARCH, { id, q: search.q }),
          })),
          { name: 'axis: totalCount', token, body: body(MEMBER_COUNT, { id }) },
        ];
      };
      const opsBySize = await Promise.all(axis.map(opsOf));
      for (let i = 0; i < opsBySize[0].length; i++) {
        const best = new Map<number, Measurement>();
        for (let round = 0; round < 2; round++) {
          for (const [j, org] of axis.entries()) {
            const result = await measure(sized, opsBySize[j][i], org.size, 'membership');
            const held = best.get(org.size);
            if (!held || result.requestsPerSecond > held.requestsPerSecond) best.set(org.size, result);
          }
        }
        for (const org of axis) {
          const result = best.get(org.size)!;
          results.push(result);
          process.stdout.write(`  ${result.query} @ ${org.size}: ${result.requestsPerSecond} req/s (better of 2)\n`);
        }
      }
      await sized.stop();
      servers.pop();
      // The supergraph's decisions on the same two organizations.
      results.push(...(await measureDecisions(env, axis, servers)));
    }
    await db.destroy();

    const find = (query: string, server = 'membership', size = large.size) =>
      results.find((r) => r.query === query && r.server === server && r.size === size)!;
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    const goals = [
      ...SIZES.map((size) => ({
        goal: `me tree SQL/req ≤ 8 (${size})`,
        value: find('me tree', 'membership', size).statementsPerRequest,
        pass: find('me tree', 'membership', size).statementsPerRequest <= 8,
      })),
      ...SIZES.map((size) => ({
        goal: `members page SQL/req ≤ 4 (${size})`,
        value: find('members page', 'membership', size).statementsPerRequest,
        pass: find('members page', 'membership', size).statementsPerRequest <= 4,
      })),
      ...SIZES.map((size) => ({
        goal: `_entities ×100 SQL/req ≤ 2 per type (+ viewer) (${size})`,
        value: find('_entities ×100', 'membership', size).statementsPerRequest,
        pass: find('_entities ×100', 'membership', size).statementsPerRequest <= 3,
      })),
      ...['members page', 'me tree'].map((query) => {
        const overhead = 1 - find(query).requestsPerSecond / find(query, 'no permissions').requestsPerSecond;
        return {
          goal: `permission overhead ≤ 10 % (${query})`,
          value: `${Math.round(overhead * 100)} %`,
          pass: overhead <= 0.1,
        };
      }),
      (() => {
        const overhead =
          1 - find('members page').requestsPerSecond / find('members page', 'no inline trace').requestsPerSecond;
        return {
          goal: 'federated-trace plugin costs ≤ 10 % when not asked (members page)',
          value: `${Math.round(overhead * 100)} %`,
          pass: overhead <= 0.1,
        };
      })(),
      ...[SIZES[0], large.size].flatMap((size) =>
        ['members page', 'me tree'].map((query) => {
          const r = ratio(
            find(query, 'membership', size).requestsPerSecond,
            find(query, 'bare Apollo', size).requestsPerSecond,
          );
          return { goal: `${query} ≥ 0.5× bare Apollo (${size})`, value: `${r}×`, pass: r >= 0.5 };
        }),
      ),
      ...[SIZES[0], large.size].flatMap((size) =>
        ['members page', 'me tree'].map((query) => {
          const r = ratio(
            find(query, 'membership, alternating', size).requestsPerSecond,
            find(query, 'bare Apollo + SQL', size).requestsPerSecond,
          );
          return { goal: `${query} ≥ 0.8× bare Apollo + SQL (${size})`, value: `${r}×`, pass: r >= 0.8 };
        }),
      ),
      ...[SIZES[0], large.size].map((size) => {
        const n = find('members page', 'membership', size).statementsPerRequest;
        return { goal: `members page in 1 round trip (${size})`, value: `${n} statements`, pass: n <= 1 };
      }),
      ...[SIZES[0], large.size].map((size) => {
        const n = find('me tree', 'membership', size).statementsPerRequest;
        return { goal: `me tree in ≤ 3 round trips (${size})`, value: `${n} statements`, pass: n <= 3 };
      }),
      (() => {
        const r = ratio(find('members page 100').p50Ms || 1, find('members page').p50Ms || 1);
        const t = ratio(find('members page').requestsPerSecond, find('members page 100').requestsPerSecond);
        return { goal: 'page 100 costs ≤ 1.5× page 1', value: `${t}× (throughput), ${r}× (p50)`, pass: t <= 1.5 };
      })(),
      { goal: 'no event-loop stall > 50 ms', value: `${Math.round(loopStall)} ms`, pass: loopStall <= 50 },
      ...(axis.length === 2
        ? [
            ...['axis: members page', 'axis: role filter', 'axis: totalCount'].map((query) => [query, 1.5] as const),
            ...AXIS_SEARCHES('').flatMap((search) => (search.counted ? [] : [[search.name, 2] as const])),
          ].map(([query, bound]) => {
            const small = find(query, 'membership', axis[0].size);
            const big = find(query, 'membership', axis[1].size);
            const cost = ratio(small.requestsPerSecond, big.requestsPerSecond);
            return {
              goal: `${query.slice(6)} at ${axis[1].size} members ≤ ${bound}× its cost at ${axis[0].size}, same SQL`,
              value: `${cost}×, ${big.statementsPerRequest} vs ${small.statementsPerRequest} statements`,
              pass: cost <= bound && big.statementsPerRequest === small.statementsPerRequest,
            };
          })
        : []),
    ];

    writeResults(version, results, [...goals, ...decisionGoals(results, axis)]);
  } finally {
    for (const server of servers) await server.stop().catch(() => undefined);
    await target.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
