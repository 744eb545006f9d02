import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../../src/app';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openTestDatabase, type OpenedDatabase } from '../support/databases';
import { TEST_JWT_SECRET } from '../support/harness';
import { listen, type Post } from '../support/http';

/** The server as a client meets it: over HTTP, with a real bearer token. */
describe.each([false, true])('HTTP server (production: %s)', (production) => {
  let database: OpenedDatabase;
  let app: App;
  let base: string;
  let post: Post;

  beforeAll(async () => {
    database = await openTestDatabase('sqlite');
    const config = loadConfig({
      NODE_ENV: production ? 'production' : 'development',
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
    });
    app = await createApp(config, database.db, createLogger({ silent: true }));
    const served = await listen(app);
    post = served.post;
    base = served.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await app.apollo.stop();
    await database.close();
  });

  it('answers /health and /ready', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('serves GraphQL at /graphql with bearer tokens', async () => {
    const token = await signDevelopmentToken(TEST_JWT_SECRET, {
      sub: 'http|ada',
      email: 'ada@example.test',
      name: 'Ada',
    });
    const created = await post(
      { query: 'mutation { createOrganization(input: { name: "Over HTTP" }) { id name viewerRole } }' },
      token,
    );
    expect(created.status).toBe(200);
    expect(created.body.data.createOrganization).toMatchObject({ name: 'Over HTTP', viewerRole: 'ADMIN' });
    const anonymous = await post({ query: '{ me { id } }' });
    expect(anonymous.body).toEqual({ data: { me: null } });
  });

  it('serves the federation SDL through _service without credentials', async () => {
    const result = await post({ query: '{ _service { sdl } }' });
    expect(result.body.data._service.sdl).toContain('@key(fields: "id")');
  });

  it(production ? 'shows no Sandbox and refuses introspection' : 'opens Apollo Sandbox for a browser', async () => {
    const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    if (production) {
      expect(html).not.toContain('new window.EmbeddedSandbox');
      const introspection = await post({ query: '{ __schema { types { name } } }' });
      expect(introspection.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } else {
      expect(page.status).toBe(200);
      expect(html).toContain('new window.EmbeddedSandbox');
      const introspection = await post({ query: '{ __schema { queryType { name } } }' });
      expect(introspection.body.data.__schema.queryType.name).toBe('Query');
    }
  });
});

describe('with ROUTER_SECRET set', () => {
  it('refuses requests without the router secret before parsing them, and serves those with it', async () => {
    const database = await openTestDatabase('sqlite');
    const config = loadConfig({ AUTH_JWT_SECRET: TEST_JWT_SECRET, ROUTER_SECRET: 'router-shared-secret' });
    const app = await createApp(config, database.db, createLogger({ silent: true }));
    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}/graphql`;
    try {
      const send = (headers: Record<string, string>, body = JSON.stringify({ query: '{ _service { sdl } }' })) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const missing = await send({});
      expect(missing.status).toBe(401);
      expect(((await missing.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await send({ 'router-authorization': 'wrong' })).status).toBe(401);
      // Refused before parsing: a malformed body gets the same answer, not a parse error.
      expect((await send({}, '{not json')).status).toBe(401);
      const allowed = await send({ 'router-authorization': 'router-shared-secret' });
      expect(allowed.status).toBe(200);
      expect(((await allowed.json()) as any).data._service.sdl).toContain('type Organization');
      // Health checks stay open to the orchestrator.
      expect((await fetch(url.replace('/graphql', '/health'))).status).toBe(200);
    } finally {
      await app.apollo.stop();
      await database.close();
    }
  });
});
