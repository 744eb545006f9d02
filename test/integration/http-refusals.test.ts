import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/http/app';
import { loadConfig } from '../../src/config/config';
import { webAppHandler } from '../../src/dev/web-app';
import { signWebhook } from '../../src/domain/standard-webhooks';
import { createLogger } from '../../src/observability/logger';
import { openTestDatabase, type OpenedDatabase } from '../support/databases';
import { TEST_JWT_SECRET } from '../support/harness';

/**
 * docs/domain-rules.md §8 over real HTTP: every answer of every port (the API, the metrics server,
 * the development web app) carries `X-Content-Type-Options: nosniff`, the web app's pages a
 * Content-Security-Policy that runs only its own scripts and forbids framing, and every refusal
 * — a body over the limit, malformed JSON, a bad signature or token, an unknown route, a wrong
 * method — is the JSON error shape of its route, never Express's HTML page.
 */
const SECRET = `whsec_${Buffer.alloc(32, 'refusals-identity-secret').toString('base64')}`;

type Shape = 'graphql' | 'json' | 'scim';
type Port = 'api' | 'metrics' | 'web';

interface Case {
  port: Port;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  status: number;
  shape: Shape;
}

/** A signed identity event whose body is whatever is given (signature valid over it). */
function signed(body: string): Record<string, string> {
  const id = 'msg_refusals';
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(SECRET, id, timestamp, body),
  };
}

const JSON_TYPE = { 'content-type': 'application/json' };
const SCIM_TYPE = { 'content-type': 'application/scim+json', authorization: 'Bearer not-a-provisioning-token' };
const big = (bytes: number) => JSON.stringify({ padding: 'x'.repeat(bytes) });

const CASES: Case[] = [
  // GraphQL
  {
    port: 'api',
    method: 'POST',
    path: '/graphql',
    headers: JSON_TYPE,
    body: big(200_000),
    status: 400,
    shape: 'graphql',
  },
  {
    port: 'api',
    method: 'POST',
    path: '/graphql',
    headers: JSON_TYPE,
    body: '{"query": ',
    status: 400,
    shape: 'graphql',
  },
  {
    port: 'api',
    method: 'POST',
    path: '/graphql',
    headers: { ...JSON_TYPE, authorization: 'Bearer not.a.token' },
    body: '{"query":"{ me { id } }"}',
    status: 401,
    shape: 'graphql',
  },
  { port: 'api', method: 'PUT', path: '/graphql', headers: JSON_TYPE, body: '{}', status: 405, shape: 'graphql' },
  { port: 'api', method: 'DELETE', path: '/graphql', headers: JSON_TYPE, status: 405, shape: 'graphql' },
  // Probes
  { port: 'api', method: 'POST', path: '/health', headers: JSON_TYPE, body: '{}', status: 405, shape: 'json' },
  { port: 'api', method: 'DELETE', path: '/ready', status: 405, shape: 'json' },
  // SCIM
  {
    port: 'api',
    method: 'POST',
    path: '/scim/v2/Users',
    headers: SCIM_TYPE,
    body: big(1_100_000),
    status: 413,
    shape: 'scim',
  },
  {
    port: 'api',
    method: 'POST',
    path: '/scim/v2/Users',
    headers: SCIM_TYPE,
    body: '{"userName": ',
    status: 400,
    shape: 'scim',
  },
  { port: 'api', method: 'GET', path: '/scim/v2/Users', headers: SCIM_TYPE, status: 401, shape: 'scim' },
  { port: 'api', method: 'GET', path: '/scim/v2/Nothing', headers: SCIM_TYPE, status: 401, shape: 'scim' },
  { port: 'api', method: 'PUT', path: '/scim/v2/Users', headers: SCIM_TYPE, body: '{}', status: 401, shape: 'scim' },
  // Identity events
  {
    port: 'api',
    method: 'POST',
    path: '/identity/events',
    headers: JSON_TYPE,
    body: big(300_000),
    status: 413,
    shape: 'json',
  },
  {
    port: 'api',
    method: 'POST',
    path: '/identity/events',
    headers: signed('{"type": '),
    body: '{"type": ',
    status: 400,
    shape: 'json',
  },
  {
    port: 'api',
    method: 'POST',
    path: '/identity/events',
    headers: { ...signed('{}'), 'webhook-signature': 'v1,AAAA' },
    body: '{}',
    status: 401,
    shape: 'json',
  },
  { port: 'api', method: 'GET', path: '/identity/events', status: 405, shape: 'json' },
  {
    port: 'api',
    method: 'POST',
    path: '/identity/events/more',
    headers: JSON_TYPE,
    body: '{}',
    status: 404,
    shape: 'json',
  },
  // Audit export
  {
    port: 'api',
    method: 'GET',
    path: '/audit/export?organizationId=x',
    headers: { authorization: 'Bearer not.a.token' },
    status: 401,
    shape: 'json',
  },
  {
    port: 'api',
    method: 'POST',
    path: '/audit/export',
    headers: JSON_TYPE,
    body: big(300_000),
    status: 405,
    shape: 'json',
  },
  // Anything else on the API's port
  { port: 'api', method: 'GET', path: '/nothing-here', status: 404, shape: 'json' },
  {
    port: 'api',
    method: 'POST',
    path: '/nothing-here',
    headers: JSON_TYPE,
    body: '{"a": ',
    status: 404,
    shape: 'json',
  },
  // The metrics server
  { port: 'metrics', method: 'GET', path: '/nothing-here', status: 404, shape: 'json' },
  { port: 'metrics', method: 'POST', path: '/metrics', body: '{}', status: 405, shape: 'json' },
  // The development web app
  {
    port: 'web',
    method: 'POST',
    path: '/dev/sign-in',
    headers: JSON_TYPE,
    body: '{"email": ',
    status: 400,
    shape: 'json',
  },
  {
    port: 'web',
    method: 'POST',
    path: '/dev/sign-in',
    headers: JSON_TYPE,
    body: big(10_000),
    status: 413,
    shape: 'json',
  },
  { port: 'web', method: 'GET', path: '/dev/sign-in', status: 405, shape: 'json' },
  { port: 'web', method: 'POST', path: '/config.json', headers: JSON_TYPE, body: '{}', status: 405, shape: 'json' },
  { port: 'web', method: 'DELETE', path: '/organizations/abc', status: 405, shape: 'json' },
  { port: 'web', method: 'GET', path: '/assets/missing.js', status: 404, shape: 'json' },
];

