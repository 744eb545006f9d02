import type { AddressInfo } from 'node:net';
import { decodeJwt, SignJWT } from 'jose';
import { ManualClock } from '../../src/config/clock';
import { createApp, type App } from '../../src/http/app';
import { developmentSubject } from '../../src/dev/demo-people';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
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

  it('refuses a sent but rejected token with 401, UNAUTHENTICATED and the reason', async () => {
    const expired = await new SignJWT({ email: 'ada@example.test', email_verified: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('http|ada')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    for (const [token, reason] of [
      [expired, 'TOKEN_EXPIRED'],
      ['not.a.token', 'TOKEN_INVALID'],
    ]) {
      const refused = await post({ query: '{ me { id } }' }, token);
      expect(refused.status).toBe(401);
      expect(refused.body.errors).toHaveLength(1);
      expect(refused.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
      expect(refused.body.data).toBeUndefined();
    }
    const basic = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic YWRhOnNlY3JldA==' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(basic.status).toBe(401);
    expect(((await basic.json()) as any).errors[0].extensions.reason).toBe('TOKEN_INVALID');
  });

  it(
    production
      ? 'answers no CORS preflight by default in production'
      : "answers the CORS preflight of APP_URL's origin, and no other",
    async () => {
      const preflight = (origin: string) =>
        fetch(`${base}/graphql`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type',
          },
        });
      const own = await preflight('http://localhost:3000');
      const other = await preflight('https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      if (production) {
        expect(own.headers.get('access-control-allow-origin')).toBeNull();
      } else {
        expect(own.status).toBe(204);
        expect(own.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
        expect(own.headers.get('access-control-allow-headers')).toMatch(/authorization/);
        expect(own.headers.get('access-control-allow-credentials')).toBeNull();
      }
    },
  );

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
      // Offline, under Apollo's "cannot be loaded": how to ask the API with curl (issue 37, stumble 11).
      const fallback = html.slice(html.indexOf('class="fallback"'), html.indexOf('id="embeddableSandbox"'));
      expect(fallback).toContain('TOKEN=$(npm run -s token -- --email ada@demo.example)');
      expect(fallback).toMatch(
        /curl -s http:\/\/127\.0\.0\.1:\d+\/graphql -H &#39;content-type: application\/json&#39;/,
      );
      const introspection = await post({ query: '{ __schema { queryType { name } } }' });
      expect(introspection.body.data.__schema.queryType.name).toBe('Query');
    }
  });
});

describe('Apollo Sandbox with the development secret', () => {
  it('is prefilled with a token for the demo admin, signed anew on every page load', async () => {
    const database = await openTestDatabase('sqlite');
    const clock = new ManualClock(Date.now(), { running: true });
    const app = await createApp({ ...loadConfig({}), clock }, database.db, createLogger({ silent: true }));
    const { url } = await listen(app);
    const page = () => fetch(url, { headers: { accept: 'text/html' } }).then((r) => r.text());
    try {
      const html = await page();
      // The prefilled token is signed when the page loads (not once at start-up), for 12 hours.
      const tokenIn = (text: string) => /Bearer(?:%20| )(eyJ[\w-]+\.[\w-]+\.[\w-]+)/.exec(text)?.[1];
      const first = tokenIn(html) as string;
      const claims = decodeJwt(first);
      expect(claims.sub).toBe(developmentSubject('ada@demo.example'));
      expect(claims.sub).toMatch(/^dev_[0-9a-f]{32}$/);
      expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(5);
      expect((claims.exp as number) - (claims.iat as number)).toBe(12 * 3600);
      clock.advance(60_000);
      const again = tokenIn(await page()) as string;
      expect(again).toBeDefined();
      expect(again).not.toBe(first);
      expect((decodeJwt(again).iat as number) - (claims.iat as number)).toBeGreaterThanOrEqual(60);
    } finally {
      await app.apollo.stop();
      await database.close();
    }
  });
});

describe('with ROUTER_SECRET set', () => {
  it('CORS_ORIGINS opens /graphql and /audit/export to the origins listed, in production too', async () => {
    const database = await openTestDatabase('sqlite');
    const config = loadConfig({
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      CORS_ORIGINS: 'https://app.example.com, https://admin.example.com',
    });
    const app = await createApp(config, database.db, createLogger({ silent: true }));
    const { url } = await listen(app);
    try {
      const answer = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin: 'https://admin.example.com', 'access-control-request-method': 'POST' },
      });
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
      const post = await fetch(url, {
        method: 'POST',
        headers: { origin: 'https://app.example.com', 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(post.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(post.headers.get('access-control-expose-headers')).toBe('x-request-id,content-disposition,retry-after');
      // The audit export's bearer-token GET is preflighted by a browser: answered the same way.
      const exportPreflight = await fetch(url.replace(/\/graphql$/, '/audit/export'), {
        method: 'OPTIONS',
        headers: {
          origin: 'https://admin.example.com',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(exportPreflight.status).toBe(204);
      expect(exportPreflight.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
      expect(exportPreflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    } finally {
      await app.apollo.stop();
      await database.close();
    }
    expect(() => loadConfig({ CORS_ORIGINS: 'app.example.com' })).toThrow(/CORS_ORIGINS/);
  });

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
