import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/config';
import { developmentSubject } from '../../src/dev/demo-people';
import { openTestDatabase, type OpenedDatabase } from '../support/databases';
import { exited, freeTcpPort, start, waitFor } from '../support/processes';
import { describeOnEachDatabase } from '../support/each-database';

/**
 * OpenTelemetry, end to end: the built server (`dist/src/http/main.js`) runs with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP receiver on loopback, gets a request with
 * a W3C `traceparent`, and exports that trace: the HTTP server span as a child of the given
 * parent, the GraphQL spans below it and, on MariaDB, the SQL statements — and the request's
 * log line carries the trace id.
 */
jest.setTimeout(60_000);

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string } }[];
}

describeOnEachDatabase('traces', (kind) => {
  const spans: ExportedSpan[] = [];
  let receiver: http.Server;
  let database: OpenedDatabase;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const parsed = JSON.parse(body) as {
            resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[];
          };
          for (const resource of parsed.resourceSpans)
            for (const scope of resource.scopeSpans) spans.push(...scope.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    receiver.close();
    await database.close();
  });

  it('a request continues the router trace: http → graphql → SQL, and its log line has the trace id', async () => {
    const port = await freeTcpPort();
    const server = start('node', [join(__dirname, '../../dist/src/http/main.js')], {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      DATABASE_URL: database.url,
      AUTH_JWT_SECRET: '',
      APP_URL: `http://localhost:${port}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'membership-test',
    });
    try {
      await waitFor('the server', async () => server.output().includes('membership subgraph ready'), 30_000);
      const traceId = randomBytes(16).toString('hex');
      const parentId = randomBytes(8).toString('hex');
      const token = await signDevelopmentToken(DEVELOPMENT_JWT_SECRET, {
        sub: developmentSubject('tracer@example.test'),
        email: 'tracer@example.test',
      });
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          traceparent: `00-${traceId}-${parentId}-01`,
        },
        body: JSON.stringify({ query: 'query Mine { me { id organizations { totalCount } } }' }),
      });
      expect(response.status).toBe(200);

      const ofTrace = () => spans.filter((s) => s.traceId === traceId);
      const serverSpan = await waitFor('the HTTP server span', async () =>
        ofTrace().find((s) => s.kind === 2 && s.parentSpanId === parentId),
      );
      // Everything of the request hangs below the server span.
      const below = (span: ExportedSpan): boolean => {
        if (span.parentSpanId === serverSpan.spanId) return true;
        const parent = ofTrace().find((s) => s.spanId === span.parentSpanId);
        return parent !== undefined && below(parent);
      };
      const graphql = await waitFor('GraphQL spans', async () => {
        const found = ofTrace().filter((s) => s.name.startsWith('graphql.') || s.name.startsWith('query'));
        return found.some((s) => s.name === 'graphql.execute' || s.name.startsWith('query')) ? found : null;
      });
      expect(graphql.every(below)).toBe(true);
      if (kind === 'mysql') {
        const sql = await waitFor('SQL spans', async () => {
          const found = ofTrace().filter((s) =>
            s.attributes.some(
              (a) => (a.key === 'db.system.name' || a.key === 'db.system') && a.value.stringValue === 'mysql',
            ),
          );
          return found.length > 0 ? found : null;
        });
        expect(sql.every(below)).toBe(true);
      }
      const logged = server
        .output()
        .split('\n')
        .filter((line) => line.includes('"request completed"'))
        .map((line) => JSON.parse(line) as { traceId?: string });
      expect(logged.map((line) => line.traceId)).toContain(traceId);
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });
});
