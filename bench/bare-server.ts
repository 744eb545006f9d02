import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The ceiling of this stack: a bare Apollo Server 5 with plain graphql-js resolvers serving the
 * same members page from memory (no database, no type-graphql, no permissions, no loaders).
 */
const typeDefs = `#graphql
  enum Role { ADMIN ACCOUNTING MEMBER }
  type User { id: ID! email: String! displayName: String }
  type Member { id: ID! role: Role! createdAt: String! user: User! }
  type MemberEdge { cursor: String! node: Member! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type MemberConnection { totalCount: Int! edges: [MemberEdge!]! nodes: [Member!]! pageInfo: PageInfo! }
  type Organization { id: ID! name: String! members(first: Int = 50, after: String): MemberConnection }
  type Query { organization(id: ID!): Organization }
`;

const size = Number(process.env.BARE_MEMBERS ?? 10_000);
const members = Array.from({ length: size }, (_, i) => ({
  id: `member-${i}`,
  role: i === 0 ? 'ADMIN' : 'MEMBER',
  createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  user: { id: `user-${i}`, email: `m${i}@bench.example`, displayName: `Member ${i}` },
}));

const resolvers = {
  Query: { organization: (_: unknown, args: { id: string }) => ({ id: args.id, name: 'Bench' }) },
  Organization: {
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

async function main(): Promise<void> {
  const server = new ApolloServer({
    typeDefs,
    resolvers,
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled()],
  });
  await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: '127.0.0.1' } });
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
        }),
      );
    })
    .listen(Number(process.env.STATS_PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
  process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}

void main();
