import { DEMO_ORGANIZATION } from '../../src/dev/demo-people';
import { api, joinByInvitation, page, useWebApp } from './support/server';
import {
  dialog,
  expectNoHorizontalScroll,
  hideToasts,
  openOrganization,
  openSection,
  pendingTable,
  rowOf,
  screenshot,
  signedOut,
} from './support/page';

/** The web app in chromium: the demo data (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: the demo data', () => {
  it("Demo Corp as npm run seed makes it, seen by its Admin (the README's screenshots)", async () => {
    const ada = 'ada@demo.example';
    const created = await api(ada, 'mutation($n: String!) { createOrganization(input: { name: $n }) { id } }', {
      n: DEMO_ORGANIZATION,
    });
    const id = created.createOrganization.id as string;
    const workspace = async (n: string) =>
      (
        await api(
          ada,
          'mutation($o: ID!, $n: String!) { createWorkspace(input: { organizationId: $o, name: $n }) { id } }',
          {
            o: id,
            n,
          },
        )
      ).createWorkspace.id as string;
    const domain = async (w: string, h: string) =>
      (
        await api(
          ada,
          'mutation($w: ID!, $h: String!) { createDomain(input: { workspaceId: $w, hostname: $h }) { id } }',
          { w, h },
        )
      ).createDomain.id as string;
    const marketing = await workspace('Marketing');
    const shopWorkspace = await workspace('Shop');
    const www = await domain(marketing, 'www.demo.example');
    await domain(marketing, 'blog.demo.example');
    const shop = await domain(shopWorkspace, 'shop.demo.example');
    await joinByInvitation(ada, { organizationId: id }, 'grace@demo.example', 'ACCOUNTING');
    await joinByInvitation(ada, { organizationId: id }, 'linus@demo.example', 'MEMBER');
    await joinByInvitation(ada, { workspaceId: marketing }, 'margaret@demo.example', 'ADMIN');
    await joinByInvitation(ada, { workspaceId: marketing }, 'ken@demo.example', 'MEMBER');
    await joinByInvitation(ada, { domainId: www }, 'barbara@demo.example', 'ADMIN');
    await joinByInvitation(ada, { domainId: www }, 'dennis@demo.example', 'MEMBER');
    const invite = 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }';
    await api(ada, invite, { i: { scope: { organizationId: id }, email: 'alan@demo.example', role: 'MEMBER' } });
    await api(ada, invite, {
      i: { scope: { workspaceId: shopWorkspace }, email: 'edsger@demo.example', role: 'ADMIN' },
    });
    await api(ada, invite, { i: { scope: { domainId: shop }, email: 'frances@demo.example', role: 'MEMBER' } });
    await api(ada, 'mutation($o: ID!) { updateSeatLimit(organizationId: $o, seatLimit: 25) { id } }', { o: id });
    const members = await api(
      ada,
      'query($o: ID!) { organization(id: $o) { members { nodes { id user { email } } } } }',
      {
        o: id,
      },
    );
    const ken = members.organization.members.nodes.find((m: any) => m.user.email === 'ken@demo.example').id;
    await api(ada, 'mutation($m: ID!, $e: DateTime) { setMemberExpiry(memberId: $m, expiresAt: $e) { id } }', {
      m: ken,
      e: new Date(Date.now() + 90 * 86400_000).toISOString(),
    });
    await api(
      ada,
      'mutation($o: ID!, $i: BillingProfileInput!) { updateBillingProfile(organizationId: $o, input: $i) { updatedAt } }',
      { o: id, i: { legalName: 'Demo Corp SAS', billingEmail: 'billing@demo.example', city: 'Paris', country: 'FR' } },
    );

    await signedOut();
    // The README's pictures, without the passing toasts.
    await hideToasts();
    await page.getByRole('button', { name: /Ada Lovelace/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Your organizations' }).waitFor();
    await hideToasts();
    await screenshot('demo-homepage');
    await openOrganization(DEMO_ORGANIZATION);
    await rowOf('ken@demo.example')
      .getByText(/Access until/)
      .waitFor();
    await rowOf('alan@demo.example', pendingTable()).waitFor();
    await screenshot('demo-members');
    await rowOf('grace@demo.example')
      .getByRole('button', { name: /^Actions for/ })
      .click();
    await screenshot('demo-row-menu', { window: true });
    await page.getByRole('menuitem', { name: 'Change role…' }).click();
    await dialog().getByRole('radio', { name: 'Admin', exact: true }).check();
    await screenshot('demo-change-role', { window: true });
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Workspaces' }).click();
    await rowOf('margaret@demo.example').waitFor();
    await screenshot('demo-members-workspace');
    await page.getByRole('button', { name: 'Invite people' }).click();
    await screenshot('demo-invite', { window: true });
    await page.keyboard.press('Escape');
    await openSection('Workspaces');
    await screenshot('demo-workspaces');
    await openSection('Billing & seats');
    await page.getByLabel('Legal name').inputValue();
    await screenshot('demo-billing');
    await openSection('Audit log');
    await page.getByRole('table', { name: 'Events, newest first' }).waitFor();
    await screenshot('demo-audit-log', { window: true });
    await api(
      ada,
      'mutation($o: ID!) { createProvisioningToken(input: { organizationId: $o, description: "Okta" }) { token } }',
      {
        o: id,
      },
    );
    await openSection('Directory provisioning');
    await page
      .getByRole('table', { name: /^Provisioning tokens/ })
      .getByText('Okta')
      .waitFor();
    await screenshot('demo-provisioning');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await openSection('Members');
      await rowOf('ken@demo.example').waitFor();
      await expectNoHorizontalScroll('demo members at 390 px');
      await screenshot('demo-members-390');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});
