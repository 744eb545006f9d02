import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { composeSupergraph } from '../supergraph';

/**
 * `npm run supergraph`: writes schema/supergraph.graphql for Apollo Router. Routing URLs come from
 * MEMBERSHIP_URL and SITES_URL (defaults: the two local development servers).
 */
async function main(): Promise<void> {
  const sdl = await composeSupergraph({
    membership: process.env.MEMBERSHIP_URL ?? 'http://localhost:4001/graphql',
    sites: process.env.SITES_URL ?? 'http://localhost:4002/',
  });
  const path = resolve(process.cwd(), 'schema/supergraph.graphql');
  writeFileSync(path, sdl);
  process.stdout.write(`wrote ${path}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
