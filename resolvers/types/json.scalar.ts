import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

/** Any JSON value (the contract's `JSON`): `User.dataExport`'s document. */
export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
