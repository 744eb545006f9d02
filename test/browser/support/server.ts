import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { type App, createApp } from '../../../src/http/app';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { type Config, DEVELOPMENT_JWT_SECRET, loadConfig } from '../../../src/config/config';
import { openDatabase } from '../../../src/db/data-source';
import { demoPersonByEmail, developmentSubject } from '../../../src/dev/demo-people';
import { webAppHandler } from '../../../src/dev/web-app';
import { createLogger } from '../../../src/observability/logger';
import { DnsResponder } from '../../../src/dev/dns-responder';
import { waitFor } from '../../support/processes';
import { TestSmtpServer, tokenFromEmail } from '../../support/smtp';

/**
 * The reference web app (examples/web) in a real browser — Debian's chromium driven by
 * playwright-core — against the real server on SQLite, with invitation emails delivered to a real
 * SMTP server on loopback and their links opened in the browser, email domains verified against a
 * DNS responder on loopback, and webhooks delivered to an HTTP receiver on loopback. axe-core
 * checks every screen against WCAG 2.1 AA. Screenshots of every screen go to test/screenshots/.
 * `npm run test:browser` builds the app first and runs every file in test/browser, one per
 * screen; each file calls useWebApp() for its own server, database and browser. CI installs chromium.
 */
jest.setTimeout(120_000);

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve(__dirname, '../../screenshots');
export const WEB_DIR = resolve(__dirname, '../../../examples/web/dist');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** The identity provider's signing secret (Standard Webhooks), for its user events. */
export const IDENTITY_SECRET = `whsec_${Buffer.alloc(32, 'browser-identity-provider').toString('base64')}`;

export let smtp: TestSmtpServer;
export let dns: DnsResponder;
export let app: App;
export let webServer: http.Server;
export let webUrl: string;
export let apiUrl: string;
export let browser: Browser;
export let context: BrowserContext;
export let page: Page;
export let db: Awaited<ReturnType<typeof openDatabase>>;
export let config: Config;
/** Every screen axe checked, for the summary printed at the end. */
export const checkedScreens = new Set<string>();

export const unique = Math.random().toString(36).slice(2, 8);
export const address = (label: string) => `${label}-${unique}@example.test`;
/** Dates as the browser shows them: the context runs in en-GB and UTC. */
export const DAY = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
export const dayInput = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86400_000).toISOString().slice(0, 10);
export const shownDay = (input: string) => DAY.format(new Date(`${input}T12:00:00Z`));

