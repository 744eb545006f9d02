import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { sitesSchema } from './sites';

/**
 * `npm run sites`: the example subgraph on SITES_PORT (4002; PORT is this service's own), on HOST
 * (127.0.0.1), with no sites.
 */
async function main(): Promise<void> {
  const server = new ApolloServer({ schema: sitesSchema([]), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const port = Number(process.env.SITES_PORT || 4002);
  const { url } = await startStandaloneServer(server, { listen: { port, host: process.env.HOST || '127.0.0.1' } });
  process.stdout.write(`sites subgraph ready at ${url}\n`);
}

void main();
