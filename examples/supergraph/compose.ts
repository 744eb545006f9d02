import { composeServices } from '@apollo/composition';
import { type DocumentNode, parse } from 'graphql';
import { sitesTypeDefs } from '../sites/sites';
import { printSubgraphSchemaFile } from '../../src/graphql/schema-file';

export interface SubgraphUrls {
  membership: string;
  sites: string;
}

/** A subgraph beside this one: its name, routing URL and SDL. */
export interface OtherSubgraph {
  name: string;
  url: string;
  typeDefs: DocumentNode;
}

/**
 * Composes the membership subgraph with the example `sites` subgraph (@apollo/composition, the
 * same composition Apollo Router's supergraphs come from). Throws with every composition error.
 */
export function composeSupergraph(urls: SubgraphUrls): Promise<string> {
  return composeWithMembership(urls.membership, [{ name: 'sites', url: urls.sites, typeDefs: sitesTypeDefs }]);
}

/** Composes the membership subgraph, routed at `membershipUrl`, with any others. */
export async function composeWithMembership(membershipUrl: string, others: OtherSubgraph[]): Promise<string> {
  const result = composeServices([
    { name: 'membership', url: membershipUrl, typeDefs: parse(await printSubgraphSchemaFile()) },
    ...others,
  ]);
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  return result.supergraphSdl;
}

/** Where the local development servers listen: the routing URLs of the tracked supergraph file. */
export const LOCAL_SUBGRAPH_URLS: SubgraphUrls = {
  membership: 'http://localhost:4001/graphql',
  sites: 'http://localhost:4002/',
};

/** The routing URLs from MEMBERSHIP_URL and SITES_URL, each defaulting to the local server. */
export function subgraphUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): SubgraphUrls {
  return {
    membership: env.MEMBERSHIP_URL || LOCAL_SUBGRAPH_URLS.membership,
    sites: env.SITES_URL || LOCAL_SUBGRAPH_URLS.sites,
  };
}
