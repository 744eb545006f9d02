import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import cors from 'cors';
import type express from 'express';
import { type Logger, requestIdFrom } from '../observability/logger';

/**
 * What every request meets before its route: its log line, the router's secret, CORS. Written on
 * Node's own request and response, so that the front door (./front-door.ts), which answers some
 * requests before Express sees them, does exactly what the Express middleware does.
 */

/**
 * With ROUTER_SECRET set, only the router reaches the subgraph: true when the request carries the
 * shared secret in `router-authorization` (always true without a secret).
 */
export function routerCheck(secret: string | undefined): (req: http.IncomingMessage) => boolean {
  if (!secret) return () => true;
  const expected = createHash('sha256').update(secret).digest();
  return (req) => {
    const given = req.headers['router-authorization'];
    const digest = createHash('sha256')
      .update(typeof given === 'string' ? given : '')
      .digest();
    return typeof given === 'string' && timingSafeEqual(digest, expected);
  };
}

/**
 * A request without the router's secret is refused before its body is even read
 * (docs/domain-rules.md §8).
 */
export function routerGate(secret: string | undefined): express.RequestHandler {
  if (!secret) return (_req, _res, next) => next();
  const fromRouter = routerCheck(secret);
  return (req, res, next) => {
    if (fromRouter(req)) return next();
    res.status(401).json({
      errors: [{ message: 'Requests must come through the router.', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  };
}

/**
 * CORS for browser apps on other origins (CORS_ORIGINS). Tokens travel in the Authorization
 * header, never in cookies, so credentials are not allowed; the request id is readable. Null
 * without origins. (The `cors` middleware uses only Node's request and response.)
 */
export function corsOf(origins: string[]): express.RequestHandler | null {
  if (origins.length === 0) return null;
  return cors({
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'apollo-require-preflight',
      'x-apollo-operation-name',
      'x-request-id',
    ],
    // The export's file name, and how long to wait after a 503 or a 429.
    exposedHeaders: ['x-request-id', 'content-disposition', 'retry-after'],
    maxAge: 600,
  });
}

/** corsOf as a middleware (nothing to do without origins). */
export function corsFor(origins: string[]): express.RequestHandler {
  return corsOf(origins) ?? ((_req, _res, next) => next());
}

/** Liveness and readiness probes: polled every few seconds, never worth a line. */
const PROBES = new Set(['/health', '/ready']);

/**
 * The request's id, and its log line written when the response is sent: method, path (the query
 * string left out: a GET may carry variables), status, `responseTime` in ms, request id, the
 * headers with credentials redacted by the logger. Nothing is done for a probe, or with `info` off.
 */
export function logWhenDone(logger: Logger, req: http.IncomingMessage, res: http.ServerResponse): string {
  const requestId = requestIdFrom(req.headers['x-request-id']);
  if (!logger.isLevelEnabled('info')) return requestId;
  const url = (req.url ?? '').split('?')[0];
  if (PROBES.has(url)) return requestId;
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const fields = {
      requestId,
      req: { method: req.method, url, headers: req.headers },
      res: { statusCode: res.statusCode },
      responseTime: Number(process.hrtime.bigint() - started) / 1e6,
    };
    // A 503 is an outage's retryable answer, logged once per outage by its tracker, not as an error per request.
    if (res.statusCode >= 500 && res.statusCode !== 503) logger.error(fields, 'request failed');
    else logger.info(fields, 'request completed');
  });
  return requestId;
}

/**
 * One log line per HTTP request (logWhenDone). The id is the caller's `x-request-id` when it is a
 * short plain token (a router's), a new UUID otherwise; it is also the context's, so the errors
 * logged for the request and its audit events carry it. Written here on pino rather than with
 * pino-http, which cost 16 % of the members page's throughput at `info` (this: 9 %, the line
 * itself) and 10 % even with logging off (this: nothing) — measured, alternating runs.
 */
export function requestLogging(logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    res.locals.requestId = logWhenDone(logger, req, res);
    next();
  };
}
