import { address, organizationOf, page, unique, useWebApp } from './support/server';
import {
  dialog,
  expectAccessible,
  expectStatus,
  home,
  invite,
  menuItems,
  openOrganization,
  rowOf,
  screenshot,
} from './support/page';

/** The web app in chromium: the homepage (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: the homepage', () => {
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
});
