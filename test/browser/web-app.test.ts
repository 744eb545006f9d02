import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { type App, createApp } from '../../src/http/app';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { type Config, DEVELOPMENT_JWT_SECRET, loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';
import { DEMO_ORGANIZATION, demoPersonByEmail, developmentSubject } from '../../src/dev/demo-people';
import { webAppHandler } from '../../src/dev/web-app';
import { createLogger } from '../../src/observability/logger';
import { DnsResponder } from '../../src/dev/dns-responder';
import { waitFor } from '../support/processes';
import { TestSmtpServer, tokenFromEmail } from '../support/smtp';
import { webhookReceiver } from '../support/http';

/**
 * The reference web app (examples/web) in a real browser — Debian's chromium driven by
 * playwright-core — against the real server on SQLite, with invitation emails delivered to a real
 * SMTP server on loopback and their links opened in the browser, email domains verified against a
 * DNS responder on loopback, and webhooks delivered to an HTTP receiver on loopback. axe-core
 * checks every screen against WCAG 2.1 AA. Screenshots of every screen go to test/screenshots/.
 * `npm run test:browser` builds the app first; CI installs chromium.
 */
jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve(__dirname, '../screenshots');
const WEB_DIR = resolve(__dirname, '../../examples/web/dist');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** The identity provider's signing secret (Standard Webhooks), for its user events. */
const IDENTITY_SECRET = `whsec_${Buffer.alloc(32, 'browser-identity-provider').toString('base64')}`;

let smtp: TestSmtpServer;
let dns: DnsResponder;
let app: App;
let webServer: http.Server;
let webUrl: string;
let apiUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let db: Awaited<ReturnType<typeof openDatabase>>;
let config: Config;
/** Every screen axe checked, for the summary printed at the end. */
const checkedScreens = new Set<string>();

const unique = Math.random().toString(36).slice(2, 8);
const address = (label: string) => `${label}-${unique}@example.test`;
/** Dates as the browser shows them: the context runs in en-GB and UTC. */
const DAY = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
const dayInput = (offsetDays: number) => new Date(Date.now() + offsetDays * 86400_000).toISOString().slice(0, 10);
const shownDay = (input: string) => DAY.format(new Date(`${input}T12:00:00Z`));

/** A GraphQL call as someone (set-up steps, and checks of what the server holds). */
async function api(email: string, query: string, variables: Record<string, unknown> = {}) {
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

/** The whole page, or with `window` what the window shows (a dialog over the page). */
async function screenshot(name: string, options: { window?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: !options.window });
}

/** axe-core on the page as it is (dialogs included): no WCAG 2.1 A/AA violation. */
async function expectAccessible(screen: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) {
    // Evaluated, not added as a <script>: the app's Content-Security-Policy refuses inline scripts.
    await page.evaluate(readFileSync(require.resolve('axe-core'), 'utf8'));
  }
  const violations = await page.evaluate(async (tags) => {
    const axe = (globalThis as unknown as { axe: any }).axe;
    const result = await axe.run((globalThis as any).document, { runOnly: { type: 'tag', values: tags } });
    return (result.violations as any[]).map((v) => ({
      rule: v.id,
      help: v.help,
      nodes: (v.nodes as any[]).map((n) => `${n.target.join(' ')} — ${n.failureSummary}`),
    }));
  }, AXE_TAGS);
  expect({ screen, violations }).toEqual({ screen, violations: [] });
  checkedScreens.add(screen);
}

/** No horizontal scroll: the page is no wider than the window (else, what sticks out). */
async function expectNoHorizontalScroll(screen: string): Promise<void> {
  const found = await page.evaluate(() => {
    const { document, innerWidth } = globalThis as any;
    const outside = [...document.querySelectorAll('body *')]
      .filter((el: any) => el.getBoundingClientRect().right > innerWidth + 0.5 && el.getClientRects().length > 0)
      .slice(-5)
      .map(
        (el: any) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)})`,
      );
    return { page: document.documentElement.scrollWidth as number, window: innerWidth as number, outside };
  });
  const fits = found.page <= found.window;
  expect({ screen, fits, outside: fits ? [] : found.outside }).toEqual({ screen, fits: true, outside: [] });
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
function nameOf(email: string): string {
  return email.charAt(0).toUpperCase() + email.slice(1).split(/[-@]/)[0];
}

/** Signs in afresh on the homepage. */
async function home(email: string): Promise<void> {
  await signedOut();
  await signIn(email, { name: nameOf(email) });
  await page.getByRole('heading', { level: 1, name: 'Your organizations' }).waitFor();
}

/** The link of the newest invitation email to an address, as delivered to the SMTP server. */
async function invitationLink(to: string, after = 0): Promise<string> {
  const token = await waitFor(
    `an invitation email to ${to}`,
    async () => smtp.to(to).length > after && tokenFromEmail(smtp.to(to).at(-1)!, webUrl),
    10_000,
  );
  return `${webUrl}/invitations/accept?token=${token}`;
}

async function openOrganization(name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

async function openSection(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Organization sections' }).getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 2, name }).waitFor();
}

const status = () => page.getByRole('status');
async function expectStatus(text: string | RegExp): Promise<void> {
  await status().filter({ hasText: text }).waitFor();
}

const dialog = (name?: string | RegExp) => page.getByRole('dialog', name ? { name } : {});
const membersTable = () => page.getByRole('table', { name: /^(Direct )?[Mm]embers of/ });
const inheritedTable = () => page.getByRole('table', { name: /^Access inherited from above/ });
const pendingTable = () => page.getByRole('table', { name: /^Pending invitations/ });
const rowOf = (email: string, table = membersTable()) => table.getByRole('row').filter({ hasText: email });

/** Opens a row's "⋯" menu and returns its items' names. */
async function menuItems(row: Locator): Promise<string[]> {
  await row.getByRole('button', { name: /^Actions for/ }).click();
  const menu = page.getByRole('menu');
  await menu.waitFor();
  const items = await menu.getByRole('menuitem').allTextContents();
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });
  return items;
}

async function rowAction(row: Locator, item: string): Promise<void> {
  await row.getByRole('button', { name: /^Actions for/ }).click();
  await page.getByRole('menu').getByRole('menuitem', { name: item }).click();
}

/** Invites through the dialog and waits for each address's answer; returns the results list. */
async function inviteThroughDialog(
  emails: string,
  role: string,
  options: { until?: string; keepOpen?: boolean } = {},
): Promise<Locator> {
  await page.getByRole('button', { name: 'Invite people' }).click();
  const invite = dialog(/^Invite people to/);
  await invite.getByLabel('Email addresses').fill(emails);
  await invite.getByRole('radio', { name: role, exact: true }).check();
  if (options.until) {
    await invite.getByLabel('Access ends on a set day').check();
    await invite.getByLabel(/^Access until/).fill(options.until);
  }
  await invite.getByRole('button', { name: 'Send invitations' }).click();
  const results = invite.getByRole('list', { name: 'Invitation results' });
  await results.waitFor();
  if (!options.keepOpen) {
    await invite.getByRole('button', { name: 'Done' }).click();
    await invite.waitFor({ state: 'detached' });
  }
  return results;
}

async function invite(email: string, role: string, options: { until?: string } = {}): Promise<void> {
  const results = await inviteThroughDialog(email, role, { ...options, keepOpen: true });
  await results.getByText(`Invited as ${role}`).waitFor();
  await dialog().getByRole('button', { name: 'Done' }).click();
}

/** Opens an invitation link signed out, signs in as `email` and accepts. */
async function acceptAs(link: string, email: string): Promise<void> {
  await signedOut();
  await page.goto(link);
  await signIn(email, { name: nameOf(email) });
  await page.getByRole('button', { name: 'Accept the invitation' }).click();
  await page.getByText(/^Welcome to /).waitFor();
}

/** Presses a key (Tab by default) until `target` has focus: what a keyboard user does. */
async function tabTo(target: Locator, options: { key?: string; max?: number } = {}): Promise<void> {
  const { key = 'Tab', max = 80 } = options;
  await target.waitFor();
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === (globalThis as any).document.activeElement)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${target} was not reached with ${max} presses of ${key}`);
}

/** Waits until `target` holds the focus (after a dialog opens or closes). */
async function focused(target: Locator): Promise<void> {
  await waitFor('the focus', () => target.evaluate((el) => el === (globalThis as any).document.activeElement), 5_000);
}

/** What the app's Content-Security-Policy refused, in any page (docs/domain-rules.md §8): nothing, each test checks. */
const cspViolations: string[] = [];

