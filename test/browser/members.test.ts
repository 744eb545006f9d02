import { waitFor } from '../support/processes';
import {
  address,
  api,
  dayInput,
  invitationLink,
  joinByInvitation,
  nameOf,
  organizationOf,
  page,
  shownDay,
  useWebApp,
} from './support/server';
import {
  dialog,
  expectAccessible,
  expectStatus,
  home,
  invite,
  membersTable,
  sectionNavigation,
  menuItems,
  openOrganization,
  openSection,
  pendingTable,
  rowAction,
  rowOf,
  screenshot,
  signedOut,
  signIn,
} from './support/page';

/** The web app in chromium: the members list (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: the members list', () => {
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

  it('the role filter offers the custom roles by name: picking one lists only its holders, kept in the URL', async () => {
    const auditor = address('holder');
    const { id, name, admin } = await organizationOf('Custom', [[address('plainer'), 'MEMBER']]);
    const made = await api(admin, 'mutation($i: CreateCustomRoleInput!) { createCustomRole(input: $i) { id } }', {
      i: { organizationId: id, name: 'Auditor', grants: [{ scope: 'ORGANIZATION', keys: ['READ_AUDIT_LOG'] }] },
    });
    await api(admin, 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }', {
      i: { scope: { organizationId: id }, email: auditor, role: 'MEMBER', customRoleId: made.createCustomRole.id },
    });
    const token = new URL(await invitationLink(auditor)).searchParams.get('token');
    await api(auditor, 'mutation($t: String!) { acceptInvitation(input: { token: $t }) { id } }', { t: token });
    await home(admin);
    await openOrganization(name);
    await page.getByRole('table', { name: `Members of ${name} (3)` }).waitFor();
    const filter = page.getByLabel('Role', { exact: true });
    expect(await filter.locator('option').allTextContents()).toEqual([
      'Any role',
      'Admin',
      'Accounting',
      'Member',
      'Auditor',
    ]);
    await filter.selectOption({ label: 'Auditor' });
    await page.getByRole('table', { name: `Members of ${name} (1)` }).waitFor();
    expect(await membersTable().locator('tbody tr .person-email').allTextContents()).toEqual([auditor]);
    await rowOf(auditor).getByText('Auditor', { exact: true }).waitFor();
    expect(new URL(page.url()).searchParams.get('customRole')).toBe(made.createCustomRole.id);
    expect(new URL(page.url()).searchParams.get('role')).toBeNull();
    await page.reload();
    await page.getByRole('table', { name: `Members of ${name} (1)` }).waitFor();
    expect(await page.getByLabel('Role', { exact: true }).inputValue()).toBe(`custom:${made.createCustomRole.id}`);
    // A built-in role replaces it: Member lists both plain members and the Auditor (built on Member).
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Member' });
    await page.getByRole('table', { name: `Members of ${name} (2)` }).waitFor();
    expect(new URL(page.url()).searchParams.get('customRole')).toBeNull();
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
    expect(await sectionNavigation().getByRole('link').allTextContents()).toEqual([
      'Members',
      'Workspaces',
      'Settings',
    ]);
    await expectAccessible('members as a plain member');
    await screenshot('members-as-plain-member');
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
});
