import { type GraphQLObjectType, type GraphQLSchema } from 'graphql';

type SchemaModule = { buildSchemaWithoutPermissionsForBenchmark(): Promise<GraphQLSchema> };

/**
 * Field resolvers are called directly (src/graphql/direct-resolvers.ts), from type-graphql's metadata,
 * which lives in one store for the process. A process that loads the classes twice — a test runner
 * giving each file fresh modules — registers every type twice: each schema must still resolve its
 * fields (a first version took the older classes' `Domain.members` for a plain property and left it
 * without a resolver: null in the browser tests).
 */
describe('direct resolvers', () => {
  it('keep every field resolver when the classes are loaded twice in one process', async () => {
    const schemas: Promise<GraphQLSchema>[] = [];
    for (let i = 0; i < 2; i++) {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const module = require('../../src/graphql/schema') as SchemaModule;
        schemas.push(module.buildSchemaWithoutPermissionsForBenchmark());
      });
    }
    for (const schema of await Promise.all(schemas)) {
      const fields = (name: string) => (schema.getType(name) as GraphQLObjectType).getFields();
      for (const [type, field] of [
        ['Domain', 'members'],
        ['Workspace', 'domains'],
        ['Organization', 'workspaces'],
        ['Member', 'user'],
        ['EmailDomain', 'verified'],
      ]) {
        expect([type, field, typeof fields(type)[field].resolve]).toEqual([type, field, 'function']);
      }
      // A plain property is read by GraphQL's default resolver.
      expect(fields('Domain').hostname.resolve).toBeUndefined();
    }
  });
});