let database: OpenedDatabase;
let app: App;
let metrics: http.Server;
let web: http.Server;
let webDir: string;
const bases = {} as Record<Port, string>;

const baseOf = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  database = await openTestDatabase('sqlite');
  const config = loadConfig({
    NODE_ENV: 'development',
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    IDENTITY_WEBHOOK_SECRET: SECRET,
    METRICS_PORT: '9464',
  });
  const logger = createLogger({ silent: true });
  app = await createApp(config, database.db, logger, { nudgeOutbox: false });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  bases.api = baseOf(app.httpServer);
  metrics = await app.metrics!.listen(0, '127.0.0.1', logger);
  bases.metrics = baseOf(metrics);

  webDir = mkdtempSync(join(tmpdir(), 'web-refusals-'));
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(
    join(webDir, 'index.html'),
    '<!doctype html><script type="module" src="/assets/app.js"></script><div id="root"></div>',
  );
  writeFileSync(join(webDir, 'assets', 'app.js'), 'console.log(1)');
  const devConfig = loadConfig({ NODE_ENV: 'development' });
  web = http.createServer(webAppHandler(devConfig, { dir: webDir, graphqlUrl: `${bases.api}/graphql` }));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  bases.web = baseOf(web);
});

afterAll(async () => {
  web.close();
  metrics.close();
  await app.apollo.stop();
  await database.close();
  rmSync(webDir, { recursive: true, force: true });
});

describe('refusals are JSON in the shape of their route, with nosniff', () => {
  it.each(CASES.map((c) => [`${c.port} ${c.method} ${c.path.split('?')[0]} → ${c.status}`, c] as const))(
    '%s',
    async (_name, c) => {
      const response = await fetch(`${bases[c.port]}${c.path}`, {
        method: c.method,
        headers: c.headers,
        body: c.body,
      });
      const text = await response.text();
      expect({ status: response.status, text: text.slice(0, 200) }).toMatchObject({ status: c.status });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(text).not.toMatch(/<html|<!doctype|<pre>/i);
      const body = JSON.parse(text) as Record<string, unknown>;
      if (c.shape === 'scim') {
        expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
        expect(body).toMatchObject({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: String(c.status),
        });
      } else {
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(body).toMatchObject({
          errors: [{ message: expect.any(String), extensions: { code: expect.any(String) } }],
        });
      }
      // Apollo answers /graphql's own 405 (BAD_REQUEST); ours also say what the route takes.
      if (c.status === 405 && c.shape === 'json') expect(response.headers.get('allow')).toBeTruthy();
    },
  );
});

describe('every answer carries nosniff', () => {
  it.each([
    ['api', 'GET', '/health'],
    ['api', 'GET', '/ready'],
    ['api', 'GET', '/graphql?query=%7B__typename%7D'],
    ['api', 'OPTIONS', '/graphql'],
    ['metrics', 'GET', '/metrics'],
    ['web', 'GET', '/'],
    ['web', 'GET', '/assets/app.js'],
    ['web', 'GET', '/config.json'],
    ['web', 'GET', '/dev/people'],
  ] as const)('%s %s %s', async (port, method, path) => {
    const response = await fetch(`${bases[port]}${path}`, {
      method,
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe("the web app's pages", () => {
  it.each(['/', '/organizations/abc', '/invitations/accept?token=x'])(
    '%s runs only its own scripts, may reach the API, and cannot be framed',
    async (path) => {
      const response = await fetch(`${bases.web}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      const policy = Object.fromEntries(
        (response.headers.get('content-security-policy') ?? '')
          .split(';')
          .map((directive) => directive.trim().split(/\s+/))
          .filter(([name]) => name)
          .map(([name, ...values]) => [name, values]),
      );
      expect(policy['frame-ancestors']).toEqual(["'none'"]);
      expect(policy['default-src']).toEqual(["'self'"]);
      // No inline script, no eval: only the app's own files.
      expect(policy['script-src'] ?? policy['default-src']).toEqual(["'self'"]);
      expect(policy['connect-src']).toEqual(["'self'", bases.api]);
      expect(policy['object-src']).toEqual(["'none'"]);
    },
  );
});