function newPageListeners(p: Page): void {
  p.setDefaultTimeout(10_000);
  p.on('pageerror', (error) => console.error('error in the page:', error.message));
  // Chromium reports each refusal on the console ("Refused to … because it violates … Content Security Policy").
  p.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${p.url()}: ${message.text()}`);
  });
}

afterEach(() => {
  expect(cspViolations.splice(0)).toEqual([]);
});

/** Toasts off, for pictures: through the CSSOM, which the CSP allows (a <style> tag it refuses). */
async function hideToasts(): Promise<void> {
  await page.evaluate(() => {
    const sheet = (globalThis as any).document.styleSheets[0];
    sheet.insertRule('.toast-region { display: none; }', sheet.cssRules.length);
  });
}

beforeAll(async () => {
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
});

afterAll(async () => {
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
  const domain = await api(
    admin,
    'mutation($w: ID!) { createDomain(input: { workspaceId: $w, hostname: "shop.example.com" }) { id } }',
    { w: workspace.createWorkspace.id },
  );
  for (const [email, role] of members) await joinByInvitation(admin, { organizationId: id }, email, role);
  return { id, name, admin, workspaceId: workspace.createWorkspace.id as string, domainId: domain.createDomain.id };
}

/** Someone joins a scope through a real invitation and its email. */
async function joinByInvitation(
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

describe('the web app in chromium: members, invitations, roles', () => {
  it('runs under its Content-Security-Policy, which the page would report refusing', async () => {
    const answer = await page.goto(webUrl);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(answer?.headers()['x-frame-options']).toBe('DENY');
    await home(address('policy'));
    // The check itself: an inline script is refused and reported, so a silent console means something.
    await page.evaluate(() => {
      const script = (globalThis as any).document.createElement('script');
      script.textContent = 'globalThis.inlineRan = true';
      (globalThis as any).document.body.append(script);
    });
    await waitFor('the refusal to be reported', async () => cspViolations.length > 0, 5_000);
    expect(await page.evaluate(() => (globalThis as any).inlineRan)).toBeUndefined();
    expect(cspViolations.splice(0)).toEqual([expect.stringMatching(/inline script/)]);
  });

  it('an admin creates an organization on the homepage and lands in its Members section', async () => {
    const admin = address('creator');
    await home(admin);
    await page.getByText('You do not belong to an organization yet.').waitFor();
    await expectAccessible('homepage, no organization');
    await page.getByLabel('New organization').fill(`Acme ${unique}`);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { level: 1, name: `Acme ${unique}` }).waitFor();
    await expectStatus(`Acme ${unique} created: you are its Admin.`);
    expect(new URL(page.url()).pathname).toMatch(/^\/organizations\/[^/]+\/members$/);
    await rowOf(admin).waitFor();
    expect(await rowOf(admin).getByText('(you)').count()).toBe(1);
    expect(await rowOf(admin).getByText('Admin', { exact: true }).count()).toBe(1);
    expect(await page.getByTestId('your-role').textContent()).toBe('Your role: Admin of the organization');
    await page.getByText('1 seat used · no limit').waitFor();
    // The only ADMIN: the server offers no role change and no removal of them; leaving is theirs.
    expect(await menuItems(rowOf(admin))).toEqual(['Why this access?', 'Leave organization…']);
    await expectAccessible('members, organization tab');
    await screenshot('members-new-organization');
  });

  it('invite → email → link → wrong account warned before any click → right account accepts → role changed → removed', async () => {
    const { name, admin } = await organizationOf('Flow');
    const newcomer = address('newcomer');
    await home(admin);
    await openOrganization(name);
    await page.getByRole('button', { name: 'Invite people' }).click();
    await dialog(/^Invite people to/).waitFor();
    await expectAccessible('invite dialog');
    await page.keyboard.press('Escape');
    await invite(newcomer, 'Member');
    await expectStatus('1 invitation sent.');
    await rowOf(newcomer, pendingTable()).waitFor();
    const link = await invitationLink(newcomer);
    expect(link.startsWith(`${webUrl}/invitations/accept?token=`)).toBe(true);

    await signOut();
    await page.goto(link);
    await page.getByRole('heading', { name: `Join ${name}` }).waitFor();
    expect(await page.locator('.preview').textContent()).toContain(newcomer);
    await page.getByRole('heading', { name: `Sign in with ${newcomer}` }).waitFor();
    await expectAccessible('accept page, signed out');
    await screenshot('invitation-preview');
    await signIn(address('intruder'));
    // The page knows both addresses: it says so before any click, and offers no Accept.
    await page.getByText(`This invitation is for ${newcomer}`).waitFor();
    expect(await page.getByRole('button', { name: 'Accept the invitation' }).count()).toBe(0);
    await expectAccessible('accept page, another account');
    await screenshot('invitation-wrong-address');
    await page.getByRole('button', { name: `Sign in with ${newcomer} instead` }).click();
    await signIn(newcomer, { name: nameOf(newcomer) });
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.getByText(`Welcome to ${name}!`).waitFor();
    await page.getByText(`You joined ${name} as Member.`).waitFor();
    await expectAccessible('accept page, accepted');
    await screenshot('invitation-accepted');

    await home(admin);
    await openOrganization(name);
    await rowOf(newcomer).waitFor();
    await screenshot('members');
    // A role change is a dialog: nothing changes on picking, the button says what will.
    await rowAction(rowOf(newcomer), 'Change role…');
    const roleDialog = dialog(`Change the role of Newcomer`);
    await roleDialog.waitFor();
    expect(
      await roleDialog.getByRole('radio').evaluateAll((radios) => radios.map((r) => r.getAttribute('value'))),
    ).toEqual(['ADMIN', 'ACCOUNTING', 'MEMBER']);
    expect(await roleDialog.getByRole('button', { name: 'Change to Member' }).isDisabled()).toBe(true);
    await roleDialog.getByRole('radio', { name: 'Accounting', exact: true }).check();
    await expectAccessible('change role dialog');
    await roleDialog.getByRole('button', { name: 'Change to Accounting' }).click();
    await expectStatus(`Newcomer is now Accounting in the organization ${name}.`);
    await rowOf(newcomer).getByText('Accounting', { exact: true }).waitFor();
    // Promoting to Admin says what an Admin can do, and asks in so many words.
    await rowAction(rowOf(newcomer), 'Change role…');
    await roleDialog.getByRole('radio', { name: 'Admin', exact: true }).check();
    await roleDialog.getByText('Admins have full control').waitFor();
    await roleDialog.getByRole('button', { name: 'Make Newcomer an Admin' }).click();
    await expectStatus(`Newcomer is now Admin in the organization ${name}.`);
    await rowOf(newcomer).getByText('Admin', { exact: true }).waitFor();
    // Removal says what goes with the person.
    await rowAction(rowOf(newcomer), 'Remove…');
    const removeDialog = dialog(`Remove Newcomer from ${name}?`);
    await removeDialog.getByText('their membership of every workspace and domain').waitFor();
    await removeDialog.getByText(/pending invitations sent to .* or by them/).waitFor();
    await expectAccessible('remove dialog');
    await removeDialog.getByRole('button', { name: 'Remove Newcomer' }).click();
    await rowOf(newcomer).waitFor({ state: 'detached' });
    await expectStatus(
      `Newcomer was removed from ${name}, with their workspace and domain memberships and pending invitations.`,
    );
  });

  it('the seed flow with the keyboard alone: invite, email link, accept, change the role, remove', async () => {
    const { name, admin } = await organizationOf('Keys');
    const guest = address('guest');
    /** Types the address (unless the page has it already) and the name, then presses Sign in. */
    const signInByKeyboard = async (email: string, options: { prefilled?: boolean } = {}) => {
      if (!options.prefilled) {
        await tabTo(page.getByLabel('Email', { exact: true }));
        await page.keyboard.type(email);
      }
      await tabTo(page.getByLabel('Name (optional)'));
      await page.keyboard.type(nameOf(email));
      await tabTo(page.getByRole('button', { name: 'Sign in', exact: true }));
      await page.keyboard.press('Enter');
    };
    await page.goto(webUrl);
    await page.evaluate(() => (globalThis as any).localStorage.clear());
    await page.goto(webUrl);
    await signInByKeyboard(admin);
    await tabTo(page.getByRole('link', { name, exact: true }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name }).waitFor();

    // Invite: the dialog opens on the addresses; ↑/↓ pick the role; Enter sends; Escape closes.
    await tabTo(page.getByRole('button', { name: 'Invite people' }));
    await page.keyboard.press('Enter');
    const invite = dialog(/^Invite people to/);
    await focused(invite.getByLabel('Email addresses'));
    await page.keyboard.type(guest);
    await page.keyboard.press('Tab');
    await focused(invite.getByRole('radio', { name: 'Member', exact: true }));
    await page.keyboard.press('ArrowUp');
    expect(await invite.getByRole('radio', { name: 'Accounting', exact: true }).isChecked()).toBe(true);
    await page.keyboard.press('ArrowDown');
    await tabTo(invite.getByRole('button', { name: 'Send invitations' }));
    await page.keyboard.press('Enter');
    await invite.getByText('Invited as Member').waitFor();
    await page.keyboard.press('Escape');
    await invite.waitFor({ state: 'detached' });
    await focused(page.getByRole('button', { name: 'Invite people' }));

    // The link, opened as the email's reader would; sign-in is prefilled with the invited address.
    const link = await invitationLink(guest);
    await tabTo(page.getByRole('button', { name: 'Sign out' }), { key: 'Shift+Tab' });
    await page.keyboard.press('Enter');
    await page.goto(link);
    await page.getByRole('heading', { name: `Sign in with ${guest}` }).waitFor();
    expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(guest);
    await signInByKeyboard(guest, { prefilled: true });
    await tabTo(page.getByRole('button', { name: 'Accept the invitation' }));
    await page.keyboard.press('Enter');
    await page.getByText(`You joined ${name} as Member.`).waitFor();
    await tabTo(page.getByRole('link', { name: 'Go to your homepage' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Your organizations' }).waitFor();

    await tabTo(page.getByRole('button', { name: 'Sign out' }), { key: 'Shift+Tab' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await signInByKeyboard(admin);
    await tabTo(page.getByRole('link', { name, exact: true }));
    await page.keyboard.press('Enter');
    await rowOf(guest).waitFor();

    // Role: the row's menu opens on its first item; the dialog opens on the current role.
    const actions = rowOf(guest).getByRole('button', { name: 'Actions for Guest' });
    await tabTo(actions);
    await page.keyboard.press('Enter');
    await focused(page.getByRole('menuitem', { name: 'Change role…' }));
    await page.keyboard.press('Enter');
    const roleDialog = dialog('Change the role of Guest');
    await focused(roleDialog.getByRole('radio', { name: 'Member (current)' }));
    await page.keyboard.press('ArrowUp');
    await tabTo(roleDialog.getByRole('button', { name: 'Change to Accounting' }));
    await page.keyboard.press('Enter');
    await expectStatus(`Guest is now Accounting in the organization ${name}.`);
    await rowOf(guest).getByText('Accounting', { exact: true }).waitFor();
    await focused(actions);

    // Removal: End reaches the menu's last item; the dialog starts on Cancel.
    await page.keyboard.press('Enter');
    await page.getByRole('menu').waitFor();
    await page.keyboard.press('End');
    await focused(page.getByRole('menuitem', { name: 'Remove…' }));
    await page.keyboard.press('Enter');
    const removeDialog = dialog(`Remove Guest from ${name}?`);
    await focused(removeDialog.getByRole('button', { name: 'Cancel' }));
    await page.keyboard.press('Tab');
    await focused(removeDialog.getByRole('button', { name: 'Remove Guest' }));
    await page.keyboard.press('Enter');
    await rowOf(guest).waitFor({ state: 'detached' });
    await expectStatus(/^Guest was removed from/);
  });

  it('workspace and domain invitations: the real role on the welcome and the header, inherited access listed', async () => {
    const { name, admin } = await organizationOf('Tree');
    const wsPerson = address('lead');
    const domainPerson = address('editor');
    await home(admin);
    await openOrganization(name);
    await page.getByRole('tab', { name: 'Workspaces' }).click();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('workspaces');
    await invite(wsPerson, 'Admin');
    await page.getByRole('tab', { name: 'Domains' }).click();
    await invite(domainPerson, 'Member');

    await signedOut();
    await page.goto(await invitationLink(wsPerson));
    await signIn(wsPerson, { name: nameOf(wsPerson) });
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.getByText(`You joined the workspace Web in ${name} as Admin.`).waitFor();
    await page.getByRole('link', { name: `Open ${name}` }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    // A workspace Admin is told so, not "Member".
    expect(await page.getByTestId('your-role').textContent()).toBe(
      'Your role: Member of the organization · Admin of the workspace Web',
    );
    await acceptAs(await invitationLink(domainPerson), domainPerson);
    await page.getByText(`You joined the domain shop.example.com in ${name} as Member.`).waitFor();

    await home(admin);
    await openOrganization(name);
    await page.getByRole('tab', { name: 'Workspaces' }).click();
    await rowOf(wsPerson).waitFor();
    // The organization's Admin administers the workspace: listed as inherited, as GitLab does.
    await rowOf(admin, inheritedTable()).getByText('Inherited from the organization').waitFor();
    await expectAccessible('members, workspace tab');
    await screenshot('members-workspace');
    await page.getByRole('tab', { name: 'Domains' }).click();
    await rowOf(domainPerson).waitFor();
    await rowOf(wsPerson, inheritedTable()).getByText('Inherited from the workspace Web').waitFor();
    await rowOf(admin, inheritedTable()).getByText('Inherited from the organization').waitFor();
    await rowAction(rowOf(admin, inheritedTable()), 'Why this access?');
    const why = dialog('Why Treeadmin has access');
    await why.getByText(`Admin of the organization ${name}`).waitFor();
    await why.getByText('Change roles and remove people').waitFor();
    await expectAccessible('why this access dialog');
    await why.getByRole('button', { name: 'Close' }).first().click();
    await expectAccessible('members, domain tab');
    // The tab and the scope are in the URL: a reload lands on the same list.
    await page.reload();
    await rowOf(domainPerson).waitFor();
    expect(await page.getByRole('tab', { name: 'Domains' }).getAttribute('aria-selected')).toBe('true');
    // Everyone in a workspace or domain is in the organization too.
    await page.getByRole('tab', { name: 'Organization' }).click();
    await rowOf(domainPerson).waitFor();
    // Removing them from the organization names the memberships that go with them.
    await rowAction(rowOf(wsPerson), 'Remove…');
    const removal = dialog(`Remove Lead from ${name}?`);
    await removal
      .getByRole('list', { name: "Lead's memberships below the organization" })
      .getByText('Admin of the workspace Web', { exact: true })
      .waitFor();
    await expectAccessible('remove dialog naming the memberships');
    await removal.getByRole('button', { name: 'Cancel' }).click();
    await removal.waitFor({ state: 'detached' });
    await rowAction(rowOf(domainPerson), 'Remove…');
    await dialog(`Remove Editor from ${name}?`)
      .getByText('Member of the domain shop.example.com', { exact: true })
      .waitFor();
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
  });

  it('pending invitations say whether their email was sent; resend renews the link, revoke ends it', async () => {
    const { id, name, admin } = await organizationOf('Pending');
    const pending = address('pending');
    await home(admin);
    await openOrganization(name);
    await invite(pending, 'Member');
    await invitationLink(pending); // the SMTP server took it
    // The list is read again when the window gets focus: the email is then known to be sent.
    await page.evaluate(() => (globalThis as any).dispatchEvent(new Event('focus')));
    await rowOf(pending, pendingTable()).getByText('Sent', { exact: true }).waitFor();
    await expectAccessible('pending invitations');
    await screenshot('pending-invitations');
    const before = smtp.to(pending).length;
    await rowAction(rowOf(pending, pendingTable()), 'Resend invitation');
    await expectStatus(`Invitation to ${pending} resent: a new link is on its way, the old one no longer works.`);
    await waitFor('the resent email', async () => smtp.to(pending).length > before, 10_000);
    await rowAction(rowOf(pending, pendingTable()), 'Revoke invitation…');
    await expectAccessible('revoke dialog');
    await dialog(`Revoke the invitation to ${pending}?`).getByRole('button', { name: 'Revoke invitation' }).click();
    await expectStatus(`The invitation to ${pending} was revoked; its link no longer works.`);
    await page.getByText(`No invitation to ${name} is waiting for an answer.`).waitFor();
    const revoked = await api(
      admin,
      'query($o: ID!) { organization(id: $o) { invitations(status: REVOKED) { email } } }',
      {
        o: id,
      },
    );
    expect(revoked.organization.invitations.map((i: { email: string }) => i.email)).toContain(pending);
  });

  it('a bulk invite refused for a pending address offers Resend in its row', async () => {
    const { name, admin } = await organizationOf('Bulk');
    const already = address('already');
    const fresh = address('fresh');
    await home(admin);
    await openOrganization(name);
    await invite(already, 'Member');
    await invitationLink(already);
    const results = await inviteThroughDialog(`${already}, ${fresh}`, 'Member', { keepOpen: true });
    await results.getByRole('listitem').filter({ hasText: fresh }).getByText('Invited as Member').waitFor();
    const refused = results.getByRole('listitem').filter({ hasText: already });
    await refused.getByText(/pending/i).waitFor();
    await expectStatus('1 invitation sent, 1 refused.');
    await expectAccessible('invite dialog with results');
    const before = smtp.to(already).length;
    await refused.getByRole('button', { name: `Resend the invitation to ${already}` }).click();
    await refused.getByText('Invitation resent: a new link is on its way, the old one no longer works.').waitFor();
    await waitFor('the resent email', async () => smtp.to(already).length > before, 10_000);
  });

  it('the homepage lists an invitation to someone already signed up; Accept there joins', async () => {
    const { name, admin } = await organizationOf('Homepage');
    const invited = address('homepage');
    await home(invited); // signs up, belongs nowhere yet
    await home(admin);
    await openOrganization(name);
    await invite(invited, 'Member');
    await home(invited);
    const item = page.getByRole('listitem').filter({ hasText: `Member of ${name}` });
    await item.waitFor();
    await page
      .getByText('You do not belong to an organization yet. Accept an invitation above, or create your own.')
      .waitFor();
    await expectAccessible('homepage, invitation waiting');
    await screenshot('homepage-invitation');
    await item.getByRole('button', { name: `Decline the invitation to ${name}` }).click();
    await dialog(`Decline the invitation to ${name}?`).waitFor();
    await expectAccessible('decline dialog');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await item.getByRole('button', { name: `Accept the invitation to ${name}` }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await expectStatus(`Welcome to ${name}! You joined ${name} as Member.`);
  });

  it('search, role filter and order narrow and sort the list, and live in the URL', async () => {
    const { name, admin } = await organizationOf('Search', [
      [address('alpha'), 'MEMBER'],
      [address('omega'), 'MEMBER'],
      [address('zulu'), 'ACCOUNTING'],
    ]);
    await home(admin);
    await openOrganization(name);
    await rowOf(address('zulu')).waitFor();
    await page.getByRole('searchbox', { name: 'Search' }).fill('omega');
    await rowOf(admin).waitFor({ state: 'detached' });
    expect(await membersTable().getByRole('row').count()).toBe(2); // header + the one match
    expect(new URL(page.url()).searchParams.get('q')).toBe('omega');
    await page.reload();
    await rowOf(address('omega')).waitFor();
    expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('omega');
    expect(await membersTable().getByRole('row').count()).toBe(2);
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Accounting' });
    await page.getByRole('table', { name: `Members of ${name} (1)` }).waitFor();
    await rowOf(address('zulu')).waitFor();
    // Back undoes the filter, as in any page of the web.
    await page.goBack();
    await page.getByRole('table', { name: `Members of ${name} (4)` }).waitFor();
    expect(await page.getByLabel('Role', { exact: true }).inputValue()).toBe('');
    await page.getByLabel('Sort by').selectOption({ label: 'Email, Z to A' });
    await waitFor(
      'the list in email order, Z to A',
      async () => {
        const emails = await membersTable().locator('tbody tr .person-email').allTextContents();
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
    await page.getByText('Your address is not marked as verified').waitFor();
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/verif/i);
    await signOut();
    await page.goto(link);
    await signIn(unverified);
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.getByText(`Welcome to ${name}!`).waitFor();
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
    await expectAccessible('accept page, bad link');
  });

  it('a plain member sees the members but no invite, role or remove action, and only their sections', async () => {
    const plain = address('plain');
    const { name, admin } = await organizationOf('Plain', [[plain, 'MEMBER']]);
    await home(plain);
    await openOrganization(name);
    await rowOf(admin).waitFor();
    expect(await page.getByRole('button', { name: 'Invite people' }).count()).toBe(0);
    expect(await menuItems(rowOf(admin))).toEqual(['Why this access?']);
    expect(await menuItems(rowOf(plain))).toEqual(['Why this access?', 'Leave organization…']);
    expect(
      await page.getByRole('navigation', { name: 'Organization sections' }).getByRole('link').allTextContents(),
    ).toEqual(['Members', 'Workspaces', 'Settings']);
    await expectAccessible('members as a plain member');
    await screenshot('members-as-plain-member');
  });

  it('a domain member sees their domain, who reaches it from above, and nothing they may not read', async () => {
    const { name, admin, domainId } = await organizationOf('Scoped');
    const editor = address('editor');
    await joinByInvitation(admin, { domainId }, editor, 'MEMBER');
    await home(editor);
    await openOrganization(name);
    expect(await page.getByTestId('your-role').textContent()).toBe(
      'Your role: Member of the organization · Member of the domain shop.example.com',
    );
    await page.getByRole('tab', { name: 'Workspaces' }).click();
    await page.getByText('There is no workspace here whose members you can see.').waitFor();
    await page.getByRole('tab', { name: 'Domains' }).click();
    await rowOf(editor).waitFor();
    await rowOf(admin, inheritedTable()).getByText('Inherited from the organization').waitFor();
    await page.getByText('You cannot see the members of the workspace Web').waitFor();
    expect(await menuItems(rowOf(editor))).toEqual(['Why this access?', 'Leave domain…']);
    await expectAccessible('members as a domain member');
  });

  it('lists follow what others do: a member added elsewhere shows on focus, with the seats', async () => {
    const { id, name, admin } = await organizationOf('Live');
    const other = address('other');
    await home(admin);
    await openOrganization(name);
    await page.getByText('1 seat used · no limit').waitFor();
    await joinByInvitation(admin, { organizationId: id }, other, 'MEMBER');
    await page.evaluate(() => (globalThis as any).dispatchEvent(new Event('focus')));
    await rowOf(other).waitFor();
    await page.getByText('2 seats used · no limit').waitFor();
  });

  it('the session is shared by the tabs: signing out in one signs out the other', async () => {
    const person = address('tabs');
    await home(person);
    const second = await context.newPage();
    newPageListeners(second);
    try {
      await second.goto(webUrl);
      await second.getByRole('banner').getByText(`Signed in as ${person}`).waitFor();
      await second.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    } finally {
      await second.close();
    }
  });

  it('the development sign-in lists the demo people, one click each', async () => {
    await signedOut();
    const ada = page.getByRole('button', { name: /Ada Lovelace/ });
    await ada.waitFor();
    expect(await page.getByRole('list').filter({ has: ada }).getByRole('button').count()).toBe(7);
    await expectAccessible('sign-in page');
    await screenshot('sign-in');
    await ada.click();
    await page.getByRole('banner').getByText('Signed in as ada@demo.example').waitFor();
  });
});

describe("the web app in chromium: an organization's other screens", () => {
  it('an admin creates a workspace and a domain, renames and deletes them', async () => {
    const { name, admin } = await organizationOf('Structure');
    await home(admin);
    await openOrganization(name);
    await openSection('Workspaces');
    await page.getByLabel('New workspace').fill('Ops');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await expectStatus('Workspace Ops created.');
    const ops = page.getByRole('article', { name: 'Ops' });
    await ops.getByLabel('New domain in Ops').fill('not a hostname');
    await ops.getByRole('button', { name: 'Add domain' }).click();
    const field = ops.getByLabel('New domain in Ops');
    await waitFor(
      'the error beside the field',
      async () => (await field.getAttribute('aria-invalid')) === 'true',
      5000,
    );
    expect(await ops.locator('.field-error').textContent()).toMatch(/^Hostname /);
    await field.fill('api.ops.example');
    await ops.getByRole('button', { name: 'Add domain' }).click();
    await expectStatus('Domain api.ops.example added to Ops.');
    await ops.getByRole('list', { name: 'Domains of Ops' }).getByText('api.ops.example', { exact: true }).waitFor();
    await expectAccessible('workspaces');
    await screenshot('workspaces');
    await ops.getByRole('button', { name: 'Actions for the domain api.ops.example' }).click();
    await page.getByRole('menuitem', { name: 'Rename…' }).click();
    await dialog('Rename the domain api.ops.example').getByLabel('Hostname').fill('api2.ops.example');
    await expectAccessible('rename dialog');
    await dialog().getByRole('button', { name: 'Rename' }).click();
    await ops.getByText('api2.ops.example', { exact: true }).waitFor();
    // The new domain's members are one link away.
    await ops.getByRole('link', { name: 'Members of api2.ops.example' }).click();
    await page.getByRole('tab', { name: 'Domains', selected: true }).waitFor();
    expect(await page.getByLabel('Domain', { exact: true }).locator('option:checked').textContent()).toBe(
      'api2.ops.example',
    );
    await openSection('Workspaces');
    await page.getByRole('button', { name: 'Actions for the workspace Ops' }).click();
    await page.getByRole('menuitem', { name: 'Delete workspace…' }).click();
    await dialog('Delete the workspace Ops?').getByText('goes with its 1 domain').waitFor();
    await expectAccessible('delete workspace dialog');
    await dialog().getByRole('button', { name: 'Delete Ops' }).click();
    await ops.waitFor({ state: 'detached' });
  });

  it('a seat limit shows as "N of M seats used"; an invite past it is refused with the server\'s message', async () => {
    const seated = address('seated');
    const { id, name, admin } = await organizationOf('Seats', [[seated, 'MEMBER']]);
    await home(admin);
    await openOrganization(name);
    await openSection('Billing & seats');
    await page.getByLabel('Seat limit').fill('3');
    await page.getByRole('button', { name: 'Save seat limit' }).click();
    await expectStatus('The seat limit is now 3: 2 of 3 seats used.');
    await page.getByRole('group', { name: 'Organization seats' }).getByText('2 of 3 seats used').waitFor();
    await expectAccessible('billing and seats');
    await openSection('Members');
    await invite(address('third'), 'Member');
    // The header follows the invitation at once.
    await page.getByRole('group', { name: 'Organization seats' }).getByText('3 of 3 seats used').waitFor();
    const results = await inviteThroughDialog(address('fourth'), 'Member', { keepOpen: true });
    const refused = results.getByRole('listitem').filter({ hasText: address('fourth') });
    await refused.getByText('Not invited').waitFor();
    // Word for word what the server answers for that address (asked with a dry run).
    const dry = await api(
      admin,
      'mutation($i: InviteMembersInput!) { inviteMembers(input: $i) { results { error { code message } } } }',
      { i: { scope: { organizationId: id }, invitations: [{ email: address('fourth') }], dryRun: true } },
    );
    expect(dry.inviteMembers.results[0].error.code).toBe('SEAT_LIMIT_REACHED');
    expect(await refused.locator('.field-error').textContent()).toBe(dry.inviteMembers.results[0].error.message);
    await dialog().getByText('no seat is left for someone new').waitFor();
    await expectAccessible('invite dialog, no seat left');
    await screenshot('invite-seat-limit');
    await dialog().getByRole('button', { name: 'Done' }).click();
    // A removal frees a seat, and the header says so.
    await rowAction(rowOf(seated), 'Remove…');
    await dialog()
      .getByRole('button', { name: /^Remove / })
      .click();
    await page.getByRole('group', { name: 'Organization seats' }).getByText('2 of 3 seats used').waitFor();
  });

  it('time-limited access: given in the invite, shown on the accept page, the welcome and the row; changed and cleared', async () => {
    const { name, admin } = await organizationOf('Expiry');
    const contractor = address('contractor');
    const until = dayInput(10);
    await home(admin);
    await openOrganization(name);
    await invite(contractor, 'Member', { until });
    await rowOf(contractor, pendingTable())
      .getByText(`Access until ${shownDay(until)}`)
      .waitFor();
    await signedOut();
    await page.goto(await invitationLink(contractor));
    await signIn(contractor, { name: nameOf(contractor) });
    await page
      .locator('.preview')
      .getByText(`Ends on ${shownDay(until)}`)
      .waitFor();
    await expectAccessible('accept page, signed in, access ending');
    await screenshot('invitation-access-end');
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.getByText(`You joined ${name} as Member, until ${shownDay(until)}.`).waitFor();

    await home(admin);
    await openOrganization(name);
    await rowOf(contractor)
      .getByText(`Access until ${shownDay(until)}`)
      .waitFor();
    const later = dayInput(40);
    await rowAction(rowOf(contractor), 'Change access end…');
    const expiry = dialog('Access end for Contractor');
    await expiry.getByLabel(/^Access until/).fill(later);
    await expectAccessible('access end dialog');
    await expiry.getByRole('button', { name: 'Save end date' }).click();
    await expectStatus(`Contractor's access to the organization ${name} now ends on ${shownDay(later)}.`);
    await rowOf(contractor)
      .getByText(`Access until ${shownDay(later)}`)
      .waitFor();
    await rowAction(rowOf(contractor), 'Change access end…');
    await expiry.getByRole('button', { name: 'Remove the end date' }).click();
    await expectStatus(`Contractor's access to the organization ${name} no longer ends.`);
    await rowOf(contractor)
      .getByText(/Access until/)
      .waitFor({ state: 'detached' });
  });

  it('the last admin leaves, handing over to a successor', async () => {
    const heir = address('heir');
    const { id, name, admin } = await organizationOf('Leave', [[heir, 'MEMBER']]);
    await home(admin);
    await openOrganization(name);
    await openSection('Settings');
    await page.getByRole('button', { name: `Leave ${name}…` }).click();
    const leave = dialog(`Leave ${name}?`);
    await leave.getByText('You are the last Admin').waitFor();
    const confirm = leave.getByRole('button', { name: `Leave ${name}`, exact: true });
    expect(await confirm.isDisabled()).toBe(true);
    await leave.getByLabel('Hand over to').selectOption({ label: `Heir (${heir}) — Member` });
    await expectAccessible('leave dialog');
    await confirm.click();
    await page.getByRole('heading', { level: 1, name: 'Your organizations' }).waitFor();
    await expectStatus(`You left ${name}; Heir is now an Admin.`);
    // The homepage's list follows (it may first show what it had, then what the server answers).
    await page.getByRole('link', { name, exact: true }).waitFor({ state: 'detached', timeout: 5_000 });
    const after = await api(heir, 'query($o: ID!) { organization(id: $o) { viewerRole } }', { o: id });
    expect(after.organization.viewerRole).toBe('ADMIN');
  });

  it('settings: the organization is renamed, then deleted once its name is typed', async () => {
    const { name, admin } = await organizationOf('Settings');
    await home(admin);
    await page.getByRole('list', { name: 'Organizations you belong to' }).getByRole('link', { name }).waitFor();
    await expectAccessible('homepage with organizations');
    await openOrganization(name);
    await openSection('Settings');
    await expectAccessible('settings');
    await page.getByLabel('Organization name').fill(`${name} renamed`);
    await page.getByRole('button', { name: 'Save name' }).click();
    await expectStatus(`The organization is now called ${name} renamed.`);
    await page.getByRole('heading', { level: 1, name: `${name} renamed` }).waitFor();
    await page.getByRole('button', { name: 'Delete organization…' }).click();
    const remove = dialog(`Delete ${name} renamed?`);
    const confirm = remove.getByRole('button', { name: 'Delete organization' });
    await remove.getByLabel(`Type ${name} renamed to confirm`).fill(name);
    expect(await confirm.isDisabled()).toBe(true);
    await remove.getByLabel(`Type ${name} renamed to confirm`).fill(`${name} renamed`);
    await expectAccessible('delete organization dialog');
    await confirm.click();
    await page.getByRole('heading', { level: 1, name: 'Your organizations' }).waitFor();
    await expectStatus(`${name} renamed was deleted.`);
    expect(await page.getByRole('link', { name: `${name} renamed` }).count()).toBe(0);
  });

  it('an email domain is claimed, verified in DNS, and a person with an address there joins from the homepage', async () => {
    const { name, admin } = await organizationOf('Domains');
    const domain = `corp-${unique}.example`;
    await home(admin);
    await openOrganization(name);
    await openSection('Email domains');
    await page.getByLabel('Domain', { exact: true }).fill(domain);
    await page.getByRole('radio', { name: 'Anyone at the domain may join' }).check();
    await page.getByRole('button', { name: 'Claim domain' }).click();
    await expectStatus(`${domain} claimed. Publish its TXT record, then verify it.`);
    const card = page.getByRole('article', { name: domain });
    await card.getByText('Not verified').waitFor();
    const recordName = await card.getByLabel('Record name', { exact: true }).inputValue();
    const recordValue = await card.getByLabel('Record value', { exact: true }).inputValue();
    expect(recordName).toBe(`_membership-verification.${domain}`);
    // Nothing published yet: the server's reason shows in place.
    await card.getByRole('button', { name: `Verify ${domain}` }).click();
    await card
      .getByRole('alert')
      .getByText(/No TXT record/)
      .waitFor();
    await expectAccessible('email domains, not verified');
    await screenshot('email-domains');
    dns.txt.set(recordName, [recordValue]);
    await card.getByRole('button', { name: `Verify ${domain}` }).click();
    await expectStatus(`${domain} is verified.`);
    await card.getByText('Verified', { exact: true }).waitFor();
    expect(await card.getByLabel('Who may join by this domain').inputValue()).toBe('AUTO_JOIN');
    // Closing the door needs no confirmation; opening it does.
    await card.getByLabel('Who may join by this domain').selectOption({ label: 'Invitation only' });
    await expectStatus(`${domain}: joining is by invitation only.`);
    await card.getByLabel('Who may join by this domain').selectOption({ label: 'Anyone at the domain may join' });
    const open = dialog(`Let anyone at ${domain} join?`);
    await expectAccessible('email domains, opening a domain');
    await open.getByRole('button', { name: 'Let them join' }).click();
    await expectStatus(`People with a verified @${domain} address may now join ${name}.`);

    const joiner = `joiner-${unique}@${domain}`;
    await home(joiner);
    const offer = page.getByRole('region', { name: 'Organizations you can join' });
    await offer.getByText(`They let in anyone with a verified @${domain} address.`).waitFor();
    await page
      .getByText('You do not belong to an organization yet. You can join one above, or create your own.')
      .waitFor();
    await expectAccessible('homepage, organization to join');
    await screenshot('homepage-joinable');
    await offer.getByRole('button', { name: `Join ${name}` }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await expectStatus(`You joined ${name} as a Member.`);
    await rowOf(joiner).waitFor();
  });

  it('a webhook is added (secret shown once), delivers an event, and is disabled, rotated and deleted', async () => {
    const receiver = await webhookReceiver();
    const hookUrl = receiver.url;
    try {
      const { id, name, admin } = await organizationOf('Hooks');
      await home(admin);
      await openOrganization(name);
      await openSection('Webhooks');
      await page.getByText('No webhook endpoint yet.').waitFor();
      await expectAccessible('webhooks, none yet');
      await page.getByLabel('Endpoint URL').fill(hookUrl);
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const secretDialog = dialog('Endpoint added: its signing secret');
      const secret = await secretDialog.getByLabel('Signing secret', { exact: true }).inputValue();
      expect(secret).toMatch(/^whsec_/);
      await expectAccessible('webhook secret dialog');
      await secretDialog.getByRole('button', { name: 'I have stored the secret' }).click();
      const endpoints = page.getByRole('table', { name: /^Endpoints/ });
      await endpoints.getByRole('row').filter({ hasText: hookUrl }).getByText('Enabled').waitFor();
      // A change in the organization: one event, delivered to the receiver, shown as delivered.
      await api(admin, 'mutation($o: ID!) { createWorkspace(input: { organizationId: $o, name: "Hooked" }) { id } }', {
        o: id,
      });
      const deliveries = page.getByRole('table', { name: 'Deliveries, newest first' });
      const delivered = deliveries.getByRole('row').filter({ hasText: 'Workspace created' });
      await delivered.getByText('Delivered').waitFor({ timeout: 15_000 });
      await delivered.getByText('HTTP 200').waitFor();
      const eventId = await delivered.locator('.mono').textContent();
      expect(receiver.received.map((call) => call.headers['webhook-id'])).toContain(eventId);
      await expectAccessible('webhooks with deliveries');
      await screenshot('webhooks');

      const endpointRow = endpoints.getByRole('row').filter({ hasText: hookUrl });
      await rowAction(endpointRow, 'Disable');
      await expectStatus(`${hookUrl} is disabled: no new event is delivered to it.`);
      await endpointRow.getByText('Disabled').waitFor();
      await rowAction(endpointRow, 'Rotate secret…');
      await expectAccessible('rotate secret dialog');
      await dialog(`Rotate the secret of ${hookUrl}?`).getByRole('button', { name: 'Rotate secret' }).click();
      const rotated = dialog('The new signing secret');
      const newSecret = await rotated.getByLabel('Signing secret', { exact: true }).inputValue();
      expect(newSecret).toMatch(/^whsec_/);
      expect(newSecret).not.toBe(secret);
      await rotated.getByRole('button', { name: 'I have stored the secret' }).click();
      await rowAction(endpointRow, 'Delete endpoint…');
      await dialog(`Delete the endpoint ${hookUrl}?`).getByRole('button', { name: 'Delete endpoint' }).click();
      await page.getByText('No webhook endpoint yet.').waitFor();
    } finally {
      await receiver.close();
    }
  });

  it('the audit log: newest first, a page at a time, filtered by action, actor, subject and time', async () => {
    const subject = address('subject');
    const { id, name, admin } = await organizationOf('Audit', [[subject, 'MEMBER']]);
    const member = await api(
      admin,
      'query($o: ID!) { organization(id: $o) { members(role: MEMBER) { nodes { id } } } }',
      { o: id },
    );
    await api(admin, 'mutation($m: ID!) { changeMemberRole(input: { memberId: $m, role: ACCOUNTING }) { id } }', {
      m: member.organization.members.nodes[0].id,
    });
    for (let i = 1; i <= 26; i++) {
      await api(
        admin,
        'mutation($o: ID!, $n: String!) { createWorkspace(input: { organizationId: $o, name: $n }) { id } }',
        {
          o: id,
          n: `Team ${i}`,
        },
      );
    }
    await home(admin);
    await openOrganization(name);
    await openSection('Audit log');
    const log = page.getByRole('table', { name: 'Events, newest first' });
    await log.getByRole('row').nth(1).getByText('Workspace created').waitFor();
    expect(await log.getByRole('row').count()).toBe(26); // header + 25
    await expectAccessible('audit log');
    await screenshot('audit-log');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText(/^Page 2 · 26–/).waitFor();
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText(/^Page 1 · 1–25/).waitFor();

    await page.getByLabel('Action').selectOption({ label: 'Role changed' });
    await waitFor('only the role change', async () => (await log.getByRole('row').count()) === 2, 10_000);
    await log.getByText('Subject, Member → Accounting').waitFor();
    expect(new URL(page.url()).searchParams.get('action')).toBe('MEMBER_ROLE_CHANGED');
    await page.getByLabel('Action').selectOption({ label: 'Any action' });
    await page.getByLabel('Done by').selectOption({ label: `Subject (${subject})` });
    // What the subject did themselves: accepting their invitation, nothing of the admin's.
    await log.getByText('Invitation accepted').waitFor();
    await waitFor(
      "only the subject's own acts",
      async () => (await log.getByText('Workspace created').count()) === 0,
      10_000,
    );
    await page.getByLabel('Done by').selectOption({ label: 'Anyone' });
    await page.getByLabel('About').selectOption({ label: `Subject (${subject})` });
    await log.getByText('Role changed').waitFor();
    await waitFor(
      'only events about the subject',
      async () =>
        (await log.locator('tbody tr').count()) > 0 && (await log.getByText('Workspace created').count()) === 0,
      10_000,
    );
    await page.reload();
    await waitFor(
      'the filter read back from the URL',
      async () => (await page.getByLabel('About').locator('option:checked').textContent()) === `Subject (${subject})`,
      10_000,
    );
    await log.getByText('Role changed').waitFor();
    await page.getByLabel('From').fill(dayInput(1));
    await page.getByText('No event matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await log.getByRole('row').nth(25).waitFor();
  });

  it("ACCOUNTING edits billing: saved values are the server's, an error sits beside its field", async () => {
    const accountant = address('accountant');
    const { id, name, admin } = await organizationOf('Billing', [[accountant, 'ACCOUNTING']]);
    await home(accountant);
    await openOrganization(name);
    await rowOf(admin).waitFor();
    expect(await page.getByRole('button', { name: 'Invite people' }).count()).toBe(0);
    expect(await menuItems(rowOf(admin))).toEqual(['Why this access?']);
    await openSection('Billing & seats');
    await page.getByLabel('Legal name').fill('  Acme SARL ');
    await page.getByLabel('Country', { exact: true }).fill('fr');
    await page.getByLabel('VAT number').fill('fr 12.345-678');
    await page.getByRole('button', { name: 'Save billing details', exact: true }).click();
    await expectStatus('Organization billing details: saved.');
    // The form shows what the server kept, not what was typed.
    expect(await page.getByLabel('Legal name').inputValue()).toBe('Acme SARL');
    expect(await page.getByLabel('Country', { exact: true }).inputValue()).toBe('FR');
    expect(await page.getByLabel('VAT number').inputValue()).toBe('FR12345678');
    const saved = await api(
      admin,
      'query($o: ID!) { organization(id: $o) { billingProfile { legalName vatNumber } } }',
      {
        o: id,
      },
    );
    expect(saved.organization.billingProfile).toEqual({ legalName: 'Acme SARL', vatNumber: 'FR12345678' });
    await page.getByLabel('Country', { exact: true }).fill('ZZ');
    await page.getByRole('button', { name: 'Save billing details', exact: true }).click();
    const country = page.getByLabel('Country', { exact: true });
    await waitFor(
      'the country marked invalid',
      async () => (await country.getAttribute('aria-invalid')) === 'true',
      5000,
    );
    const describedBy = (await country.getAttribute('aria-describedby'))!.split(' ');
    const described = await Promise.all(describedBy.map((ref) => page.locator(`[id="${ref}"]`).textContent()));
    expect(described).toContain('Country must be an ISO 3166-1 alpha-2 country code, e.g. FR.');
    await expectAccessible('billing with a field error');
    await screenshot('billing');
  });
});

