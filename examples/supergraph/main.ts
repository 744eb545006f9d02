import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { composeSupergraph, LOCAL_SUBGRAPH_URLS, subgraphUrlsFromEnv } from './compose';

/**
 * `npm run supergraph [-- --out FILE]`: composes this subgraph with the example `sites` subgraph
 * for Apollo Router or `npm run gateway`. Routing URLs come from MEMBERSHIP_URL and SITES_URL.
 * The tracked schema/supergraph.graphql holds the composition for the local servers (a test
 * checks it); with other URLs the output goes to --out, by default data/supergraph.graphql, so
 * that regenerating for a deployment never changes a tracked file.
 */
function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const urls = subgraphUrlsFromEnv();
  const local = urls.membership === LOCAL_SUBGRAPH_URLS.membership && urls.sites === LOCAL_SUBGRAPH_URLS.sites;
  const out = resolve(values.out ?? (local ? 'schema/supergraph.graphql' : 'data/supergraph.graphql'));
  return composeSupergraph(urls).then((sdl) => {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, sdl);
    process.stdout.write(`wrote ${out} (membership: ${urls.membership}, sites: ${urls.sites})\n`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
