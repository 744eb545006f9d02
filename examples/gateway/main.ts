import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { startStandaloneServer } from '@apollo/server/standalone';
import { loadConfig } from '../../src/config/config';
import { sandboxDefaults } from '../../src/http/landing-page';
import { composeSupergraph, subgraphUrlsFromEnv } from '../supergraph/compose';
import { createGateway } from './gateway';

/**
 * `npm run gateway`: the supergraph served locally, for development. It composes this subgraph
 * with `sites` at start-up (MEMBERSHIP_URL, SITES_URL), or serves SUPERGRAPH_PATH when given, on
 * GATEWAY_PORT (4000). Start `npm start` and `npm run sites` first.
 */
/** One query that crosses both subgraphs: sites (sites) on the demo domains and their organization (membership). */
export const JOINED_QUERY = `query DemoSites {
  sites {
    title
    domain {
      hostname
      workspace {
        name
      }
      members(first: 5) {
        totalCount
      }
    }
    owner {
      name
    }
  }
}
`;

async function main(): Promise<void> {
  const supergraphSdl = process.env.SUPERGRAPH_PATH
    ? readFileSync(process.env.SUPERGRAPH_PATH, 'utf8')
    : await composeSupergraph(subgraphUrlsFromEnv());
  const { headers } = await sandboxDefaults(loadConfig());
  const server = createGateway(supergraphSdl, {
    routerSecret: process.env.ROUTER_SECRET || undefined,
    sandbox: { document: JOINED_QUERY, headers },
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.GATEWAY_PORT || 4000), host: process.env.HOST || '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  process.stdout.write(`gateway ready at ${url} (Apollo Sandbox opens there in a browser)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
