import {
  address,
  api,
  dns,
  joinByInvitation,
  organizationOf,
  page,
  shownDay,
  dayInput,
  unique,
  useWebApp,
} from './support/server';
import {
  dialog,
  expectAccessible,
  expectNoHorizontalScroll,
  expectStatus,
  home,
  openOrganization,
  openSection,
  screenshot,
} from './support/page';

/** The web app in chromium: requests to join, asked from the homepage and decided in the Requests tab (test/browser/support has the setup). */
useWebApp();

/** An organization whose verified email domain lets people ask to join, set through the Email domains screen. */
async function requestOrganization(label: string) {
  const organization = await organizationOf(label);
  const domain = `${label.toLowerCase()}-${unique}.example`;
  const added = await api(
    organization.admin,
    'mutation($i: AddEmailDomainInput!) { addEmailDomain(input: $i) { id verificationRecordName verificationRecordValue } }',
    { i: { organizationId: organization.id, domain, enrollment: 'NONE' } },
  );
  const { id, verificationRecordName, verificationRecordValue } = added.addEmailDomain;
  dns.txt.set(verificationRecordName, [verificationRecordValue]);
  await api(organization.admin, 'mutation($id: ID!) { verifyEmailDomain(id: $id) { verified } }', { id });
  await home(organization.admin);
  await openOrganization(organization.name);
  await openSection('Email domains');
  await page
    .getByRole('article', { name: domain })
    .getByLabel('Who may join by this domain')
    .selectOption({ label: 'Anyone at the domain may ask to join' });
  await expectStatus(`People with a verified @${domain} address may now ask to join ${organization.name}.`);
  return { ...organization, domain };
}

async function askToJoin(name: string, message: string) {
  const offer = page.getByRole('region', { name: 'Organizations you can join' });
  await offer.getByRole('button', { name: `Ask to join ${name}` }).click();
  const ask = dialog(`Ask to join ${name}`);
  await ask.getByLabel('Message (optional)').fill(message);
  await ask.getByRole('button', { name: 'Send request' }).click();
  await expectStatus(`You asked to join ${name}. You will get an email when its managers decide.`);
}

const myRequests = () => page.getByRole('region', { name: 'Your requests to join' });
const requestsTable = () => page.getByRole('table', { name: /^Requests to join/ });

