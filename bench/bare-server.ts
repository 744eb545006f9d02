import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jwtVerify } from 'jose';
import { createPool } from 'mysql2/promise';

/**
 * The ceiling of this stack: a bare Apollo Server 5 with plain graphql-js resolvers serving the
 * same members page and the same organization tree from memory (no database, no type-graphql, no
 * permissions, no loaders) — behind the same check of the same HS256 bearer token, which the real
 * server cannot skip either.
 *
 * With BARE_SQL (a JSON file: for each query, the statements the membership server sent for it,
 * with their parameters, captured from a probe request) and DATABASE_URL, it is the fairer
 * ceiling "bare Apollo + SQL": each request first sends exactly those statements through a plain
 * mysql2 pool of the same size (or better-sqlite3) — all at once, the most parallel those
 * statements could run — and then answers as above. What separates the membership server from it
 * is what our layers add (type-graphql, permissions, TypeORM, loaders, context, plugins), not the
 * database's work. The answer is not built from the rows: mapping 50 rows by hand costs
 * microseconds, and leaving it out only raises the ceiling.
 *
 * With BARE_ROUTES=decisions it is the ceiling of the supergraph's decisions instead: a plain
 * node:http server answering POST /authorization/policies (Apollo Router's SupergraphRequest: the
 * HS256 token of its forwarded Authorization header checked) and POST /authorization/check (the
 * service token compared in constant time), each sending the statements captured for it (named by
 * the request's `x-bench-statements` header) and answering JSON of the same shape as ours.
 */
const typeDefs = `#graphql
  enum Role { ADMIN ACCOUNTING MEMBER }
  type User { id: ID! email: String! displayName: String organizations(first: Int = 50): OrganizationConnection }
  type Member { id: ID! role: Role! createdAt: String! user: User! }
  type MemberEdge { cursor: String! node: Member! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type MemberConnection { totalCount: Int! edges: [MemberEdge!]! nodes: [Member!]! pageInfo: PageInfo! }
  type Domain { id: ID! hostname: String! members(first: Int = 50, after: String): MemberConnection }
  type Workspace { id: ID! name: String! domains: [Domain!]! }
  type Organization {
    id: ID!
    name: String!
    viewerRole: Role
    workspaces: [Workspace!]!
    members(first: Int = 50, after: String): MemberConnection
  }
  type OrganizationConnection { nodes: [Organization!]! }
  type Query { me: User organization(id: ID!): Organization }
`;

const size = Number(process.env.BARE_MEMBERS ?? 10_000);
const members = Array.from({ length: size }, (_, i) => ({
  id: `member-${i}`,
  role: i === 0 ? 'ADMIN' : 'MEMBER',
  createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  user: { id: `user-${i}`, email: `m${i}@bench.example`, displayName: `Member ${i}` },
}));

/** The tree of the bench's dataset: 50 workspaces of 5 domains, 2 members in each domain. */
const tree = Array.from({ length: 50 }, (_, w) => ({
  id: `workspace-${w}`,
  name: `Workspace ${w}`,
  domains: Array.from({ length: 5 }, (_, d) => ({
    id: `domain-${w}-${d}`,
    hostname: `d${d}.w${w}.bench.example`,
    members: [1, 2].map((k) => members[(w * 10 + d * 2 + k) % members.length]),
  })),
}));

