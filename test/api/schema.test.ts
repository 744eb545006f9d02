import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printSubgraphSchemaFile } from '../../src/graphql/schema-file';
import { composeSupergraph, LOCAL_SUBGRAPH_URLS } from '../../examples/supergraph/compose';

const ROOT = resolve(__dirname, '../..');

describe('schema', () => {
  it('schema/schema.graphql is what the code builds (run `npm run schema:emit` after changing the schema)', async () => {
    const committed = readFileSync(resolve(ROOT, 'schema/schema.graphql'), 'utf8');
    expect(committed).toBe(await printSubgraphSchemaFile());
  });

  it('schema/supergraph.graphql is the current composition with the example subgraph (`npm run supergraph`)', async () => {
    const committed = readFileSync(resolve(ROOT, 'schema/supergraph.graphql'), 'utf8');
    expect(committed).toBe(await composeSupergraph(LOCAL_SUBGRAPH_URLS));
  });

  it('declares the four entities with @key(fields: "id") and links federation v2.7', async () => {
    const sdl = await printSubgraphSchemaFile();
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7"');
    for (const type of ['User', 'Organization', 'Workspace', 'Domain']) {
      expect(sdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "id"\\)`));
    }
  });
});
