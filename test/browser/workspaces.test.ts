import { waitFor } from '../support/processes';
import { address, joinByInvitation, organizationOf, page, useWebApp } from './support/server';
import {
  dialog,
  expectAccessible,
  expectStatus,
  home,
  inheritedTable,
  menuItems,
  openOrganization,
  openSection,
  rowOf,
  screenshot,
} from './support/page';

/** The web app in chromium: workspaces and domains (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: workspaces and domains', () => {
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
});
