import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type App, createApp } from '../../src/app';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/data-source';
import { developmentSubject } from '../../src/dev/demo-people';
import { webAppHandler } from '../../src/dev/web-app';
import { createLogger } from '../../src/logger';
import { waitFor } from '../support/processes';
import { TestSmtpServer, tokenFromEmail } from '../support/smtp';

/**
 * The reference web app (examples/web) in a real browser — Debian's chromium driven by
 * playwright-core — against the real server on SQLite, with invitation emails delivered to a real
 * SMTP server on loopback and their links opened in the browser. Screenshots of every screen go
 * to test/screenshots/. `npm run test:browser` builds the app first; CI installs chromium.
 */
jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve(__dirname, '../screenshots');
const WEB_DIR = resolve(__dirname, '../../examples/web/dist');

let smtp: TestSmtpServer;
let app: App;
let webServer: http.Server;
let webUrl: string;
let apiUrl: string;
let browser: Browser;
let page: Page;
let db: Awaited<ReturnType<typeof openDatabase>>;

const unique = Math.random().toString(36).slice(2, 8);
const address = (label: string) => `${label}-${unique}@example.test`;

/** A GraphQL call as someone (set-up steps the app has no screen for, such as creating a workspace). */
async function api(email: string, query: string, variables: Record<string, unknown> = {}) {
  const token = await signDevelopmentToken(DEVELOPMENT_JWT_SECRET, { sub: developmentSubject(email), email });
  const response = await fetch(apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function signIn(email: string, options: { name?: string; verified?: boolean } = {}): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  if (options.name) await page.getByLabel('Name (optional)').fill(options.name);
  if (options.verified === false) await page.getByLabel('The address is verified').uncheck();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('banner').getByText(`Signed in as ${email}`).waitFor();
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
}

/** The homepage, signed out (once the app has drawn it, so that what it shows is settled). */
async function signedOut(): Promise<void> {
  await page.goto(webUrl);
  await page.getByRole('heading', { level: 1 }).waitFor();
  if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await signOut();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}

/** "admin-x1y2z3@example.test" → "Admin": everyone signs in with the same name each time. */
const nameOf = (email: string) => email.charAt(0).toUpperCase() + email.slice(1).split('-')[0];

/** Signs in afresh on the homepage. */
async function home(email: string): Promise<void> {
  await signedOut();
  await signIn(email, { name: nameOf(email) });
  await page.getByRole('heading', { name: 'Your homepage' }).waitFor();
}

/** The link of the newest invitation email to an address, as delivered to the SMTP server. */
async function invitationLink(to: string): Promise<string> {
  const token = await waitFor(
    `an invitation email to ${to}`,
    async () => tokenFromEmail(smtp.to(to).at(-1)!, webUrl),
    10_000,
  );
  return `${webUrl}/invitations/accept?token=${token}`;
}

async function openOrganization(name: string): Promise<void> {
  await page.getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

const membersTable = () => page.getByRole('table').filter({ has: page.getByText(/^Members of/) });
const rowOf = (email: string) => membersTable().getByRole('row').filter({ hasText: email });

async function invite(email: string, role: string): Promise<void> {
  await page.getByRole('button', { name: 'Invite a member' }).click();
  await page.getByLabel(/Email addresses/).fill(email);
  await page.getByLabel('Role to give').selectOption({ label: role });
  await page.getByRole('button', { name: 'Send invitations' }).click();
  await page.getByText(`${email}: invited, an email is on its way`).waitFor();
}

/** Opens an invitation link signed out, signs in as `email` and accepts. */
async function acceptAs(link: string, email: string): Promise<void> {
  await signedOut();
  await page.goto(link);
  await signIn(email, { name: nameOf(email) });
  await page.getByRole('button', { name: 'Accept the invitation' }).click();
  await page.getByText('Welcome! You are now a member.').waitFor();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  if (!existsSync(join(WEB_DIR, 'index.html'))) throw new Error('the web app is not built: npm run web:build');
  mkdirSync(SCREENSHOTS, { recursive: true });
  smtp = await new TestSmtpServer().start();
  // The web server first: its address is APP_URL, which the emailed links and CORS use.
  let handler: http.RequestListener = (_req, res) => res.end();
  webServer = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((done) => webServer.listen(0, '127.0.0.1', done));
  webUrl = `http://127.0.0.1:${(webServer.address() as AddressInfo).port}`;
  const config = loadConfig({
    NODE_ENV: 'development',
    APP_URL: webUrl,
    SMTP_URL: smtp.url,
    OUTBOX_POLL_MS: '100',
  });
  db = await openDatabase(`sqlite:${join(mkdtempSync(join(tmpdir(), 'web-')), 'web.sqlite')}`);
  app = await createApp(config, db, createLogger({ silent: true }));
  await new Promise<void>((done) => app.httpServer.listen(0, '127.0.0.1', done));
  apiUrl = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}/graphql`;
  handler = webAppHandler(config, { dir: WEB_DIR, graphqlUrl: apiUrl });
  app.outbox.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => console.error('error in the page:', error.message));
});

afterAll(async () => {
  await browser?.close();
  await app?.outbox.stop();
  await app?.apollo.stop();
  webServer?.close();
  await db?.destroy();
  await smtp?.stop();
});

/**
 * Each test's own organization (named `label`, with workspace "Web" and domain shop.example.com),
 * made through the API by its own ADMIN; `members` join through real invitations and emails.
 */
async function organizationOf(label: string, members: [email: string, role: string][] = []) {
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
  await api(
    admin,
    'mutation($w: ID!) { createDomain(input: { workspaceId: $w, hostname: "shop.example.com" }) { id } }',
    {
      w: workspace.createWorkspace.id,
    },
  );
  for (const [email, role] of members) {
    await api(admin, 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }', {
      i: { scope: { organizationId: id }, email, role },
    });
    const token = new URL(await invitationLink(email)).searchParams.get('token');
    await api(email, 'mutation($t: String!) { acceptInvitation(input: { token: $t }) { id } }', { t: token });
  }
  return { id, name, admin };
}

describe('the reference web app in chromium', () => {
  it('an admin creates an organization on the homepage and lands in its Members section', async () => {
    const admin = address('creator');
    await home(admin);
    await page.getByLabel('New organization').fill(`Acme ${unique}`);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: `Acme ${unique}` }).waitFor();
    await rowOf(admin).waitFor();
    expect(await rowOf(admin).getByRole('cell').nth(3).textContent()).toBe('Admin');
    // The only ADMIN: the server offers no role change and no removal of them.
    expect(await rowOf(admin).getByRole('combobox').count()).toBe(0);
    expect(
      await rowOf(admin)
        .getByRole('button', { name: /Remove/ })
        .count(),
    ).toBe(0);
  });

  it('invite → email → link → wrong address refused → right address accepts → role changed → removed', async () => {
    const { name, admin } = await organizationOf('Flow');
    const newcomer = address('newcomer');
    await home(admin);
    await openOrganization(name);
    await invite(newcomer, 'Member');
    const link = await invitationLink(newcomer);
    expect(link.startsWith(`${webUrl}/invitations/accept?token=`)).toBe(true);

    await signOut();
    await page.goto(link);
    await page.getByRole('heading', { name: `Join ${name}` }).waitFor();
    expect(await page.locator('.preview').textContent()).toContain(newcomer);
    await page.getByRole('heading', { name: `Sign in with ${newcomer}` }).waitFor();
    await screenshot('invitation-preview');
    await signIn(address('intruder'));
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/another address/i);
    await screenshot('invitation-wrong-address');
    await page.getByRole('button', { name: `Sign in with ${newcomer} instead` }).click();
    await signIn(newcomer, { name: nameOf(newcomer) });
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.getByText('Welcome! You are now a member.').waitFor();
    await screenshot('invitation-accepted');

    await home(admin);
    await openOrganization(name);
    await rowOf(newcomer).waitFor();
    await screenshot('members');
    await rowOf(newcomer)
      .getByRole('combobox', { name: /Role of/ })
      .selectOption({ label: 'Accounting' });
    // The effective role, re-read from the server after the change.
    await rowOf(newcomer)
      .locator('td:nth-child(4)', { hasText: /^Accounting$/ })
      .waitFor();
    await rowOf(newcomer)
      .getByRole('button', { name: /^Remove/ })
      .click();
    await rowOf(newcomer).getByRole('button', { name: 'Yes, remove' }).click();
    await rowOf(newcomer).waitFor({ state: 'detached' });
  });

  it('invitations at a workspace and at a domain are accepted from their emails and show in those tabs', async () => {
    const { name, admin } = await organizationOf('Tree');
    const wsPerson = address('ws-person');
    const domainPerson = address('domain-person');
    await home(admin);
    await openOrganization(name);
    await page.getByRole('tab', { name: 'Workspaces' }).click();
    await invite(wsPerson, 'Admin');
    await page.getByRole('tab', { name: 'Domains' }).click();
    await invite(domainPerson, 'Member');
    await acceptAs(await invitationLink(wsPerson), wsPerson);
    await acceptAs(await invitationLink(domainPerson), domainPerson);

    await home(admin);
    await openOrganization(name);
    await page.getByRole('tab', { name: 'Workspaces' }).click();
    await rowOf(wsPerson).waitFor();
    await screenshot('members-workspace');
    await page.getByRole('tab', { name: 'Domains' }).click();
    await rowOf(domainPerson).waitFor();
    // Everyone in a workspace or domain is in the organization too.
    await page.getByRole('tab', { name: 'Organization' }).click();
    await rowOf(domainPerson).waitFor();
  });

  it('the pending invitations show their delivery; resend keeps one, revoke ends it', async () => {
    const { id, name, admin } = await organizationOf('Pending');
    const pending = address('pending');
    await home(admin);
    await openOrganization(name);
    await invite(pending, 'Member');
    await invitationLink(pending); // delivered to the SMTP server
    const pendingTable = () => page.getByRole('table').filter({ hasText: 'Delivery' });
    // The list is re-read when the page is: the delivery is then known.
    await page.reload();
    await pendingTable().getByRole('row').filter({ hasText: pending }).getByText('email delivered').waitFor();
    await screenshot('pending-invitations');
    const before = smtp.to(pending).length;
    await page.getByRole('button', { name: `Resend to ${pending}` }).click();
    await waitFor('the resent email', async () => smtp.to(pending).length > before, 10_000);
    await page.getByRole('button', { name: `Revoke invitation of ${pending}` }).click();
    await pendingTable().getByRole('row').filter({ hasText: pending }).waitFor({ state: 'detached' });
    const revoked = await api(
      admin,
      'query($o: ID!) { organization(id: $o) { invitations(status: REVOKED) { email } } }',
      {
        o: id,
      },
    );
    expect(revoked.organization.invitations.map((i: { email: string }) => i.email)).toContain(pending);
  });

  it('the homepage lists an invitation to someone already signed up; Accept there joins', async () => {
    const { name, admin } = await organizationOf('Homepage');
    const invited = address('homepage');
    await home(invited); // signs up, belongs nowhere yet
    await home(admin);
    await openOrganization(name);
    await invite(invited, 'Member');
    await home(invited);
    await page
      .getByRole('listitem')
      .filter({ hasText: `Member of ${name}` })
      .waitFor();
    await screenshot('homepage-invitation');
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
  });

  it('search, role filter and order narrow and sort the members list', async () => {
    const { name, admin } = await organizationOf('Search', [
      [address('alpha'), 'MEMBER'],
      [address('omega'), 'MEMBER'],
      [address('zulu'), 'ACCOUNTING'],
    ]);
    await home(admin);
    await openOrganization(name);
    await rowOf(address('zulu')).waitFor();
    await page.getByLabel('Search').fill('omega');
    await membersTable().getByRole('row').filter({ hasText: admin }).waitFor({ state: 'detached' });
    expect(await membersTable().getByRole('row').count()).toBe(2); // header + the one match
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Filter by role').selectOption({ label: 'Accounting' });
    await page.getByText(`Members of ${name} (1)`).waitFor();
    await rowOf(address('zulu')).waitFor();
    await page.getByLabel('Filter by role').selectOption({ label: 'Any role' });
    await page.getByLabel('Sort by').selectOption({ label: 'Email, Z to A' });
    await waitFor(
      'the list in email order, Z to A',
      async () => {
        const emails = await membersTable().locator('tbody tr td:nth-child(2)').allTextContents();
        return emails.length === 4 && emails.every((email, i) => i === 0 || emails[i - 1] >= email);
      },
      10_000,
    );
  });

  it('an unverified address, an expired or answered invitation and a bad link each get the clear message', async () => {
    const { name, admin } = await organizationOf('Messages');
    const unverified = address('unverified');
    await home(admin);
    await openOrganization(name);
    await invite(unverified, 'Member');
    const link = await invitationLink(unverified);
    await signOut();
    await page.goto(link);
    await signIn(unverified, { verified: false });
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/verif/i);
    await signOut();
    await page.goto(link);
    await signIn(unverified);
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.getByText('Welcome! You are now a member.').waitFor();
    await page.goto(link);
    await page.getByText('This invitation is accepted: it can no longer be answered.').waitFor();
    // An invitation past its date: the page says so, and offers no button the server would refuse.
    const late = address('late');
    await home(admin);
    await openOrganization(name);
    await invite(late, 'Member');
    const lateLink = await invitationLink(late);
    await db.query("UPDATE invitations SET expires_at = '2020-01-01 00:00:00.000' WHERE email = ?", [late]);
    await page.goto(lateLink);
    await page.getByText('This invitation is expired: it can no longer be answered.').waitFor();
    expect(await page.getByRole('button', { name: 'Accept the invitation' }).count()).toBe(0);
    await page.goto(`${webUrl}/invitations/accept?token=not-a-token`);
    await page.getByText('This invitation link is not valid.').waitFor();
  });

  it('a plain member sees the members but no invite, role or remove controls, and no billing', async () => {
    const plain = address('plain');
    const { name, admin } = await organizationOf('Plain', [[plain, 'MEMBER']]);
    await home(plain);
    await openOrganization(name);
    await rowOf(admin).waitFor();
    expect(await page.getByRole('button', { name: 'Invite a member' }).count()).toBe(0);
    expect(await membersTable().getByRole('combobox').count()).toBe(0);
    expect(await membersTable().getByRole('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Billing' }).count()).toBe(0);
    await screenshot('members-as-plain-member');
  });

  it('ACCOUNTING edits the billing information and has no member controls', async () => {
    const accountant = address('accountant');
    const { id, name, admin } = await organizationOf('Billing', [[accountant, 'ACCOUNTING']]);
    await home(accountant);
    await openOrganization(name);
    await rowOf(admin).waitFor();
    expect(await page.getByRole('button', { name: 'Invite a member' }).count()).toBe(0);
    expect(await membersTable().getByRole('combobox').count()).toBe(0);
    expect(await membersTable().getByRole('button').count()).toBe(0);
    await page.getByRole('button', { name: 'Billing' }).click();
    await page.getByLabel('Legal name').fill('Acme SARL');
    await page.getByRole('button', { name: 'Save organization invoicing' }).click();
    await page.getByText('Saved.').waitFor();
    await screenshot('billing');
    const saved = await api(admin, 'query($o: ID!) { organization(id: $o) { billingProfile { legalName } } }', {
      o: id,
    });
    expect(saved.organization.billingProfile.legalName).toBe('Acme SARL');
  });
});
