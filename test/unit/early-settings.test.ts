import { logLevel, tracing } from '../../src/config/early';

describe('the settings read before the configuration loads', () => {
  it('reads LOG_LEVEL, info when unset, and refuses a level pino does not know', () => {
    expect(logLevel({})).toBe('info');
    expect(logLevel({ LOG_LEVEL: 'warn' })).toBe('warn');
    expect(() => logLevel({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL must be one of trace, debug, info');
  });

  it('turns tracing on only with an OTLP endpoint', () => {
    expect(tracing({})).toBeNull();
    expect(tracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toEqual({
      serviceName: 'membership-subgraph',
    });
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_SERVICE_NAME: 'members' })?.serviceName).toBe(
      'members',
    );
  });
});