describe('the web app in chromium: requests to join', () => {
  it('a person asks to join from the homepage, the admin approves with a role and an end date, and they are in', async () => {
    const { name, admin, domain } = await requestOrganization('Asking');
    const asker = `asker-${unique}@${domain}`;
    await home(asker);
    await page.getByText(`They let anyone with a verified @${domain} address ask to join.`).waitFor();
    await askToJoin(name, 'I run the accounts of the Paris office.');
    await myRequests().getByText('Waiting for a decision').waitFor();
    await page.getByRole('region', { name: 'Organizations you can join' }).getByText('Request pending').waitFor();
    await expectAccessible('homepage, a request pending');
    await screenshot('homepage-request-pending');

    await home(admin);
    await openOrganization(name);
    await openSection('Requests');
    const row = requestsTable().getByRole('row').filter({ hasText: asker });
    await row.getByText('I run the accounts of the Paris office.').waitFor();
    await expectAccessible('requests');
    await screenshot('requests');
    await row.getByRole('button', { name: /^Approve/ }).click();
    const approve = dialog(/^Approve /);
    await approve.getByRole('radio', { name: 'Accounting', exact: true }).check();
    await approve.getByLabel('Access ends on a set day').check();
    const until = dayInput(60);
    await approve.getByLabel(/^Access until/).fill(until);
    await expectAccessible('requests, approving');
    await approve.getByRole('button', { name: 'Approve as Accounting' }).click();
    await expectStatus(new RegExp(`joined the organization ${name} as Accounting, until ${shownDay(until)}\\.$`));
    await page.getByText('Nobody is waiting for an answer.').waitFor();
    await page.getByLabel('Show').selectOption({ label: 'Approved' });
    await requestsTable().getByRole('row').filter({ hasText: asker }).getByText('Approved').waitFor();

    await home(asker);
    await page.getByRole('link', { name, exact: true }).waitFor();
    await myRequests().getByText('Approved', { exact: true }).waitFor();
    await openOrganization(name);
    await page.getByTestId('your-role').getByText('Accounting').waitFor();
  });

  it('the admin denies with a reason the requester reads; a new request can be withdrawn', async () => {
    const { name, admin, domain } = await requestOrganization('Denying');
    const asker = `denied-${unique}@${domain}`;
    await home(asker);
    await askToJoin(name, 'Let me in, please.');

    await home(admin);
    await openOrganization(name);
    await openSection('Requests');
    await page.setViewportSize({ width: 360, height: 780 });
    try {
      await requestsTable().getByRole('row').filter({ hasText: asker }).waitFor();
      await expectNoHorizontalScroll('requests');
      await expectAccessible('requests at 360 px');
      await screenshot('narrow-requests');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await requestsTable().getByRole('row').filter({ hasText: asker }).getByRole('button', { name: /^Deny/ }).click();
    const deny = dialog(/^Deny /);
    // Over 500 characters is said before any request, and not sent.
    await deny.getByLabel('Reason (optional)').fill('x'.repeat(501));
    await deny.getByText('At most 500 characters: shorten it by 1.').waitFor();
    expect(await deny.getByRole('button', { name: 'Deny request' }).isDisabled()).toBe(true);
    await deny.getByLabel('Reason (optional)').fill('We only take people from the Lyon team.');
    await expectAccessible('requests, denying');
    await deny.getByRole('button', { name: 'Deny request' }).click();
    await expectStatus(new RegExp(`request to join the organization ${name} was denied\\.$`));

    await home(asker);
    const denied = myRequests().getByRole('listitem').filter({ hasText: 'Denied' });
    await denied.getByText('Their reason: We only take people from the Lyon team.').waitFor();
    // They may ask again, and withdraw it while it waits.
    await askToJoin(name, 'I moved to Lyon.');
    await myRequests()
      .getByRole('button', { name: `Withdraw your request to join the organization ${name}` })
      .click();
    await dialog(/^Withdraw your request/)
      .getByRole('button', { name: 'Withdraw request' })
      .click();
    await expectStatus(`You withdrew your request to join the organization ${name}.`);
    await myRequests().getByText('Withdrawn', { exact: true }).waitFor();
    await page
      .getByRole('region', { name: 'Organizations you can join' })
      .getByRole('button', { name: `Ask to join ${name}` })
      .waitFor();
    await expectAccessible('homepage, requests decided and withdrawn');
    const mine = await api(asker, '{ me { accessRequests { status reason } } }');
    expect(mine.me.accessRequests).toEqual([
      { status: 'WITHDRAWN', reason: null },
      { status: 'DENIED', reason: 'We only take people from the Lyon team.' },
    ]);
  });

  it("a workspace's Admin, who manages no one else in the organization, decides the requests to join their workspace", async () => {
    const accounting = address('req-accounting');
    const workspaceAdmin = address('req-wsadmin');
    const { name, admin, workspaceId } = await organizationOf('Scoped', [
      [accounting, 'ACCOUNTING'],
      [workspaceAdmin, 'MEMBER'],
    ]);
    await joinByInvitation(admin, { workspaceId }, workspaceAdmin, 'ADMIN');
    // Accounting sees every workspace without belonging to one: they ask to join Web.
    await api(accounting, 'mutation($i: RequestAccessInput!) { requestAccess(input: $i) { id } }', {
      i: { scope: { workspaceId }, message: 'For the Web budget.' },
    });
    await home(workspaceAdmin);
    await openOrganization(name);
    await openSection('Requests');
    const row = requestsTable().getByRole('row').filter({ hasText: accounting });
    await row.getByText(`the workspace Web in ${name}`).waitFor();
    await row.getByRole('button', { name: /^Approve/ }).click();
    const approve = dialog(/^Approve /);
    // A workspace takes Admin or Member: no Accounting offered.
    expect(await approve.getByRole('radio').count()).toBe(2);
    expect(await approve.getByRole('radio', { name: 'Accounting', exact: true }).count()).toBe(0);
    await approve.getByRole('radio', { name: 'Member', exact: true }).check();
    await approve.getByRole('button', { name: 'Approve as Member' }).click();
    await expectStatus(new RegExp(`joined the workspace Web in ${name} as Member\\.$`));
    const seen = await api(
      admin,
      'query($w: ID!) { workspace(id: $w) { members { nodes { role user { email } } } } }',
      {
        w: workspaceId,
      },
    );
    expect(seen.workspace.members.nodes).toContainEqual({ role: 'MEMBER', user: { email: accounting } });
  });
});
