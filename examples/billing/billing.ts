import { createHash } from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/**
 * An example third subgraph, "billing": invoices per workspace, with no authorization code of its
 * own. `Query.invoices` carries Federation's `@policy`, which the gateway decides by asking the
 * membership subgraph (docs/authorization.md); `Workspace.invoices` is decided here per workspace
 * from the `viewerPermissionKeys` the gateway fetches from membership with the caller's token.
 * The invoices are made up on the spot, two for each workspace id asked about.
 */
export const billingTypeDefs = parse(`
  extend schema
    @link(
      url: "https://specs.apollo.dev/federation/v2.7"
      import: ["@key", "@external", "@requires", "@policy"]
    )

  type Invoice {
    id: ID!
    number: String!
    totalCents: Int!
    currency: String!
    workspace: Workspace!
  }

  type Workspace @key(fields: "id") {
    id: ID!
    viewerPermissionKeys: [String!]! @external
    "The workspace's invoices where the caller holds invoices:read, else none."
    invoices: [Invoice!]! @requires(fields: "viewerPermissionKeys")
  }

  type Query {
    "The invoices of the workspace $workspaceId names: the caller must hold invoices:read there."
    invoices(workspaceId: ID!): [Invoice!]! @policy(policies: [["invoices:read@workspaceId"]])
  }
`);

export interface InvoiceRecord {
  id: string;
  number: string;
  totalCents: number;
  currency: string;
  workspaceId: string;
}

/** The two invoices of a workspace: the same ones for the same id, whoever asks and whenever. */
export function invoicesOf(workspaceId: string): InvoiceRecord[] {
  return [1, 2].map((n) => {
    const digest = createHash('sha256').update(`${workspaceId}/${n}`).digest();
    return {
      id: `inv-${digest.toString('hex', 0, 8)}`,
      number: `INV-${n}`,
      totalCents: 1000 + (digest.readUInt16BE(8) % 90_000),
      currency: 'EUR',
      workspaceId,
    };
  });
}

const asInvoice = (invoice: InvoiceRecord) => ({ ...invoice, workspace: { id: invoice.workspaceId } });

export function billingSchema() {
  return buildSubgraphSchema({
    typeDefs: billingTypeDefs,
    resolvers: {
      Query: {
        invoices: (_: unknown, args: { workspaceId: string }) => invoicesOf(args.workspaceId).map(asInvoice),
      },
      Workspace: {
        __resolveReference: (ref: { id: string; viewerPermissionKeys?: string[] }) => ref,
        invoices: (workspace: { id: string; viewerPermissionKeys?: string[] }) =>
          workspace.viewerPermissionKeys?.includes('invoices:read') ? invoicesOf(workspace.id).map(asInvoice) : [],
      },
    },
  });
}
