import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenVerifier } from '../../src/auth/jwt';
import { loadConfig } from '../../src/config/config';
import { webAppHandler } from '../../src/dev/web-app';
import { developmentSubject } from '../../src/dev/demo-people';
import { TEST_JWT_SECRET } from '../support/harness';

/**
 * The web app's server (development): its pages, `/config.json`, and the development sign-in,
 * which exists only with the development secret outside production.
 */
const dir = mkdtempSync(join(tmpdir(), 'web-dist-'));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');

async function serve(env: NodeJS.ProcessEnv, work: (base: string) => Promise<void>): Promise<void> {
  const config = loadConfig(env);
  const server = http.createServer(webAppHandler(config, { dir, graphqlUrl: 'http://127.0.0.1:4001/graphql' }));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    await work(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
  }
}

const signIn = (base: string, body: unknown) =>
  fetch(`${base}/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the web app server', () => {
  it('serves the app at every page path, its files, and where the API is', async () => {
    await serve({ NODE_ENV: 'development' }, async (base) => {
      for (const path of ['/', '/organizations/abc', '/invitations/accept?token=x']) {
        expect(await (await fetch(`${base}${path}`)).text()).toContain('<div id="root">');
      }
      expect(await (await fetch(`${base}/assets/app.js`)).text()).toBe('console.log(1)');
      expect(await (await fetch(`${base}/config.json`)).json()).toEqual({
        graphqlUrl: 'http://127.0.0.1:4001/graphql',
        devSignIn: true,
        tokenUrl: null,
        ssoClaim: 'sso_connection',
        // As under npm start: webhooks only to public https, email domains in public DNS.
        tryHere: { webhooks: false, emailDomains: false },
      });
    });
  });

  it("says what npm run dev and npm run dns make tryable here: the screens' note (issue 37, stumble 8)", async () => {
    // npm run dev's preset.
    await serve(
      { NODE_ENV: 'development', WEBHOOKS_ALLOW_PRIVATE: 'true', DNS_SERVERS: '127.0.0.1:5353' },
      async (base) => {
        const body = (await (await fetch(`${base}/config.json`)).json()) as { tryHere: unknown };
        expect(body.tryHere).toEqual({ webhooks: true, emailDomains: true });
      },
    );
    // A DNS server elsewhere is not npm run dns.
    await serve({ NODE_ENV: 'development', DNS_SERVERS: '10.0.0.53' }, async (base) => {
      const body = (await (await fetch(`${base}/config.json`)).json()) as { tryHere: unknown };
      expect(body.tryHere).toEqual({ webhooks: false, emailDomains: false });
    });
  });

  it('signs a development token the server accepts, for a well-formed address only', async () => {
    await serve({ NODE_ENV: 'development' }, async (base) => {
      const answer = (await (
        await signIn(base, { email: 'Grace@Demo.Example', name: 'Grace', emailVerified: false })
      ).json()) as { token: string };
      const verify = createTokenVerifier(loadConfig({ NODE_ENV: 'development' }).auth);
      const verified = await verify(answer.token);
      expect(verified).toMatchObject({
        identity: {
          sub: developmentSubject('grace@demo.example'),
          email: 'grace@demo.example',
          name: 'Grace',
          emailVerified: false,
        },
      });
      // A demo person keeps their name when none is typed in.
      const ada = (await (await signIn(base, { email: 'ada@demo.example' })).json()) as { token: string };
      expect(await verify(ada.token)).toMatchObject({
        identity: { name: 'Ada Lovelace', amr: [], ssoConnection: null },
      });
      // How the person signed in, to try an organization's sign-in policy (docs/sign-in-policy.md).
      const strong = (await (
        await signIn(base, { email: 'ada@demo.example', amr: ['pwd', 'otp'], sso: 'acme-okta' })
      ).json()) as { token: string };
      expect(await verify(strong.token)).toMatchObject({
        identity: { amr: ['pwd', 'otp'], ssoConnection: 'acme-okta' },
      });
      expect((await signIn(base, { email: 'ada@demo.example', amr: [42] })).status).toBe(400);
      for (const bad of [{}, { email: 'not an address' }, { email: `${'a'.repeat(250)}@x.example` }]) {
        const refused = await signIn(base, bad);
        expect(refused.status).toBe(400);
        expect(((await refused.json()) as { error: string }).error).toMatch(/email address/);
      }
    });
  });

  it('has no sign-in with a real secret, nor in production', async () => {
    for (const env of [
      { NODE_ENV: 'development', AUTH_JWT_SECRET: TEST_JWT_SECRET },
      { NODE_ENV: 'production', AUTH_JWT_SECRET: TEST_JWT_SECRET },
    ]) {
      await serve(env, async (base) => {
        const refused = await signIn(base, { email: 'ada@demo.example' });
        expect(refused.status).toBe(404);
        expect(await refused.text()).not.toMatch(/eyJ/);
        const body = (await (await fetch(`${base}/config.json`)).json()) as { devSignIn: boolean; tryHere?: unknown };
        expect(body.devSignIn).toBe(false);
        expect(body.tryHere).toBeUndefined();
      });
    }
  });
});