/** A SCIM request as the directory sends it, with its bearer token. */
async function scim(url: string, token: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as any };
}

const scimUser = (email: string, given: string, family: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: email,
  name: { givenName: given, familyName: family },
  emails: [{ value: email, type: 'work', primary: true }],
  active: true,
});

/** A user event from the identity provider, signed as Clerk (through Svix) signs it. */
async function identityEvent(event: unknown): Promise<number> {
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
 * `/graphql` and `/audit/export` go to the API, everything else is the app's.
 */
async function sameOriginApp(): Promise<{ url: string; close: () => Promise<void> }> {
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
  app = webAppHandler(config, { dir: WEB_DIR, graphqlUrl: `${url}/graphql` });
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

describe('the web app in chromium: directory provisioning, erasure, export, redelivery', () => {
  it('a provisioning token: made (shown once), used by a directory over SCIM, its people marked, revoked after a confirmation', async () => {
    const plain = address('dirmember');
    const { id, name, admin } = await organizationOf('Directory', [[plain, 'MEMBER']]);
    // A plain member has no link to the section.
    await home(plain);
    await openOrganization(name);
    const sections = page.getByRole('navigation', { name: 'Organization sections' });
    await sections.getByRole('link', { name: 'Members' }).waitFor();
    expect(await sections.getByRole('link', { name: 'Directory provisioning' }).count()).toBe(0);

    await home(admin);
    await openOrganization(name);
    await openSection('Directory provisioning');
    await page.getByText('No provisioning token yet').waitFor();
    const guide = page.getByRole('region', { name: 'Connect your directory' });
    const scimUrl = await guide.getByLabel('SCIM base URL', { exact: true }).inputValue();
    expect(scimUrl).toBe(new URL('/scim/v2', apiUrl).href);
    await guide
      .getByRole('table', { name: /^Attributes the service reads/ })
      .getByText('userName')
      .first()
      .waitFor();
    await expectAccessible('directory provisioning, no token');
    await page.getByLabel('Description').fill('Okta');
    await page.getByRole('button', { name: 'Create token' }).click();
    const made = dialog('Token created: copy it now');
    await made.getByText('You will not see it again').waitFor();
    const token = await made.getByLabel('Secret token', { exact: true }).inputValue();
    expect(token).toMatch(/^scim_/);
    expect(await made.getByLabel('SCIM base URL', { exact: true }).inputValue()).toBe(scimUrl);
    await expectStatus('Token Okta created. Copy it now: it is shown only once.');
    await expectAccessible('provisioning token created dialog');
    await screenshot('provisioning-token-created', { window: true });
    await made.getByRole('button', { name: 'I have copied the token' }).click();
    await made.waitFor({ state: 'detached' });
    const tokens = page.getByRole('table', { name: /^Provisioning tokens/ });
    const okta = tokens.getByRole('row').filter({ hasText: 'Okta' });
    await okta.getByText('Never used').waitFor();
    await okta.getByText('Active').waitFor();
    // Shown once: after a reload the page holds it nowhere, as text or as a field's value.
    await page.reload();
    await okta.waitFor();
    const shown = await page.evaluate(() => {
      const { document } = globalThis as any;
      return [
        document.body.innerText as string,
        ...[...document.querySelectorAll('input, textarea')].map((el: any) => el.value as string),
      ].join('\n');
    });
    expect(shown).not.toContain(token);

    // A directory speaks for the addresses of the organization's verified email domains (issue 34).
    const directoryDomain = `dir-${unique}.example`;
    const claimed = await api(
      admin,
      'mutation($i: AddEmailDomainInput!) { addEmailDomain(input: $i) { id verificationRecordName verificationRecordValue } }',
      { i: { organizationId: id, domain: directoryDomain } },
    );
    dns.txt.set(claimed.addEmailDomain.verificationRecordName, [claimed.addEmailDomain.verificationRecordValue]);
    await api(admin, 'mutation($d: ID!) { verifyEmailDomain(id: $d) { verified } }', { d: claimed.addEmailDomain.id });
    // The directory pushes two people there: one who has signed in before (a member at once), one who has not.
    const known = `dirknown-${unique}@${directoryDomain}`;
    await api(known, '{ me { id } }');
    const waiting = `dirwaiting-${unique}@${directoryDomain}`;
    expect(
      (await scim(`${scimUrl}/Users`, token, { method: 'POST', body: scimUser(known, 'Known', 'Person') })).status,
    ).toBe(201);
    expect(
      (await scim(`${scimUrl}/Users`, token, { method: 'POST', body: scimUser(waiting, 'Waiting', 'Person') })).status,
    ).toBe(201);
    // Its use shows once the list is read again.
    await page.reload();
    await okta.locator('td[data-label="Last used"] time').waitFor();
    expect(await okta.getByText('Never used').count()).toBe(0);
    await expectAccessible('directory provisioning with a token');
    await screenshot('provisioning');
    await openSection('Members');
    await rowOf(known).getByText('Managed by your directory').waitFor();
    expect(await rowOf(plain).getByText('Managed by your directory').count()).toBe(0);
    const pending = rowOf(waiting, pendingTable());
    await pending.getByText('Managed by your directory').waitFor();
    await pending.getByText('Waiting for the first sign-in').waitFor();
    await pending.getByText('No link').waitFor();
    expect(await pending.getByText(/^(Queued|Sent|Not sent)$/).count()).toBe(0);
    // No email exists to resend: the server says so in viewerCan, and the menu follows.
    expect(await menuItems(pending)).toEqual(['Revoke invitation…']);
    expect(smtp.to(waiting)).toHaveLength(0);
    const held = await api(
      admin,
      'query($o: ID!) { organization(id: $o) { invitations { email provisioned viewerCan { resend } } } }',
      { o: id },
    );
    expect(held.organization.invitations).toContainEqual({
      email: waiting,
      provisioned: true,
      viewerCan: { resend: false },
    });
    await expectAccessible('members with provisioned people');
    await screenshot('members-provisioned');

    await openSection('Directory provisioning');
    await rowAction(okta, 'Revoke token…');
    const revoke = dialog('Revoke the token Okta?');
    await revoke.getByText('refused from its next request').waitFor();
    await expectAccessible('revoke provisioning token dialog');
    await revoke.getByRole('button', { name: 'Revoke token' }).click();
    await expectStatus('The token Okta was revoked: the directory using it is refused from its next request.');
    await page.getByText('No provisioning token yet').waitFor();
    expect((await scim(`${scimUrl}/Users`, token)).status).toBe(401);
  });

  it('an erased last admin: their organization says it has no admin; another organization\'s log names "Erased person"', async () => {
    const stays = address('stays');
    const orphaned = await organizationOf('Orphan', [[stays, 'MEMBER']]);
    const witness = await organizationOf('Witness');
    await joinByInvitation(witness.admin, { organizationId: witness.id }, orphaned.admin, 'MEMBER');
    expect(
      await identityEvent({
        data: { deleted: true, id: developmentSubject(orphaned.admin), object: 'user' },
        object: 'event',
        type: 'user.deleted',
      }),
    ).toBe(200);

    await home(stays);
    await openOrganization(orphaned.name);
    const banner = page.getByRole('alert').filter({ hasText: 'This organization has no Admin' });
    await banner.getByText(`npm run grant-admin -- ${orphaned.id}`).waitFor();
    await expectAccessible('organization without an admin');
    await screenshot('needs-admin');
    // An organization with its admin says nothing of the kind.
    await home(witness.admin);
    await openOrganization(witness.name);
    await rowOf(witness.admin).waitFor();
    expect(await page.getByText('This organization has no Admin').count()).toBe(0);

    await openSection('Audit log');
    const log = page.getByRole('table', { name: 'Events, newest first' });
    // They accepted their invitation (the actor), then the erasure removed them (the subject).
    await log.getByRole('row').filter({ hasText: 'Invitation accepted' }).getByText('Erased person').first().waitFor();
    await log.getByRole('row').filter({ hasText: 'Member removed' }).getByText('Erased person').first().waitFor();
    await log.getByRole('row').filter({ hasText: 'Member removed' }).getByText('The identity provider').waitFor();
    const text = await log.textContent();
    expect(text).not.toContain(orphaned.admin);
    expect(text).not.toContain(nameOf(orphaned.admin));
    expect(await page.getByLabel('Done by').locator('option').allTextContents()).toContain('Erased person');
    await expectAccessible('audit log with an erased person');
    await screenshot('audit-log-erased');
  });

  it('the audit log exported as CSV and NDJSON with the dates on screen; a refusal in the status region', async () => {
    const second = address('exportsecond');
    const { id, name, admin } = await organizationOf('Export', [[second, 'ADMIN']]);
    await api(
      admin,
      'mutation($o: ID!) { createWorkspace(input: { organizationId: $o, name: "Exported, \\"quoted\\"" }) { id } }',
      {
        o: id,
      },
    );
    const together = await sameOriginApp();
    try {
      await page.goto(together.url);
      await page.getByRole('heading', { level: 1 }).waitFor();
      if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await signOut();
      await signIn(admin, { name: nameOf(admin) });
      await openOrganization(name);
      await openSection('Audit log');
      const log = page.getByRole('table', { name: 'Events, newest first' });
      await log.getByRole('row').nth(1).waitFor();
      await page.getByLabel('From').fill(dayInput(-1));
      await page.getByLabel('To').fill(dayInput(1));
      await log.getByRole('row').nth(1).waitFor();
      await expectAccessible('audit log with the export');
      const expected = await api(
        admin,
        'query($o: ID!) { organization(id: $o) { auditLog(first: 100) { nodes { id action actor { email } } } } }',
        { o: id },
      );
      const events = expected.organization.auditLog.nodes as {
        id: string;
        action: string;
        actor: { email: string } | null;
      }[];

      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export', exact: true }).click(),
      ]);
      expect(csv.suggestedFilename()).toMatch(/^audit-organization-\d{4}-\d{2}-\d{2}\.csv$/);
      const text = readFileSync((await csv.path())!, 'utf8');
      expect(text.split('\r\n')[0]).toBe(
        'id,action,occurredAt,actorId,actorEmail,actorName,scope,organizationId,workspaceId,domainId,subjectId,subjectEmail,subjectName,email,fromRole,toRole,requestId,source,provisioningTokenId',
      );
      const rows = parseCsv(text, { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => [r.id, r.action, r.actorEmail])).toEqual(
        events.map((e) => [e.id, e.action, e.actor?.email ?? '']),
      );
      expect(new Set(rows.map((r) => r.organizationId))).toEqual(new Set([id]));
      await expectStatus(/^Audit log of the organization .+ exported as audit-organization-.+\.csv \(.+\)\.$/);

      await page.getByLabel('Export as').selectOption({ label: 'NDJSON (one JSON event a line)' });
      const [ndjson] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export', exact: true }).click(),
      ]);
      expect(ndjson.suggestedFilename()).toMatch(/\.ndjson$/);
      const lines = readFileSync((await ndjson.path())!, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines.map((e) => e.id)).toEqual(events.map((e) => e.id));

      // A filter the export cannot apply is said beside the button.
      await page.getByLabel('Action').selectOption({ label: 'Workspace created' });
      await page.getByText('it cannot filter by action or person').waitFor();
      await page.getByLabel('Action').selectOption({ label: 'Any action' });

      // No longer an admin: the server's refusal is announced.
      const mine = await api(
        second,
        'query($o: ID!) { organization(id: $o) { members(role: ADMIN) { nodes { id user { email } } } } }',
        { o: id },
      );
      const adminRow = mine.organization.members.nodes.find((m: any) => m.user.email === admin).id;
      await api(second, 'mutation($m: ID!) { changeMemberRole(input: { memberId: $m, role: MEMBER }) { id } }', {
        m: adminRow,
      });
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      await expectStatus(/^The audit log was not exported: .+/);
      expect(await status().getAttribute('class')).toContain('toast-error');
    } finally {
      await together.close();
    }
  });

  it('a failed webhook delivery is redelivered from its row, with the same webhook-id', async () => {
    let answer = 503;
    const receiver = await webhookReceiver(() => answer);
    const hookUrl = receiver.url;
    const received = () => receiver.received.map((call) => call.headers['webhook-id']);
    try {
      const { id, name, admin } = await organizationOf('Redeliver');
      await api(admin, 'mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }', {
        i: { organizationId: id, url: hookUrl, actions: ['WORKSPACE_CREATED'] },
      });
      await api(admin, 'mutation($o: ID!) { createWorkspace(input: { organizationId: $o, name: "Retried" }) { id } }', {
        o: id,
      });
      await home(admin);
      await openOrganization(name);
      await openSection('Webhooks');
      const deliveries = page.getByRole('table', { name: 'Deliveries, newest first' });
      const row = deliveries.getByRole('row').filter({ hasText: 'Workspace created' });
      await row.getByText('Failed').waitFor({ timeout: 15_000 });
      await row.locator('td[data-label="Answer"]').getByText('HTTP 503').waitFor();
      const eventId = (await row.locator('.mono').textContent())!;
      expect(received()).toEqual([eventId]);
      await expectAccessible('webhooks with a failed delivery');
      await screenshot('webhook-failed-delivery');
      answer = 200;
      await rowAction(row, 'Redeliver');
      await expectStatus(`Workspace created (${eventId}) is queued again for ${hookUrl}, with the same webhook-id.`);
      await row.getByText('Delivered').waitFor({ timeout: 15_000 });
      await row.locator('td[data-label="Answer"]').getByText('HTTP 200').waitFor();
      expect(received()).toEqual([eventId, eventId]);
      // Delivered: nothing left to redeliver.
      expect(await menuItems(row)).toEqual(['Copy event ID']);
    } finally {
      await receiver.close();
    }
  });
});

