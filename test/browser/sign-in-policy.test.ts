import { address, api, organizationOf, page, useWebApp } from './support/server';
import {
  dialog,
  expectAccessible,
  expectNoHorizontalScroll,
  expectStatus,
  home,
  openOrganization,
  openSection,
  rowOf,
  screenshot,
} from './support/page';

/** The web app in chromium: an organization's sign-in policy, and a member it blocks (test/browser/support has the setup). */
useWebApp();

const CONNECTION = 'policy-okta';

describe('the web app in chromium: the sign-in policy', () => {
  it('an admin requires a second factor, warned of their own lockout first; a member is told why and gets in with MFA, then SSO', async () => {
    const member = address('policy-member');
    const { id, name, admin } = await organizationOf('Policy', [[member, 'MEMBER']]);
    // The admin signs in with a password alone (the development sign-in's default).
    await home(admin);
    await openOrganization(name);
    await openSection('Settings');
    const form = page.getByRole('form', { name: 'Sign-in policy' });
    await form.getByLabel('Require a second factor (MFA)').check();
    await form.getByRole('button', { name: 'Save sign-in policy…' }).click();
    const confirm = dialog('Save the sign-in policy?');
    const lockout = confirm.getByRole('alert').filter({ hasText: 'This would lock you out' });
    await lockout.getByText('You signed in this time without a second factor.').waitFor();
    // Before any request: the save is not offered, and the ways out are.
    expect(await confirm.getByRole('button', { name: 'Save sign-in policy' }).isDisabled()).toBe(true);
    await expectAccessible('sign-in policy, the lockout explained');
    await screenshot('sign-in-policy-lockout', { window: true });
    await lockout.getByRole('button', { name: 'Name me break-glass' }).click();
    await lockout.waitFor({ state: 'detached' });
    await confirm.getByText(/get in regardless\.$/).waitFor();
    await confirm.getByRole('button', { name: 'Save sign-in policy' }).click();
    await expectStatus(`${name} now asks everyone to sign in with a second factor.`);
    await form.getByRole('list', { name: 'Break-glass members' }).getByText('(you)').waitFor();
    const saved = await api(
      admin,
      'query($id: ID!) { organization(id: $id) { signInPolicy { requireMfa breakGlass { user { email } } } } }',
      { id },
    );
    expect(saved.organization.signInPolicy).toEqual({ requireMfa: true, breakGlass: [{ user: { email: admin } }] });
    await expectAccessible('settings with a sign-in policy');

    // The member, signed in with a password alone: the homepage says so, the organization says why.
    await home(member);
    const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name, exact: true }) });
    await card.getByText('Sign in again to enter').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await openOrganization(name);
    const why = page.getByRole('alert').filter({ hasText: `${name} asks you to sign in with a second factor` });
    await why.getByText('Your membership and your roles are unchanged.', { exact: false }).waitFor();
    await page.getByText('Complete a second factor when asked', { exact: false }).waitFor();
    await expectAccessible('blocked by the sign-in policy');
    await screenshot('sign-in-policy-blocked');
    await page.setViewportSize({ width: 360, height: 780 });
    try {
      await expectNoHorizontalScroll('blocked by the sign-in policy');
      await expectAccessible('blocked by the sign-in policy at 360 px');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    // "Sign in again" opens the development sign-in asking for exactly that, and lands back in.
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByText(`${name} asks you to sign in again`).waitFor();
    expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(member);
    expect(await page.getByLabel('With a second factor (MFA)').isChecked()).toBe(true);
    await expectAccessible('sign-in page, asked for a second factor');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await rowOf(member).waitFor();

    // Single sign-on too, by the admin (break-glass) through the same form.
    await home(admin);
    await openOrganization(name);
    await openSection('Settings');
    await form.getByLabel('Require single sign-on').check();
    await form.getByLabel('Connection').fill(CONNECTION);
    await form.getByRole('button', { name: 'Save sign-in policy…' }).click();
    await confirm.getByRole('button', { name: 'Save sign-in policy' }).click();
    await expectStatus(
      `${name} now asks everyone to sign in through its single sign-on connection (${CONNECTION}) and with a second factor.`,
    );
    await page.setViewportSize({ width: 360, height: 780 });
    try {
      await expectNoHorizontalScroll('settings with a sign-in policy');
      await expectAccessible('settings with a sign-in policy at 360 px');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }

    // The member with a second factor but no SSO is blocked again, and told the connection.
    await home(member);
    await openOrganization(name);
    await page
      .getByRole('alert')
      .filter({ hasText: `single sign-on connection (${CONNECTION})` })
      .waitFor();
    await page.getByRole('button', { name: 'Sign in again' }).click();
    expect(await page.getByLabel('Single sign-on connection (optional)').inputValue()).toBe(CONNECTION);
    expect(await page.getByLabel('With a second factor (MFA)').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await rowOf(member).waitFor();
  });
});
