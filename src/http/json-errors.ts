import type express from 'express';
import { type DatabaseOutage, isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/availability';
import { AppError, OrganizationBusyError, ServiceUnavailableError } from '../domain/errors';
import type { Logger } from '../observability/logger';

/** The HTTP status of each code the plain-HTTP endpoints answer with. */
const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * An error of a plain-HTTP endpoint (audit export, identity events) in the shape GraphQL answers
 * use — `{ errors: [{ message, extensions: { code, … } }] }` — with the HTTP status of its code.
 * The service's own errors keep their message; anything else is logged with the request id and
 * answered as a bare INTERNAL_SERVER_ERROR, as in GraphQL; a database outage as 503 SERVICE_UNAVAILABLE.
 */
export function sendError(res: express.Response, error: unknown, logger: Logger, outage?: DatabaseOutage): void {
  if (isDatabaseUnavailable(error)) {
    // docs/domain-rules.md §17: retryable, and logged once per outage by its tracker.
    outage?.report(error);
    error = new ServiceUnavailableError(RETRY_AFTER_SECONDS);
  }
  if (error instanceof ServiceUnavailableError) res.setHeader('retry-after', String(error.retryAfterSeconds));
  if (error instanceof OrganizationBusyError) res.setHeader('retry-after', String(error.retryAfter));
  if (error instanceof AppError) {
    const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
    res.status(STATUS[error.code] ?? 400).json({ errors: [{ message: error.message, extensions }] });
    return;
  }
  logger.error({ err: error, requestId: res.locals.requestId }, 'request failed');
  res
    .status(500)
    .json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
}
