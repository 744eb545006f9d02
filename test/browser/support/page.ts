import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { waitFor } from '../../support/processes';
import { AXE_TAGS, checkedScreens, nameOf, page, SCREENSHOTS, webUrl } from './server';

/** What a person does in the page, and what the tests check of it. */

/** The whole page, or with `window` what the window shows (a dialog over the page). */
export async function screenshot(name: string, options: { window?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: !options.window });
}

/** axe-core on the page as it is (dialogs included): no WCAG 2.1 A/AA violation. */
export async function expectAccessible(screen: string): Promise<void> {
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
export async function expectNoHorizontalScroll(screen: string): Promise<void> {
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

export async function signIn(email: string, options: { name?: string; verified?: boolean } = {}): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  if (options.name) await page.getByLabel('Name (optional)').fill(options.name);
  if (options.verified === false) await page.getByLabel('The address is verified').uncheck();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('banner').getByText(`Signed in as ${email}`).waitFor();
}

export async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
}

/** The homepage, signed out (once the app has drawn it, so that what it shows is settled). */
export async function signedOut(): Promise<void> {
  await page.goto(webUrl);
  await page.getByRole('heading', { level: 1 }).waitFor();
  if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await signOut();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}

/** Signs in afresh on the homepage. */
export async function home(email: string): Promise<void> {
  await signedOut();
  await signIn(email, { name: nameOf(email) });
  await page.getByRole('heading', { level: 1, name: 'Your organizations' }).waitFor();
}

export async function openOrganization(name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** The open organization's navigation between its sections. */
export const sectionNavigation = () => page.getByRole('navigation', { name: 'Organization sections' });

export async function openSection(name: string): Promise<void> {
  await sectionNavigation().getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 2, name }).waitFor();
}

/** The open organization offers the viewer no link to this section (its navigation drawn first). */
export async function expectNoSection(name: string): Promise<void> {
  await sectionNavigation().getByRole('link', { name: 'Members' }).waitFor();
  expect(await sectionNavigation().getByRole('link', { name }).count()).toBe(0);
}

export const status = () => page.getByRole('status');
export async function expectStatus(text: string | RegExp): Promise<void> {
  await status().filter({ hasText: text }).waitFor();
}

export const dialog = (name?: string | RegExp) => page.getByRole('dialog', name ? { name } : {});
export const membersTable = () => page.getByRole('table', { name: /^(Direct )?[Mm]embers of/ });
export const inheritedTable = () => page.getByRole('table', { name: /^Access inherited from above/ });
export const pendingTable = () => page.getByRole('table', { name: /^Pending invitations/ });
export const rowOf = (email: string, table = membersTable()) => table.getByRole('row').filter({ hasText: email });

/** Opens a row's "⋯" menu and returns its items' names. */
export async function menuItems(row: Locator): Promise<string[]> {
  await row.getByRole('button', { name: /^Actions for/ }).click();
  const menu = page.getByRole('menu');
  await menu.waitFor();
  const items = await menu.getByRole('menuitem').allTextContents();
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });
  return items;
}

export async function rowAction(row: Locator, item: string): Promise<void> {
  await row.getByRole('button', { name: /^Actions for/ }).click();
  await page.getByRole('menu').getByRole('menuitem', { name: item }).click();
}

/** Invites through the dialog and waits for each address's answer; returns the results list. */
export async function inviteThroughDialog(
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

export async function invite(email: string, role: string, options: { until?: string } = {}): Promise<void> {
  const results = await inviteThroughDialog(email, role, { ...options, keepOpen: true });
  await results.getByText(`Invited as ${role}`).waitFor();
  await dialog().getByRole('button', { name: 'Done' }).click();
}

/** Opens an invitation link signed out, signs in as `email` and accepts. */
export async function acceptAs(link: string, email: string): Promise<void> {
  await signedOut();
  await page.goto(link);
  await signIn(email, { name: nameOf(email) });
  await page.getByRole('button', { name: 'Accept the invitation' }).click();
  await page.getByText(/^Welcome to /).waitFor();
}

/** Presses a key (Tab by default) until `target` has focus: what a keyboard user does. */
export async function tabTo(target: Locator, options: { key?: string; max?: number } = {}): Promise<void> {
  const { key = 'Tab', max = 80 } = options;
  await target.waitFor();
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === (globalThis as any).document.activeElement)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${target} was not reached with ${max} presses of ${key}`);
}

/** Waits until `target` holds the focus (after a dialog opens or closes). */
export async function focused(target: Locator): Promise<void> {
  await waitFor('the focus', () => target.evaluate((el) => el === (globalThis as any).document.activeElement), 5_000);
}

/** Toasts off, for pictures: through the CSSOM, which the CSP allows (a <style> tag it refuses). */
export async function hideToasts(): Promise<void> {
  await page.evaluate(() => {
    const sheet = (globalThis as any).document.styleSheets[0];
    sheet.insertRule('.toast-region { display: none; }', sheet.cssRules.length);
  });
}
