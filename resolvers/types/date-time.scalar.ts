import { GraphQLScalarType, Kind } from 'graphql';
import { BadUserInputError } from '../../src/domain/errors';

/** An instant as an ISO-8601 string in UTC (the contract's `DateTime`). */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant in time, as an ISO-8601 string in UTC, e.g. 2026-11-28T09:30:00.000Z.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue(value) {
    const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(date.getTime())) throw new BadUserInputError('DateTime must be an ISO-8601 string.');
    return date;
  },
  parseLiteral(ast) {
    const date = ast.kind === Kind.STRING ? new Date(ast.value) : new Date(NaN);
    if (Number.isNaN(date.getTime())) throw new BadUserInputError('DateTime must be an ISO-8601 string.');
    return date;
  },
});
