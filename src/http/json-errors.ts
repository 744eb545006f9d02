import type http from 'node:http';
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

/** A JSON answer: its status, its body, and the headers it carries besides its content type. */
export interface JsonAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * An error of a plain-HTTP endpoint (audit export, identity events, the decisions) in the shape
 * GraphQL answers use — `{ errors: [{ message, extensions: { code, … } }] }` — with the HTTP
 * status of its code. The service's own errors keep their message; anything else is logged with
 * the request id and answered as a bare INTERNAL_SERVER_ERROR, as in GraphQL; a database outage as
 * 503 SERVICE_UNAVAILABLE.
 */
export function errorAnswer(error: unknown, logger: Logger, requestId: unknown, outage?: DatabaseOutage): JsonAnswer {
  if (isDatabaseUnavailable(error)) {
    // docs/domain-rules.md §17: retryable, and logged once per outage by its tracker.
    outage?.report(error);
    error = new ServiceUnavailableError(RETRY_AFTER_SECONDS);
  }
  const headers: Record<string, string> = {};
  if (error instanceof ServiceUnavailableError) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error instanceof OrganizationBusyError) headers['retry-after'] = String(error.retryAfter);
  if (error instanceof AppError) {
    const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
    return { status: STATUS[error.code] ?? 400, body: { errors: [{ message: error.message, extensions }] }, headers };
  }
  logger.error({ err: error, requestId }, 'request failed');
  return {
    status: 500,
    body: { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] },
  };
}

/** sendError's answer through Express. */
export function sendError(res: express.Response, error: unknown, logger: Logger, outage?: DatabaseOutage): void {
  const answer = errorAnswer(error, logger, res.locals.requestId, outage);
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  res.status(answer.status).json(answer.body);
}

/**
 * A JSON answer written on Node's own response, in one write (headers and body together): what
 * Express's `res.json` writes, without its ETag (a decision is never cached or revalidated).
 */
export function sendJson(res: http.ServerResponse, answer: JsonAnswer): void {
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...answer.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
