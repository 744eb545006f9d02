import { address, db, invitationLink, nameOf, organizationOf, page, webUrl, useWebApp } from './support/server';
import {
  dialog,
  expectAccessible,
  expectStatus,
  home,
  invite,
  openOrganization,
  pendingTable,
  rowAction,
  rowOf,
  screenshot,
  signIn,
  signOut,
} from './support/page';

/** The web app in chromium: the invitation email and its accept page (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: the invitation email and its accept page', () => {
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
});
