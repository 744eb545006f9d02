import { address, api, organizationOf, page, useWebApp } from './support/server';
import {
  dialog,
  expectAccessible,
  expectNoSection,
  expectStatus,
  home,
  inviteThroughDialog,
  openOrganization,
  openSection,
  pendingTable,
  rowAction,
  rowOf,
  screenshot,
} from './support/page';

/** The web app in chromium: custom roles (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: custom roles', () => {
  it('an admin makes a role with keys, gives it through the change-role dialog, sees it listed and explained, deletes it with reassignment', async () => {
    const keeper = address('keeper');
    const latecomer = address('latecomer');
    const { id, name, admin } = await organizationOf('Roles', [[keeper, 'MEMBER']]);
    // A plain member has no link to the section.
    await home(keeper);
    await openOrganization(name);
    await expectNoSection('Roles');

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
