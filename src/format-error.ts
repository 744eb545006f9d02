import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { AppError, PUBLIC_ERROR_CODES } from './errors';
import type { Logger } from './logger';

const PASSED_THROUGH = new Set<string>(PUBLIC_ERROR_CODES);

/**
 * The last gate before an error leaves the server. The service's own errors and Apollo's parse,
 * validation and variable errors keep their message and code; everything else (a database
 * error, a bug) is logged with its stack and replaced by a bare INTERNAL_SERVER_ERROR, so that
 * no SQL, stack or internal detail ever reaches a client. Stack traces are never sent.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    const ours = original instanceof AppError;
    const apolloOwn =
      !ours &&
      original === error &&
      typeof code === 'string' &&
      PASSED_THROUGH.has(code) &&
      code !== 'INTERNAL_SERVER_ERROR';
    if (ours || apolloOwn) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error while handling a GraphQL request');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
