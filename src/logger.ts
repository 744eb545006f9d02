import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream } from 'pino';

/**
 * pino: one JSON line per event (`level` as a label, `time` as ISO text, `msg`), at `LOG_LEVEL`
 * (default `info`). Every line written while a request is handled carries its `requestId`, and
 * the OpenTelemetry `traceId`/`spanId` when tracing is on. Credentials never reach the log:
 * `authorization` headers, cookies and any `token` field (an invitation's, a bearer's) are
 * replaced by `[Redacted]`, and request URLs lose their query string.
 */
export type Logger = pino.Logger;

export const LOG_REDACTIONS = [
  'req.headers.authorization',
  'req.headers["router-authorization"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'authorization',
  'token',
  '*.token',
  '*.*.token',
  'variables.*.token',
];

/** The request a line belongs to (set by the HTTP server for each request). */
const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** A request id from the caller's `x-request-id` when it is a plain short token, or a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}

/** Runs `work` (the rest of a request's handling) with `requestId` on every log line it writes. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return requestScope.run({ requestId }, work);
}

function mixin(): Record<string, string> {
  const fields: Record<string, string> = {};
  const request = requestScope.getStore();
  if (request) fields.requestId = request.requestId;
  // Without an OpenTelemetry SDK there is never an active span: this costs a lookup.
  const span = trace.getActiveSpan();
  if (span) {
    const { traceId, spanId } = span.spanContext();
    fields.traceId = traceId;
    fields.spanId = spanId;
  }
  return fields;
}

export function createLogger(
  options: { silent?: boolean; level?: string; destination?: DestinationStream } = {},
): Logger {
  const level = options.silent ? 'silent' : (options.level ?? process.env.LOG_LEVEL ?? 'info');
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      messageKey: 'msg',
      mixin,
      redact: { paths: LOG_REDACTIONS, censor: '[Redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
