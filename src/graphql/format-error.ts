import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Context } from './context';
import type { DataSource } from 'typeorm';
import { isDatabaseUnavailable, outageOf, RETRY_AFTER_SECONDS } from '../db/availability';
import { AppError, PUBLIC_ERROR_CODES, ServiceUnavailableError } from '../domain/errors';
import type { Logger } from '../observability/logger';
import { isTokenLimitError } from './query-limits';

const PASSED_THROUGH = new Set<string>(PUBLIC_ERROR_CODES);

/** An error that is not the service's own nor one of Apollo's request errors: a bug or an outage. */
function isUnexpected(formatted: GraphQLFormattedError, error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return false;
  // An outage is logged once, by `availabilityPlugin`, not once per request.
  if (isDatabaseUnavailable(original)) return false;
  const code = formatted.extensions?.code;
  // Apollo's own errors (parse, validation, variables, limits) carry no resolver error inside.
  return !(
    original === error &&
    typeof code === 'string' &&
    PASSED_THROUGH.has(code) &&
    code !== 'INTERNAL_SERVER_ERROR'
  );
}

/**
 * graphql-js suggests names ("Did you mean the enum value "ADMIN"?") in validation and in variable
 * coercion messages; Apollo's `hideSchemaDetailsFromClientErrors` covers the first only. In
 * production none may reach a client: they reveal the schema that introspection hides.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '');
}

/**
 * The last gate before an error leaves the server. The service's own errors and Apollo's parse,
 * validation and variable errors keep their message and code; everything else (a database
 * error, a bug) becomes a bare INTERNAL_SERVER_ERROR, so that no SQL, stack or internal detail
 * ever reaches a client (it is logged, with the request id, by `requestLogPlugin`).
 */
export function createErrorFormatter(production = false) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (production) formatted = { ...formatted, message: withoutSuggestions(formatted.message) };
    if (isDatabaseUnavailable(unwrapResolverError(error))) {
      const unavailable = new ServiceUnavailableError(RETRY_AFTER_SECONDS);
      return {
        message: unavailable.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: unavailable.code, retryAfter: RETRY_AFTER_SECONDS },
      };
    }
    if (isUnexpected(formatted, error)) {
      return {
        message: 'Internal server error',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    }
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    if (extensions.code === 'GRAPHQL_PARSE_FAILED' && isTokenLimitError(formatted.message)) {
      extensions.code = 'GRAPHQL_VALIDATION_FAILED';
    }
    return { ...formatted, extensions };
  };
}

/**
 * Gives every response an `x-request-id` header and logs each unexpected error with that id and
 * its stack (structured, one JSON line), so that a user's report can be matched to the log.
 */
export function requestLogPlugin(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didEncounterErrors({ errors, contextValue: ctx, operationName }) {
          for (const error of errors) {
            const formatted = { message: error.message, extensions: error.extensions };
            if (!isUnexpected(formatted, error)) continue;
            logger.error(
              { requestId: ctx.requestId, operationName, path: error.path, err: unwrapResolverError(error) },
              'unexpected error while handling a GraphQL request',
            );
          }
        },
        async willSendResponse({ response }) {
          response.http.headers.set('x-request-id', contextValue.requestId);
        },
      };
    },
  };
}

/**
 * docs/domain-rules.md §17: an answer that met a database outage is HTTP 503 with `Retry-After`
 * (a router retries it elsewhere, a frontend says "try again"), and the outage is reported to the
 * database's tracker, which logs it once.
 */
export function availabilityPlugin(db: DataSource, logger: Logger): ApolloServerPlugin<Context> {
  const outage = outageOf(db, logger);
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          const cause = errors.map((e) => unwrapResolverError(e)).find((e) => isDatabaseUnavailable(e));
          if (cause) outage.report(cause);
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          if (!errors.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}

/**
 * What a federated trace (ftv1, for the router and GraphOS) records of an error: the same as the
 * client gets — the service's own message and code, an unexpected error as a bare
 * INTERNAL_SERVER_ERROR — at the same path.
 */
export function errorForTrace(production: boolean): (error: GraphQLError) => GraphQLError {
  const format = createErrorFormatter(production);
  return (error) => {
    const formatted = format(error.toJSON(), error);
    return new GraphQLError(formatted.message, { path: error.path, extensions: formatted.extensions });
  };
}