describe('the web app in chromium: custom roles', () => {
  it('an admin makes a role with keys, gives it through the change-role dialog, sees it listed and explained, deletes it with reassignment', async () => {
    const keeper = address('keeper');
    const latecomer = address('latecomer');
    const { id, name, admin } = await organizationOf('Roles', [[keeper, 'MEMBER']]);
    // A plain member has no link to the section.
    await home(keeper);
    await openOrganization(name);
    const sections = page.getByRole('navigation', { name: 'Organization sections' });
    await sections.getByRole('link', { name: 'Members' }).waitFor();
    expect(await sections.getByRole('link', { name: 'Roles' }).count()).toBe(0);

    await home(admin);
    await openOrganization(name);
    await openSection('Roles');
    await page.getByText('No custom role yet').waitFor();
    await expectAccessible('roles, none yet');
    // Made with keys per scope kind, each offered where Query.permissions says it exists.
    await page.getByRole('button', { name: 'New role' }).click();
    const editor = dialog('New role');
    await editor.getByLabel('Name', { exact: true }).fill('Auditor');
    await editor.getByLabel('Description (optional)').fill('Reads the audit log everywhere.');
    const atOrganization = editor.getByRole('group', { name: 'Organization permissions' });
    await atOrganization.getByRole('checkbox', { name: 'Read the audit log' }).check();
    await editor
      .getByRole('group', { name: 'Workspace permissions' })
      .getByRole('checkbox', { name: 'Read the audit log' })
      .check();
    // Organization-only keys are not offered below it.
    expect(
      await editor
        .getByRole('group', { name: 'Workspace permissions' })
        .getByRole('checkbox', { name: 'Define custom roles' })
        .count(),
    ).toBe(0);
    await expectAccessible('new role dialog');
    await screenshot('roles-new', { window: true });
    await editor.getByRole('button', { name: 'Create role' }).click();
    await expectStatus('The role Auditor was created.');
    const rolesTable = () => page.getByRole('table', { name: /^Custom roles/ });
    const roleRow = (role: string) => rolesTable().getByRole('row').filter({ hasText: role });
    await roleRow('Auditor').getByText('Nobody').waitFor();
    expect(await roleRow('Auditor').locator('td[data-label="Adds"]').textContent()).toBe(
      'OrganizationRead the audit logWorkspacesRead the audit log',
    );
    // Edited: one more key at the organization.
    await rowAction(roleRow('Auditor'), 'Edit…');
    const edit = dialog('Edit the role Auditor');
    expect(
      await edit
        .getByRole('group', { name: 'Organization permissions' })
        .getByRole('checkbox', { name: 'Read the audit log' })
        .isChecked(),
    ).toBe(true);
    await edit
      .getByRole('group', { name: 'Organization permissions' })
      .getByRole('checkbox', { name: 'See billing details' })
      .check();
    await expectAccessible('edit role dialog');
    await edit.getByRole('button', { name: 'Save role' }).click();
    await expectStatus('The role Auditor was saved.');
    await roleRow('Auditor').getByText('See billing details').waitFor();
    await expectAccessible('roles');
    await screenshot('roles');

    // Given through the change-role dialog, after the built-in roles.
    await openSection('Members');
    await rowAction(rowOf(keeper), 'Change role…');
    const roleDialog = dialog('Change the role of Keeper');
    expect(
      await roleDialog.getByRole('radio').evaluateAll((radios) => radios.map((r) => r.getAttribute('value'))),
    ).toEqual(['ADMIN', 'ACCOUNTING', 'MEMBER', expect.stringMatching(/^custom:/)]);
    await roleDialog.getByRole('radio', { name: 'Auditor', exact: true }).check();
    await expectAccessible('change role dialog with a custom role');
    await roleDialog.getByRole('button', { name: 'Change to Auditor' }).click();
    await expectStatus(`Keeper is now Auditor in the organization ${name}.`);
    await rowOf(keeper).getByText('Auditor', { exact: true }).waitFor();
    await rowOf(keeper).getByText('on Member').waitFor();
    // The keys bite: the holder reads the audit log.
    const held = await api(keeper, 'query($o: ID!) { organization(id: $o) { viewerPermissions } }', { o: id });
    expect(held.organization.viewerPermissions).toEqual(expect.arrayContaining(['READ_AUDIT_LOG', 'READ_BILLING']));
    // "Why this access?" names the role and what it adds here.
    await rowAction(rowOf(keeper), 'Why this access?');
    const why = dialog('Why Keeper has access');
    await why.getByText(`Auditor of the organization ${name} (a custom role on Member)`).waitFor();
    const adds = why.getByRole('list', { name: 'What Auditor adds here' });
    expect(await adds.getByRole('listitem').allTextContents()).toEqual([
      'See billing details READ_BILLING',
      'Read the audit log READ_AUDIT_LOG',
    ]);
    await expectAccessible('why this access dialog, custom role');
    await why.getByRole('button', { name: 'Close' }).first().click();
    // The invite dialog offers it too, and the pending invitation shows it.
    await inviteThroughDialog(latecomer, 'Auditor');
    await rowOf(latecomer, pendingTable()).getByText('Auditor', { exact: true }).waitFor();

    // Deleted with its holders moved: to another role here; to the base role after ROLE_IN_USE.
    const other = await api(admin, 'mutation($i: CreateCustomRoleInput!) { createCustomRole(input: $i) { id } }', {
      i: { organizationId: id, name: 'Billing reader', grants: [{ scope: 'ORGANIZATION', keys: ['READ_BILLING'] }] },
    });
    await openSection('Roles');
    await roleRow('Auditor').getByText('2 holders').waitFor();
    await roleRow('Billing reader').getByText('Nobody').waitFor();
    // Someone takes "Billing reader" after the list was read: the server refuses the plain deletion.
    await api(admin, 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }', {
      i: {
        scope: { organizationId: id },
        email: address('reader'),
        role: 'MEMBER',
        customRoleId: other.createCustomRole.id,
      },
    });
    await rowAction(roleRow('Billing reader'), 'Delete…');
    const deleteDialog = dialog('Delete the role Billing reader?');
    await deleteDialog.getByRole('button', { name: 'Delete role' }).click();
    await deleteDialog
      .getByRole('alert')
      .getByText(/held by 1 membership\(s\) or pending invitation\(s\)/)
      .waitFor();
    await deleteDialog.getByText('1 membership or pending invitation holds Billing reader').waitFor();
    expect(await deleteDialog.getByRole('radio', { name: 'Member', exact: true }).isChecked()).toBe(true);
    await expectAccessible('delete role dialog, in use');
    await deleteDialog.getByRole('button', { name: 'Delete and give Member' }).click();
    await expectStatus('The role Billing reader was deleted; its 1 holder now holds Member.');
    await roleRow('Billing reader').waitFor({ state: 'detached' });
    // Another role for Auditor's holders, then Auditor goes with them moved.
    await api(admin, 'mutation($i: CreateCustomRoleInput!) { createCustomRole(input: $i) { id } }', {
      i: { organizationId: id, name: 'Reader', grants: [{ scope: 'ORGANIZATION', keys: ['READ_AUDIT_LOG'] }] },
    });
    await page.reload();
    await rowAction(roleRow('Auditor'), 'Delete…');
    const deleteAuditor = dialog('Delete the role Auditor?');
    await deleteAuditor.getByText('2 memberships or pending invitations hold Auditor').waitFor();
    await deleteAuditor.getByRole('radio', { name: 'Reader', exact: true }).check();
    await expectAccessible('delete role dialog, reassigning');
    await screenshot('roles-delete', { window: true });
    await deleteAuditor.getByRole('button', { name: 'Delete and give Reader' }).click();
    await expectStatus('The role Auditor was deleted; its 2 holders now hold Reader.');
    await roleRow('Reader').getByText('2 holders').waitFor();
    await openSection('Members');
    await rowOf(keeper).getByText('Reader', { exact: true }).waitFor();
    await rowOf(latecomer, pendingTable()).getByText('Reader', { exact: true }).waitFor();
  });
});

