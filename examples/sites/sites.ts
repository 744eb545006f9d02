import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/**
 * An example second subgraph, "sites": the websites published on domains. It adds `site` to the
 * membership subgraph's `Domain` and points at `Organization` by key, so that one query through
 * a gateway crosses both. Kept small on purpose: it shows the shape, not a product.
 */
export const sitesTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Site {
    id: ID!
    title: String!
    "Resolved by the membership subgraph: null where the caller may not see it."
    domain: Domain
    owner: Organization
  }

  type Domain @key(fields: "id") {
    id: ID!
    site: Site
  }

  type Organization @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Query {
    sites: [Site!]!
  }
`);

export interface SiteRecord {
  id: string;
  title: string;
  domainId: string;
  organizationId: string;
}

export function sitesSchema(sites: SiteRecord[]) {
  const asSite = (s: SiteRecord) => ({ ...s, domain: { id: s.domainId }, owner: { id: s.organizationId } });
  return buildSubgraphSchema({
    typeDefs: sitesTypeDefs,
    resolvers: {
      Query: { sites: () => sites.map(asSite) },
      Domain: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        site: (domain: { id: string }) => {
          const site = sites.find((s) => s.domainId === domain.id);
          return site ? asSite(site) : null;
        },
      },
    },
  });
}
