import { tracing } from '../config/early';
/**
 * OpenTelemetry tracing, on only when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: spans of each HTTP request, its Express handling,
 * its GraphQL parse/validate/execute and every MySQL/MariaDB statement, exported over OTLP/HTTP,
 * continuing the trace of a W3C `traceparent` header (the router's). Unset, none of the SDK is
 * even loaded. The standard OTEL_* variables (service name, resource attributes, sampler, batch
 * delays) apply as the SDK documents them.
 *
 * `main` imports this module first: instrumentation works by patching modules as they load, so
 * it must start before express, graphql or mysql2 are required.
 */
export interface Telemetry {
  shutdown(): Promise<void>;
}

function startTelemetry(settings: { serviceName: string } | null): Telemetry | null {
  if (!settings) return null;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } =
    require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { GraphQLInstrumentation } =
    require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { MySQL2Instrumentation } =
    require('@opentelemetry/instrumentation-mysql2') as typeof import('@opentelemetry/instrumentation-mysql2');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const probes = new Set(['/health', '/ready']);
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => probes.has((req.url ?? '').split('?')[0]) }),
      new ExpressInstrumentation(),
      // A span per resolver would be thousands for an organization tree: resolvers are traced
      // two levels deep (root fields and their fields), list items merged, default ones left out.
      new GraphQLInstrumentation({ depth: 2, ignoreTrivialResolveSpans: true, mergeItems: true }),
      new MySQL2Instrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}

export const telemetry = startTelemetry(tracing());
