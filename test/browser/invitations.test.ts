import { waitFor } from '../support/processes';
import { address, api, invitationLink, nameOf, organizationOf, page, smtp, webUrl, useWebApp } from './support/server';
import {
  acceptAs,
  dialog,
  expectAccessible,
  expectStatus,
  focused,
  home,
  inheritedTable,
  invite,
  inviteThroughDialog,
  openOrganization,
  openSection,
  pendingTable,
  rowAction,
  rowOf,
  screenshot,
  signedOut,
  signIn,
  tabTo,
} from './support/page';

/** The web app in chromium: inviting and pending invitations (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: inviting and pending invitations', () => {
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
});
