import { printSubgraphSchema } from '@apollo/subgraph';
import { buildMembershipSchema } from './schema';

const HEADER =
  '# The membership subgraph SDL, emitted from the code by `npm run schema:emit`. Do not edit by hand.\n\n';

/** The text of schema/schema.graphql: the subgraph SDL with its federation directives. */
export async function printSubgraphSchemaFile(): Promise<string> {
  return `${HEADER}${printSubgraphSchema(await buildMembershipSchema())}`;
}