function pageOf(list: typeof members, args: { first: number; after?: string }) {
  const start = args.after ? Number(Buffer.from(args.after, 'base64url').toString()) + 1 : 0;
  const page = list.slice(start, start + args.first);
  const edges = page.map((node, i) => ({ cursor: Buffer.from(String(start + i)).toString('base64url'), node }));
  return {
    totalCount: list.length,
    edges,
    nodes: page,
    pageInfo: { hasNextPage: start + args.first < list.length, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

const organization = { id: 'bench', name: 'Bench', viewerRole: 'ADMIN' };

interface Captured {
  queries: string[];
  parameters: unknown[][];
}
/** The captured statements, by query ('members page', 'me tree'), and how to send one. */
const replay: {
  statements: Record<string, Captured>;
  send: (sql: string, params: unknown[]) => Promise<unknown>;
} | null = process.env.BARE_SQL ? openReplay(process.env.BARE_SQL, process.env.DATABASE_URL ?? '') : null;

function openReplay(file: string, url: string) {
  const statements = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Captured>;
  if (url.startsWith('sqlite:')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('better-sqlite3') as new (path: string) => {
      prepare(sql: string): { reader: boolean; all(...p: unknown[]): unknown; run(...p: unknown[]): unknown };
    };
    const db = new Database(url.slice('sqlite:'.length).replace(/^\/\//, ''));
    const prepared = new Map<string, ReturnType<typeof db.prepare>>();
    return {
      statements,
      send: async (sql: string, params: unknown[]) => {
        let statement = prepared.get(sql);
        if (!statement) prepared.set(sql, (statement = db.prepare(sql)));
        return statement.reader ? statement.all(...params) : statement.run(...params);
      },
    };
  }
  const pool = createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: 10, timezone: 'Z' });
  return { statements, send: async (sql: string, params: unknown[]) => (await pool.query(sql, params))[0] };
}

/** A date parameter comes back from JSON as ISO text: give the driver a Date again, as TypeORM did. */
function revive(value: unknown): unknown {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) ? new Date(value) : value;
}

/** Sends the statements the membership server sent for `query` (nothing without BARE_SQL). */
async function sendStatementsOf(query: string): Promise<void> {
  const captured = replay?.statements[query];
  if (!replay || !captured) return;
  await Promise.all(captured.queries.map((sql, i) => replay.send(sql, (captured.parameters[i] ?? []).map(revive))));
}

const resolvers = {
  Query: {
    me: async (_: unknown, _args: unknown, ctx: { sub: string }) => {
      await sendStatementsOf('me tree');
      return { id: ctx.sub, email: 'm0@bench.example' };
    },
    organization: async (_: unknown, args: { id: string }) => {
      await sendStatementsOf('members page');
      return { ...organization, id: args.id };
    },
  },
  User: { organizations: () => ({ nodes: [organization] }) },
  Domain: { members: (domain: { members: typeof members }, args: { first: number }) => pageOf(domain.members, args) },
  Organization: {
    workspaces: () => tree,
    members: (_: unknown, args: { first: number; after?: string }) => {
      const start = args.after ? Number(Buffer.from(args.after, 'base64url').toString()) + 1 : 0;
      const page = members.slice(start, start + args.first);
      const edges = page.map((node, i) => ({ cursor: Buffer.from(String(start + i)).toString('base64url'), node }));
      return {
        totalCount: members.length,
        edges,
        nodes: page,
        pageInfo: { hasNextPage: start + args.first < members.length, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },
  },
};

const APOLLO_POLICIES = 'apollo::authorization::required_policies';

/** The decisions' ceiling: no Express, no validation beyond the credentials, answers not built from rows. */
async function decisionsServer(): Promise<void> {
  const secret = new TextEncoder().encode(process.env.AUTH_JWT_SECRET ?? '');
  const digest = (token: string) => createHash('sha256').update(token).digest();
  const serviceToken = digest(process.env.AUTHZ_SERVICE_TOKENS ?? '');
  const answer = async (req: http.IncomingMessage, body: any): Promise<unknown> => {
    const captured = String(req.headers['x-bench-statements'] ?? '');
    // A ceiling that sent nothing would be no ceiling: a request naming no captured statements fails.
    if (!replay?.statements[captured]) throw new Error(`no statements captured for "${captured}"`);
    if (req.url === '/authorization/policies') {
      const token = /^Bearer (.+)$/.exec(body.headers?.authorization?.[0] ?? '')?.[1];
      if (!token) throw new Error('no bearer token');
      await jwtVerify(token, secret, { algorithms: ['HS256'] });
      await sendStatementsOf(captured);
      const entries = body.context.entries;
      const decisions = Object.fromEntries(Object.keys(entries[APOLLO_POLICIES]).map((name) => [name, true]));
      return { ...body, context: { ...body.context, entries: { ...entries, [APOLLO_POLICIES]: decisions } } };
    }
    if (req.url === '/authorization/check') {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(token), serviceToken)) throw new Error('not a service token');
      await sendStatementsOf(captured);
      return { results: body.checks.map(() => ({ allowed: true, role: 'MEMBER', customRole: null })) };
    }
    throw new Error(`no route ${req.url}`);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      answer(req, JSON.parse(Buffer.concat(chunks).toString('utf8')))
        .then((json) => {
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.end(JSON.stringify(json));
        })
        .catch((error: unknown) => {
          res.statusCode = 400;
          res.end(JSON.stringify({ errors: [{ message: String(error) }] }));
        });
    });
  });
  await new Promise<void>((ready) => server.listen(Number(process.env.PORT), '127.0.0.1', ready));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  statsServer();
}

/** The stats endpoint on STATS_PORT (no statements counted here), and "ready" on stdout. */
function statsServer(): void {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  http
    .createServer((req, res) => {
      if (req.url === '/reset') loop.reset();
      res.end(
        JSON.stringify({
          statements: 0,
          maxRssBytes: process.resourceUsage().maxRSS * 1024,
          eventLoopMaxMs: loop.max / 1e6,
          cpuMs: ((usage) => (usage.user + usage.system) / 1000)(process.cpuUsage()),
        }),
      );
    })
    .listen(Number(process.env.STATS_PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
}

async function main(): Promise<void> {
  if (process.env.BARE_ROUTES === 'decisions') return decisionsServer();
  const server = new ApolloServer({
    typeDefs,
    resolvers,
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled()],
  });
  const secret = new TextEncoder().encode(process.env.AUTH_JWT_SECRET ?? '');
  await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
    // The same check the membership server makes: an HS256 token with the shared secret.
    context: async ({ req }) => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token) throw new Error('no bearer token');
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
      return { sub: String(payload.sub) };
    },
  });
  statsServer();
  process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}

void main();
