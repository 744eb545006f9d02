import { existsSync, readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { loadConfig } from '../../src/config/config';
import { demoSitesFile } from '../../src/dev/demo-people';
import { type SiteRecord, sitesSchema } from './sites';

/**
 * `npm run sites`: the example subgraph on SITES_PORT (4002; PORT is this service's own), on HOST
 * (127.0.0.1), publishing the sites of SITES_FILE — by default the ones `npm run seed` wrote for
 * the demo domains of the same DATABASE_URL, so that `Domain.site` is not null through the gateway.
 */
async function main(): Promise<void> {
  const file = process.env.SITES_FILE || demoSitesFile(loadConfig().databaseUrl);
  const sites: SiteRecord[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  const server = new ApolloServer({ schema: sitesSchema(sites), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const port = Number(process.env.SITES_PORT || 4002);
  const { url } = await startStandaloneServer(server, { listen: { port, host: process.env.HOST || '127.0.0.1' } });
  process.stdout.write(
    `sites subgraph ready at ${url} with ${sites.length} sites` +
      (sites.length === 0 ? ` (run npm run seed to publish the demo domains' in ${file})` : ` from ${file}`) +
      '\n',
  );
}

void main();
