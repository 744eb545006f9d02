import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { sitesTypeDefs } from '../examples/sites/sites';
import { printSubgraphSchemaFile } from './schema-file';

export interface SubgraphUrls {
  membership: string;
  sites: string;
}

/**
 * Composes the membership subgraph with the example `sites` subgraph (@apollo/composition, the
 * same composition Apollo Router's supergraphs come from). Throws with every composition error.
 */
export async function composeSupergraph(urls: SubgraphUrls): Promise<string> {
  const result = composeServices([
    { name: 'membership', url: urls.membership, typeDefs: parse(await printSubgraphSchemaFile()) },
    { name: 'sites', url: urls.sites, typeDefs: sitesTypeDefs },
  ]);
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  return result.supergraphSdl;
}
