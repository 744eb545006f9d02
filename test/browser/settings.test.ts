import { organizationOf, page, useWebApp } from './support/server';
import { dialog, expectAccessible, expectStatus, home, openOrganization, openSection } from './support/page';

/** The web app in chromium: settings (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: settings', () => {
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
});
