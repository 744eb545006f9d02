import { GraphQLError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from '../../src/db/availability';
import { ServiceUnavailableError } from '../../src/domain/errors';

/** The shapes mysql2 and better-sqlite3 give their errors (code, errno, fatal), as the drivers set them. */
function driverError(fields: Record<string, unknown>, message = 'driver error'): Error {
  return Object.assign(new Error(message), fields);
}

describe('which errors mean "the database cannot serve right now" (docs/domain-rules.md §17)', () => {
  it.each([
    ['a refused connection', driverError({ code: 'ECONNREFUSED', errno: -111, fatal: true })],
    ['a connection lost mid-query', driverError({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true })],
    ['a connect timeout', driverError({ code: 'ETIMEDOUT', fatal: true })],
    ['too many connections', driverError({ code: 'ER_CON_COUNT_ERROR', errno: 1040 })],
    [
      'a Galera node outside the primary component',
      driverError({ code: 'ER_UNKNOWN_COM_ERROR', errno: 1047 }, 'WSREP has not yet prepared node for application use'),
    ],
    ['a full pool queue', new Error('Queue limit reached.')],
    [
      'a certification conflict still there after the writer’s retries',
      driverError({ code: 'ER_LOCK_DEADLOCK', errno: 1213 }),
    ],
    ['an SQLite I/O error', driverError({ code: 'SQLITE_IOERR_WRITE' })],
    ['an SQLite lock held elsewhere', driverError({ code: 'SQLITE_BUSY' })],
    ['a full disk under SQLite', driverError({ code: 'SQLITE_FULL' })],
  ])('%s is an outage, also wrapped by TypeORM and by graphql-js', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    const wrapped = new QueryFailedError('SELECT 1', [], error);
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(isDatabaseUnavailable(new GraphQLError('located', { originalError: wrapped }))).toBe(true);
  });

  it.each([
    ['a duplicate key', driverError({ code: 'ER_DUP_ENTRY', errno: 1062 })],
    ['a syntax error (a bug)', driverError({ code: 'ER_PARSE_ERROR', errno: 1064 })],
    ['an SQLite constraint', driverError({ code: 'SQLITE_CONSTRAINT_UNIQUE' })],
    ['the service’s own answer', new ServiceUnavailableError(2)],
    ['an ordinary bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a thrown string', 'boom'],
    ['nothing', undefined],
  ])('%s is not', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    if (error instanceof Error) expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], error))).toBe(false);
  });
});