/** A GraphQL call as someone (set-up steps, and checks of what the server holds). */
export async function api(email: string, query: string, variables: Record<string, unknown> = {}) {
  const token = await signDevelopmentToken(DEVELOPMENT_JWT_SECRET, {
    sub: developmentSubject(email),
    email,
    name: demoPersonByEmail(email)?.name ?? nameOf(email),
  });
  const response = await fetch(apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** "admin-x1y2z3@example.test" → "Admin": everyone signs in with the same name each time. */
export function nameOf(email: string): string {
  return email.charAt(0).toUpperCase() + email.slice(1).split(/[-@]/)[0];
}

/** The link of the newest invitation email to an address, as delivered to the SMTP server. */
export async function invitationLink(to: string, after = 0): Promise<string> {
  const token = await waitFor(
    `an invitation email to ${to}`,
    async () => smtp.to(to).length > after && tokenFromEmail(smtp.to(to).at(-1)!, webUrl),
    10_000,
  );
  return `${webUrl}/invitations/accept?token=${token}`;
}

/** What the app's Content-Security-Policy refused, in any page (docs/domain-rules.md §8): nothing, each test checks. */
export const cspViolations: string[] = [];

export function newPageListeners(p: Page): void {
  p.setDefaultTimeout(10_000);
  p.on('pageerror', (error) => console.error('error in the page:', error.message));
  // Chromium reports each refusal on the console ("Refused to … because it violates … Content Security Policy").
  p.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${p.url()}: ${message.text()}`);
  });
}

export function useWebApp(): void {
  beforeAll(start);
  afterEach(() => {
    expect(cspViolations.splice(0)).toEqual([]);
  });
  afterAll(stop);
}

async function start(): Promise<void> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  if (!existsSync(join(WEB_DIR, 'index.html'))) throw new Error('the web app is not built: npm run web:build');
  mkdirSync(SCREENSHOTS, { recursive: true });
  smtp = await new TestSmtpServer().start();
  dns = await new DnsResponder().start();
  // The web server first: its address is APP_URL, which the emailed links and CORS use.
  let handler: http.RequestListener = (_req, res) => res.end();
  webServer = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((done) => webServer.listen(0, '127.0.0.1', done));
  webUrl = `http://127.0.0.1:${(webServer.address() as AddressInfo).port}`;
  config = loadConfig({
    NODE_ENV: 'development',
    APP_URL: webUrl,
    SMTP_URL: smtp.url,
    OUTBOX_POLL_MS: '100',
    DNS_SERVERS: dns.address,
    DNS_TIMEOUT_MS: '1000',
    // The test's webhook receiver listens on loopback, plain http.
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    // A delivery the receiver refuses fails at once, to be redelivered from its row.
    WEBHOOK_MAX_ATTEMPTS: '1',
    // The identity provider's user events (an erasure) at /identity/events.
    IDENTITY_WEBHOOK_SECRET: IDENTITY_SECRET,
  });
  db = await openDatabase(`sqlite:${join(mkdtempSync(join(tmpdir(), 'web-')), 'web.sqlite')}`);
  app = await createApp(config, db, createLogger({ silent: true }));
  await new Promise<void>((done) => app.httpServer.listen(0, '127.0.0.1', done));
  apiUrl = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}/graphql`;
  handler = webAppHandler(config, { dir: WEB_DIR, graphqlUrl: apiUrl });
  app.outbox.start();
  app.webhooks.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
  page = await context.newPage();
  newPageListeners(page);
}

async function stop(): Promise<void> {
  if (checkedScreens.size > 0) {
    console.log(
      `axe (${AXE_TAGS.join(', ')}): ${checkedScreens.size} screens, no violation:\n- ${[...checkedScreens].join('\n- ')}`,
    );
  }
  await browser?.close();
  await app?.outbox.stop();
  await app?.webhooks.stop();
  await app?.apollo.stop();
  webServer?.close();
  await db?.destroy();
  await smtp?.stop();
  await dns?.stop();
}

/**
 * Each test's own organization (named `label`, with workspace "Web" and domain shop.example.com),
 * made through the API by its own ADMIN; `members` join through real invitations and emails.
 */
export async function organizationOf(label: string, members: [email: string, role: string][] = []) {
  const admin = address(`${label.toLowerCase()}admin`);
  const name = `${label} ${unique}`;
  const created = await api(admin, 'mutation($n: String!) { createOrganization(input: { name: $n }) { id } }', {
    n: name,
  });
  const id = created.createOrganization.id as string;
  const workspace = await api(
    admin,
    'mutation($o: ID!) { createWorkspace(input: { organizationId: $o, name: "Web" }) { id } }',
    { o: id },
  );
  const domain = await api(
    admin,
    'mutation($w: ID!) { createDomain(input: { workspaceId: $w, hostname: "shop.example.com" }) { id } }',
    { w: workspace.createWorkspace.id },
  );
  for (const [email, role] of members) await joinByInvitation(admin, { organizationId: id }, email, role);
  return { id, name, admin, workspaceId: workspace.createWorkspace.id as string, domainId: domain.createDomain.id };
}

/** Someone joins a scope through a real invitation and its email. */
export async function joinByInvitation(
  admin: string,
  scope: Record<string, string>,
  email: string,
  role: string,
): Promise<void> {
  const before = smtp.to(email).length;
  await api(admin, 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }', {
    i: { scope, email, role },
  });
  const token = new URL(await invitationLink(email, before)).searchParams.get('token');
  await api(email, 'mutation($t: String!) { acceptInvitation(input: { token: $t }) { id } }', { t: token });
}

/** A SCIM request as the directory sends it, with its bearer token. */
export async function scim(url: string, token: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as any };
}

export const scimUser = (email: string, given: string, family: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: email,
  name: { givenName: given, familyName: family },
  emails: [{ value: email, type: 'work', primary: true }],
  active: true,
});

/** A user event from the identity provider, signed as Clerk (through Svix) signs it. */
export async function identityEvent(event: unknown): Promise<number> {
  const body = JSON.stringify(event);
  const id = `msg_${Math.random().toString(36).slice(2)}`;
  const at = new Date();
  const response = await fetch(new URL('/identity/events', apiUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': new Webhook(IDENTITY_SECRET).sign(id, at, body),
    },
    body,
  });
  return response.status;
}

/**
 * The web app and the API behind one origin, as a reverse proxy in front of both serves them:
 * `/graphql` and `/audit/export` go to the API, everything else is the app's — served with
 * `appConfig` (by default the test server's own configuration).
 */
export async function sameOriginApp(appConfig: Config = config): Promise<{ url: string; close: () => Promise<void> }> {
  const upstream = new URL(apiUrl);
  let app: http.RequestListener = (_req, res) => res.end();
  const server = http.createServer((req, res) => {
    if (!/^\/(graphql|audit\/export)(\?|\/|$)/.test(req.url ?? '')) return app(req, res);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app = webAppHandler(appConfig, { dir: WEB_DIR, graphqlUrl: `${url}/graphql` });
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
