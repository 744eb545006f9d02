import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'graphql';
import { EXAMPLE_OPERATION } from '../../src/http/landing-page';
import { DEFAULT_QUERY_LIMITS, operationCost } from '../../src/graphql/query-limits';
import { buildMembershipSchema } from '../../src/graphql/schema';

/** The cost of docs/domain-rules.md §9, and the operations we ship staying within every limit. */
describe('query cost', () => {
  it('counts objects 2, scalars 1, and multiplies connections by first (default 50)', async () => {
    const schema = await buildMembershipSchema();
    const cost = (query: string, variables = {}) => operationCost(schema, parse(query), variables);
    expect(cost('{ me { id email } }')).toBe(2 + 1 + 1);
    // organizations (2) + 3 × [nodes (2) + id (1)]
    expect(cost('{ me { organizations(first: 3) { nodes { id } } } }')).toBe(2 + 2 + 3 * (2 + 1));
    expect(cost('{ me { organizations { totalCount } } }')).toBe(2 + 2 + 50 * 1);
    expect(cost('query($n: Int) { me { organizations(first: $n) { totalCount } } }', { n: 7 })).toBe(2 + 2 + 7);
  });

  it('keeps the Sandbox example and the client sample within the default limits', async () => {
    const schema = await buildMembershipSchema();
    const documents = [
      EXAMPLE_OPERATION,
      readFileSync(resolve(__dirname, '../../examples/client/operations.graphql'), 'utf8'),
    ];
    for (const text of documents) {
      const document = parse(text, { maxTokens: DEFAULT_QUERY_LIMITS.maxTokens });
      for (const definition of document.definitions) {
        if (definition.kind !== 'OperationDefinition') continue;
        const variables = {
          id: 'x',
          token: 'x',
          memberId: 'x',
          role: 'MEMBER',
          input:
            definition.name?.value === 'ClientInviteMany'
              ? { scope: { organizationId: 'x' }, invitations: [{ email: 'x@example.test' }] }
              : { scope: { organizationId: 'x' }, email: 'x@example.test' },
        };
        const cost = operationCost(schema, document, variables, definition.name?.value);
        expect({ operation: definition.name?.value, withinLimit: cost <= DEFAULT_QUERY_LIMITS.maxCost }).toEqual({
          operation: definition.name?.value,
          withinLimit: true,
        });
      }
    }
  });
});