describe('the web app in chromium: narrow screens', () => {
  it('every screen fits 360 px without horizontal scroll, tables become cards, menus stay on screen', async () => {
    const member = address('narrow-member');
    const { id, name, admin } = await organizationOf('Narrow', [[member, 'MEMBER']]);
    await api(admin, 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }', {
      i: { scope: { organizationId: id }, email: address('narrow-pending'), role: 'MEMBER' },
    });
    await page.setViewportSize({ width: 360, height: 780 });
    try {
      await home(admin);
      await expectNoHorizontalScroll('homepage');
      await openOrganization(name);
      await rowOf(member).waitFor();
      await expectNoHorizontalScroll('members');
      // A card per row: each row a grid of its cells, each cell saying what it is.
      expect(await rowOf(member).evaluate((row) => (globalThis as any).getComputedStyle(row).display)).toBe('grid');
      expect(
        await rowOf(member)
          .locator('td[data-label="Role"]')
          .evaluate((cell) => (globalThis as any).getComputedStyle(cell, '::before').content),
      ).toBe('"Role"');
      await rowOf(member)
        .getByRole('button', { name: /^Actions for/ })
        .click();
      const box = await page.getByRole('menu').boundingBox();
      expect(box!.x >= 0 && box!.x + box!.width <= 360).toBe(true);
      await page.keyboard.press('Escape');
      await expectAccessible('members at 360 px');
      await screenshot('narrow-members');
      for (const section of [
        'Workspaces',
        'Billing & seats',
        'Email domains',
        'Webhooks',
        'Directory provisioning',
        'Roles',
        'Audit log',
        'Settings',
      ]) {
        await openSection(section);
        await expectNoHorizontalScroll(section);
        await expectAccessible(`${section} at 360 px`);
      }
      await screenshot('narrow-settings');
      await openSection('Members');
      await page.getByRole('button', { name: 'Invite people' }).click();
      await dialog(/^Invite people to/).waitFor();
      await expectNoHorizontalScroll('invite dialog');
      await screenshot('narrow-invite');
      await page.keyboard.press('Escape');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});

describe('the web app in chromium: the demo data', () => {
  it("Demo Corp as npm run seed makes it, seen by its Admin (the README's screenshots)", async () => {
    const ada = 'ada@demo.example';
    const created = await api(ada, 'mutation($n: String!) { createOrganization(input: { name: $n }) { id } }', {
      n: DEMO_ORGANIZATION,
    });
    const id = created.createOrganization.id as string;
    const workspace = async (n: string) =>
      (
        await api(
          ada,
          'mutation($o: ID!, $n: String!) { createWorkspace(input: { organizationId: $o, name: $n }) { id } }',
          {
            o: id,
            n,
          },
        )
      ).createWorkspace.id as string;
    const domain = async (w: string, h: string) =>
      (
        await api(
          ada,
          'mutation($w: ID!, $h: String!) { createDomain(input: { workspaceId: $w, hostname: $h }) { id } }',
          { w, h },
        )
      ).createDomain.id as string;
    const marketing = await workspace('Marketing');
    const shopWorkspace = await workspace('Shop');
    const www = await domain(marketing, 'www.demo.example');
    await domain(marketing, 'blog.demo.example');
    const shop = await domain(shopWorkspace, 'shop.demo.example');
    await joinByInvitation(ada, { organizationId: id }, 'grace@demo.example', 'ACCOUNTING');
    await joinByInvitation(ada, { organizationId: id }, 'linus@demo.example', 'MEMBER');
    await joinByInvitation(ada, { workspaceId: marketing }, 'margaret@demo.example', 'ADMIN');
    await joinByInvitation(ada, { workspaceId: marketing }, 'ken@demo.example', 'MEMBER');
    await joinByInvitation(ada, { domainId: www }, 'barbara@demo.example', 'ADMIN');
    await joinByInvitation(ada, { domainId: www }, 'dennis@demo.example', 'MEMBER');
    const invite = 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }';
    await api(ada, invite, { i: { scope: { organizationId: id }, email: 'alan@demo.example', role: 'MEMBER' } });
    await api(ada, invite, {
      i: { scope: { workspaceId: shopWorkspace }, email: 'edsger@demo.example', role: 'ADMIN' },
    });
    await api(ada, invite, { i: { scope: { domainId: shop }, email: 'frances@demo.example', role: 'MEMBER' } });
    await api(ada, 'mutation($o: ID!) { updateSeatLimit(organizationId: $o, seatLimit: 25) { id } }', { o: id });
    const members = await api(
      ada,
      'query($o: ID!) { organization(id: $o) { members { nodes { id user { email } } } } }',
      {
        o: id,
      },
    );
    const ken = members.organization.members.nodes.find((m: any) => m.user.email === 'ken@demo.example').id;
    await api(ada, 'mutation($m: ID!, $e: DateTime) { setMemberExpiry(memberId: $m, expiresAt: $e) { id } }', {
      m: ken,
      e: new Date(Date.now() + 90 * 86400_000).toISOString(),
    });
    await api(
      ada,
      'mutation($o: ID!, $i: BillingProfileInput!) { updateBillingProfile(organizationId: $o, input: $i) { updatedAt } }',
      { o: id, i: { legalName: 'Demo Corp SAS', billingEmail: 'billing@demo.example', city: 'Paris', country: 'FR' } },
    );

    await signedOut();
    // The README's pictures, without the passing toasts.
    await hideToasts();
    await page.getByRole('button', { name: /Ada Lovelace/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Your organizations' }).waitFor();
    await hideToasts();
    await screenshot('demo-homepage');
    await openOrganization(DEMO_ORGANIZATION);
    await rowOf('ken@demo.example')
      .getByText(/Access until/)
      .waitFor();
    await rowOf('alan@demo.example', pendingTable()).waitFor();
    await screenshot('demo-members');
    await rowOf('grace@demo.example')
      .getByRole('button', { name: /^Actions for/ })
      .click();
    await screenshot('demo-row-menu', { window: true });
    await page.getByRole('menuitem', { name: 'Change role…' }).click();
    await dialog().getByRole('radio', { name: 'Admin', exact: true }).check();
    await screenshot('demo-change-role', { window: true });
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Workspaces' }).click();
    await rowOf('margaret@demo.example').waitFor();
    await screenshot('demo-members-workspace');
    await page.getByRole('button', { name: 'Invite people' }).click();
    await screenshot('demo-invite', { window: true });
    await page.keyboard.press('Escape');
    await openSection('Workspaces');
    await screenshot('demo-workspaces');
    await openSection('Billing & seats');
    await page.getByLabel('Legal name').inputValue();
    await screenshot('demo-billing');
    await openSection('Audit log');
    await page.getByRole('table', { name: 'Events, newest first' }).waitFor();
    await screenshot('demo-audit-log', { window: true });
    await api(
      ada,
      'mutation($o: ID!) { createProvisioningToken(input: { organizationId: $o, description: "Okta" }) { token } }',
      {
        o: id,
      },
    );
    await openSection('Directory provisioning');
    await page
      .getByRole('table', { name: /^Provisioning tokens/ })
      .getByText('Okta')
      .waitFor();
    await screenshot('demo-provisioning');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await openSection('Members');
      await rowOf('ken@demo.example').waitFor();
      await expectNoHorizontalScroll('demo members at 390 px');
      await screenshot('demo-members-390');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});
