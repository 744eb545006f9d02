import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { findBreakingChanges, parse } from 'graphql';
import { buildMembershipSchema } from '../../src/schema';
import { printSubgraphSchemaFile } from '../../src/schema-file';
import { composeSupergraph } from '../../src/supergraph';

const ROOT = resolve(__dirname, '../..');
const CONTRACT = resolve(ROOT, '../shared/contract.graphql');

describe('schema', () => {
  it('schema/schema.graphql is what the code builds (run `npm run schema:emit` after changing the schema)', async () => {
    const committed = readFileSync(resolve(ROOT, 'schema/schema.graphql'), 'utf8');
    expect(committed).toBe(await printSubgraphSchemaFile());
  });

  it('schema/supergraph.graphql is the current composition with the example subgraph (`npm run supergraph`)', async () => {
    const committed = readFileSync(resolve(ROOT, 'schema/supergraph.graphql'), 'utf8');
    expect(committed).toBe(
      await composeSupergraph({ membership: 'http://localhost:4001/graphql', sites: 'http://localhost:4002/' }),
    );
  });

  it('makes no breaking change against the whole contract', async () => {
    const contract = buildSubgraphSchema({ typeDefs: parse(readFileSync(CONTRACT, 'utf8')) });
    const ours = await buildMembershipSchema();
    expect(findBreakingChanges(contract, ours)).toEqual([]);
  });

  it('declares the four entities with @key(fields: "id") and links federation v2.7', async () => {
    const sdl = await printSubgraphSchemaFile();
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7"');
    for (const type of ['User', 'Organization', 'Workspace', 'Domain']) {
      expect(sdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "id"\\)`));
    }
  });
});
