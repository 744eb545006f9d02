import type http from 'node:http';
import type express from 'express';
import type { Logger } from '../observability/logger';

/**
 * docs/domain-rules.md §8: every answer of every port says what it is and browsers do not guess
 * (`X-Content-Type-Options: nosniff`), and every refusal is JSON — never Express's HTML page,
 * which echoes the path and, for a parse error, the parser's stack in development. The shape is
 * the one GraphQL answers use, `{ errors: [{ message, extensions: { code } }] }`; SCIM answers
 * its own (src/scim/routes.ts).
 */

/** The header every answer carries. */
export function noSniff(res: http.ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

export const noSniffing: express.RequestHandler = (_req, res, next) => {
  noSniff(res);
  next();
};

/** Answers a refusal as JSON; `allow` is the methods the route takes (a 405's `Allow`). */
export function sendRefusal(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  allow?: readonly string[],
): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  noSniff(res);
  if (allow) res.setHeader('Allow', allow.join(', '));
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * For a route that exists: any other method than `methods` is 405 with `Allow` (an OPTIONS
 * without CORS is told the same with 204). Put it after the route's own handlers.
 */
export function onlyMethods(...methods: string[]): express.RequestHandler {
  const allow = methods.includes('GET') && !methods.includes('HEAD') ? [...methods, 'HEAD'] : methods;
  return (req, res) => {
    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', allow.join(', '));
      res.status(204).end();
      return;
    }
    sendRefusal(res, 405, 'BAD_REQUEST', `${req.method} is not accepted here: use ${methods.join(' or ')}.`, allow);
  };
}

/** The last handler: nothing here (the path is not echoed back). */
export const unknownRoute: express.RequestHandler = (_req, res) =>
  sendRefusal(res, 404, 'NOT_FOUND', 'Nothing is served at this address.');

/** What the body parsers' errors mean to the client; their own messages may quote the body. */
const BODY_ERRORS: Record<string, string> = {
  'entity.too.large': 'The request body is too large.',
  'entity.parse.failed': 'The request body is not valid JSON.',
  'encoding.unsupported': 'The request body’s content encoding is not supported.',
  'charset.unsupported': 'The request body’s charset is not supported.',
  'request.aborted': 'The request body was not received whole.',
  'request.size.invalid': 'The request body is not the size its Content-Length says.',
};

/**
 * The last error handler: a body parser's refusal (413, 400, 415) keeps its status with a fixed
 * message; anything else is logged with the request id and answered as a bare
 * INTERNAL_SERVER_ERROR. An answer already under way cannot change: Express then closes it.
 */
export function refusalErrors(logger?: Logger): express.ErrorRequestHandler {
  return (error: { type?: string; status?: number }, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === 'number' ? error.status : 500;
    if (status >= 400 && status < 500) {
      const message = BODY_ERRORS[error.type ?? ''] ?? 'The request is malformed.';
      return sendRefusal(res, status, 'BAD_REQUEST', message);
    }
    logger?.error({ err: error, requestId: res.locals.requestId }, 'request failed');
    sendRefusal(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  };
}
