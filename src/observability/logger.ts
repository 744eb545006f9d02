import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream } from 'pino';
import { LogOutput } from './log-output';

/**
 * pino: one JSON line per event (`level` as a label, `time` as ISO text, `msg`), at the level given
 * (the server's is `LOG_LEVEL`, read by src/config/early.ts; default `info`). A request's line and the errors it logs carry its `requestId`, and every line
 * written inside a traced span its `traceId`/`spanId`. Credentials never reach the log:
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
];

/** A request id from the caller's `x-request-id` when it is a plain short token, or a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}

/**
 * The trace a line belongs to. Without an OpenTelemetry SDK there is never an active span: this
 * costs a lookup. (The request id is passed as a field instead of kept in an AsyncLocalStorage:
 * one cost every promise of every request about 10 % of the throughput on Node 20, measured.)
 */
function mixin(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

export function createLogger(
  options: { silent?: boolean; level?: string; destination?: DestinationStream } = {},
): Logger {
  const level = options.silent ? 'silent' : (options.level ?? 'info');
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
    // Not pino.destination: its exit-time flush can hang the process for ever (src/observability/log-output.ts).
    options.destination ?? new LogOutput(1),
  );
}
