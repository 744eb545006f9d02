import {
  address,
  api,
  apiUrl,
  dns,
  organizationOf,
  page,
  scim,
  scimUser,
  smtp,
  unique,
  useWebApp,
} from './support/server';
import {
  dialog,
  expectAccessible,
  expectNoSection,
  expectStatus,
  home,
  menuItems,
  openOrganization,
  openSection,
  pendingTable,
  rowAction,
  rowOf,
  screenshot,
} from './support/page';

/** The web app in chromium: directory provisioning (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: directory provisioning', () => {
  it('a provisioning token: made (shown once), used by a directory over SCIM, its people marked, revoked after a confirmation', async () => {
    const plain = address('dirmember');
    const { id, name, admin } = await organizationOf('Directory', [[plain, 'MEMBER']]);
    // A plain member has no link to the section.
    await home(plain);
    await openOrganization(name);
    await expectNoSection('Directory provisioning');

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
    // The change-role dialog says so too: the directory may set the role back (issue 37, stumble 11).
    await rowAction(rowOf(known), 'Change role…');
    const changing = dialog(/^Change the role of/);
    await changing.getByText('Managed by your directory').waitFor();
    await page.keyboard.press('Escape');
    await changing.waitFor({ state: 'detached' });
    await rowAction(rowOf(plain), 'Change role…');
    await dialog(/^Change the role of/)
      .getByRole('radio')
      .first()
      .waitFor();
    expect(
      await dialog(/^Change the role of/)
        .getByText('Managed by your directory')
        .count(),
    ).toBe(0);
    await page.keyboard.press('Escape');
    await dialog(/^Change the role of/).waitFor({ state: 'detached' });
    const pending = rowOf(waiting, pendingTable());
    await pending.getByText('Managed by your directory').waitFor();
    // The name the directory sent, over the address (issue 37, stumble 2).
    await pending.getByText('Waiting Person', { exact: true }).waitFor();
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

  it("a directory's group: its workspace marked, its members' role dialog says the group gave it, and why-this-access at organization level names it", async () => {
    const { id, name, admin } = await organizationOf('Groups');
    const directoryDomain = `grp-${unique}.example`;
    const claimed = await api(
      admin,
      'mutation($i: AddEmailDomainInput!) { addEmailDomain(input: $i) { id verificationRecordName verificationRecordValue } }',
      { i: { organizationId: id, domain: directoryDomain } },
    );
    dns.txt.set(claimed.addEmailDomain.verificationRecordName, [claimed.addEmailDomain.verificationRecordValue]);
    await api(admin, 'mutation($d: ID!) { verifyEmailDomain(id: $d) { verified } }', { d: claimed.addEmailDomain.id });
    const made = await api(
      admin,
      'mutation($o: ID!) { createProvisioningToken(input: { organizationId: $o, description: "Entra" }) { token } }',
      { o: id },
    );
    const token = made.createProvisioningToken.token as string;
    const scimUrl = apiUrl.replace(/\/graphql$/, '/scim/v2');
    const engineer = `grpengineer-${unique}@${directoryDomain}`;
    await api(engineer, '{ me { id } }');
    const user = await scim(`${scimUrl}/Users`, token, {
      method: 'POST',
      body: scimUser(engineer, 'Grace', 'Engineer'),
    });
    expect(user.status).toBe(201);
    const group = await scim(`${scimUrl}/Groups`, token, {
      method: 'POST',
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Research group',
        members: [{ value: user.body.id }],
      },
    });
    expect(group.status).toBe(201);

    await home(admin);
    await openOrganization(name);
    await openSection('Workspaces');
    const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Research group' }) });
    await card.getByText('Managed by your directory').waitFor();
    const web = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Web' }) });
    expect(await web.getByText('Managed by your directory').count()).toBe(0);

    // At organization level, "why this access" names the workspace role held below it.
    await openSection('Members');
    await rowAction(rowOf(engineer), 'Why this access?');
    const why = dialog(/^Why .+ has access$/);
    await why.getByText('They also hold, below the organization').waitFor();
    await why
      .getByRole('list', { name: 'Roles held below' })
      .getByText('Member of the workspace Research group')
      .waitFor();
    await expectAccessible('why this access, with roles held below');
    await page.keyboard.press('Escape');
    await why.waitFor({ state: 'detached' });

    // In the group's workspace, the role dialog says the directory's group gave the role.
    const url = new URL(page.url());
    url.searchParams.set('tab', 'workspaces');
    url.searchParams.set('scope', group.body.id);
    await page.goto(url.toString());
    await rowAction(rowOf(engineer), 'Change role…');
    await dialog(/^Change the role of/)
      .getByText('as a member of its group Research group', { exact: false })
      .waitFor();
    await page.keyboard.press('Escape');
  });
});
