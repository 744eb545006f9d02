/**
 * The settings read before the configuration can load (src/config/config.ts loads the domain,
 * whose enums load graphql): tracing must patch modules before they load, and the log must exist
 * to report a configuration that does not.
 */

/** pino's levels (docs/configuration.md, LOG_LEVEL). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LOG_LEVEL, `info` when unset. Throws on a level pino does not know. */
export function logLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const raw = env.LOG_LEVEL?.trim() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${raw}").`);
  }
  return raw as LogLevel;
}

/**
 * OpenTelemetry tracing: on only when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; null otherwise. The SDK reads the other standard
 * OTEL_* variables itself.
 */
export function tracing(env: NodeJS.ProcessEnv = process.env): { serviceName: string } | null {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return null;
  return { serviceName: env.OTEL_SERVICE_NAME ?? 'membership-subgraph' };
}
