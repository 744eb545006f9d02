import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { waitFor } from '../support/processes';
import { developmentSubject } from '../../src/dev/demo-people';
import {
  address,
  api,
  dayInput,
  identityEvent,
  joinByInvitation,
  nameOf,
  organizationOf,
  page,
  sameOriginApp,
  useWebApp,
} from './support/server';
import {
  expectAccessible,
  expectStatus,
  home,
  openOrganization,
  openSection,
  rowOf,
  screenshot,
  signIn,
  signOut,
  status,
} from './support/page';

/** The web app in chromium: the audit log (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: the audit log', () => {
  it('the audit log: newest first, a page at a time, filtered by action, actor, subject and time', async () => {
    const subject = address('subject');
    const leaver = address('leaver');
    const { id, name, admin } = await organizationOf('Audit', [
      [subject, 'MEMBER'],
      [leaver, 'MEMBER'],
    ]);
    await api(leaver, 'mutation($o: ID!) { leaveOrganization(organizationId: $o) }', { o: id });
    const member = await api(
      admin,
      'query($o: ID!) { organization(id: $o) { members(role: MEMBER) { nodes { id } } } }',
      { o: id },
    );
    await api(admin, 'mutation($m: ID!) { changeMemberRole(input: { memberId: $m, role: ACCOUNTING }) { id } }', {
      m: member.organization.members.nodes[0].id,
    });
    await api(admin, 'mutation($o: ID!) { updateSeatLimit(organizationId: $o, seatLimit: 7) { id } }', { o: id });
    for (let i = 1; i <= 26; i++) {
      await api(
        admin,
        'mutation($o: ID!, $n: String!) { createWorkspace(input: { organizationId: $o, name: $n }) { id } }',
        {
          o: id,
          n: `Team ${i}`,
        },
      );
    }
    await home(admin);
    await openOrganization(name);
    await openSection('Audit log');
    const log = page.getByRole('table', { name: 'Events, newest first' });
    await log.getByRole('row').nth(1).getByText('Workspace created').waitFor();
    expect(await log.getByRole('row').count()).toBe(26); // header + 25
    await expectAccessible('audit log');
    await screenshot('audit-log');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText(/^Page 2 · 26–/).waitFor();
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText(/^Page 1 · 1–25/).waitFor();

    await page.getByLabel('Action').selectOption({ label: 'Role changed' });
    await waitFor('only the role change', async () => (await log.getByRole('row').count()) === 2, 10_000);
    // The chosen action is shown whole, not cut short (issue 37, stumble 11).
    expect(
      await page.getByLabel('Action').evaluate((el: any) => {
        const style = getComputedStyle(el);
        const context = (globalThis as any).document.createElement('canvas').getContext('2d');
        context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const text = el.options[el.selectedIndex].text as string;
        const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return context.measureText(text).width <= room;
      }),
    ).toBe(true);
    await log.getByText('Subject, Member → Accounting').waitFor();
    expect(new URL(page.url()).searchParams.get('action')).toBe('MEMBER_ROLE_CHANGED');
    // A setting's event says what it was and became (issue 37, stumble 10).
    await page.getByLabel('Action').selectOption({ label: 'Seat limit changed' });
    await log.getByText('no limit → 7').waitFor();
    await page.getByLabel('Action').selectOption({ label: 'Any action' });
    await page.getByLabel('Done by').selectOption({ label: `Subject (${subject})` });
    // What the subject did themselves: accepting their invitation, nothing of the admin's.
    await log.getByText('Invitation accepted').waitFor();
    await waitFor(
      "only the subject's own acts",
      async () => (await log.getByText('Workspace created').count()) === 0,
      10_000,
    );
    await page.getByLabel('Done by').selectOption({ label: 'Anyone' });
    await page.getByLabel('About').selectOption({ label: `Subject (${subject})` });
    await log.getByText('Role changed').waitFor();
    await waitFor(
      'only events about the subject',
      async () =>
        (await log.locator('tbody tr').count()) > 0 && (await log.getByText('Workspace created').count()) === 0,
      10_000,
    );
    // Someone who left is found by a part of their address, though no members list shows them.
    await page.getByLabel('About').selectOption({ label: 'Anyone' });
    await page.getByLabel('Find a person').fill(leaver.slice(0, 12));
    await waitFor(
      'the leaver offered',
      async () =>
        (await page.getByLabel('Done by').locator('option').allTextContents()).some((t) => t.includes(leaver)),
      10_000,
    );
    const leaverOption = (await page.getByLabel('Done by').locator('option').allTextContents()).find((t) =>
      t.includes(leaver),
    )!;
    await page.getByLabel('Done by').selectOption({ label: leaverOption });
    await log.getByText('Member left').waitFor();
    await page.getByLabel('Done by').selectOption({ label: 'Anyone' });
    await page.getByLabel('Find a person').fill('');
    await page.getByLabel('About').selectOption({ label: `Subject (${subject})` });
    await page.reload();
    await waitFor(
      'the filter read back from the URL',
      async () => (await page.getByLabel('About').locator('option:checked').textContent()) === `Subject (${subject})`,
      10_000,
    );
    await log.getByText('Role changed').waitFor();
    await page.getByLabel('From').fill(dayInput(1));
    await page.getByText('No event matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await log.getByRole('row').nth(25).waitFor();
  });

  it('the audit log exported as CSV and NDJSON with the dates on screen; a refusal in the status region', async () => {
    const second = address('exportsecond');
    const { id, name, admin } = await organizationOf('Export', [[second, 'ADMIN']]);
    await api(
      admin,
      'mutation($o: ID!) { createWorkspace(input: { organizationId: $o, name: "Exported, \\"quoted\\"" }) { id } }',
      {
        o: id,
      },
    );
    const together = await sameOriginApp();
    try {
      await page.goto(together.url);
      await page.getByRole('heading', { level: 1 }).waitFor();
      if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await signOut();
      await signIn(admin, { name: nameOf(admin) });
      await openOrganization(name);
      await openSection('Audit log');
      const log = page.getByRole('table', { name: 'Events, newest first' });
      await log.getByRole('row').nth(1).waitFor();
      await page.getByLabel('From').fill(dayInput(-1));
      await page.getByLabel('To').fill(dayInput(1));
      await log.getByRole('row').nth(1).waitFor();
      await expectAccessible('audit log with the export');
      const expected = await api(
        admin,
        'query($o: ID!) { organization(id: $o) { auditLog(first: 100) { nodes { id action actor { email } } } } }',
        { o: id },
      );
      const events = expected.organization.auditLog.nodes as {
        id: string;
        action: string;
        actor: { email: string } | null;
      }[];

      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export', exact: true }).click(),
      ]);
      expect(csv.suggestedFilename()).toMatch(/^audit-organization-\d{4}-\d{2}-\d{2}\.csv$/);
      const text = readFileSync((await csv.path())!, 'utf8');
      expect(text.split('\r\n')[0]).toBe(
        'id,action,occurredAt,actorId,actorEmail,actorName,scope,organizationId,workspaceId,domainId,subjectId,subjectEmail,subjectName,email,fromRole,toRole,before,after,requestId,source,provisioningTokenId',
      );
      const rows = parseCsv(text, { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => [r.id, r.action, r.actorEmail])).toEqual(
        events.map((e) => [e.id, e.action, e.actor?.email ?? '']),
      );
      expect(new Set(rows.map((r) => r.organizationId))).toEqual(new Set([id]));
      await expectStatus(/^Audit log of the organization .+ exported as audit-organization-.+\.csv \(.+\)\.$/);

      await page.getByLabel('Export as').selectOption({ label: 'NDJSON (one JSON event a line)' });
      const [ndjson] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export', exact: true }).click(),
      ]);
      expect(ndjson.suggestedFilename()).toMatch(/\.ndjson$/);
      const lines = readFileSync((await ndjson.path())!, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines.map((e) => e.id)).toEqual(events.map((e) => e.id));

      // A filter the export cannot apply is said beside the button.
      await page.getByLabel('Action').selectOption({ label: 'Workspace created' });
      await page.getByText('it cannot filter by action or person').waitFor();
      await page.getByLabel('Action').selectOption({ label: 'Any action' });

      // No longer an admin: the server's refusal is announced.
      const mine = await api(
        second,
        'query($o: ID!) { organization(id: $o) { members(role: ADMIN) { nodes { id user { email } } } } }',
        { o: id },
      );
      const adminRow = mine.organization.members.nodes.find((m: any) => m.user.email === admin).id;
      await api(second, 'mutation($m: ID!) { changeMemberRole(input: { memberId: $m, role: MEMBER }) { id } }', {
        m: adminRow,
      });
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      await expectStatus(/^The audit log was not exported: .+/);
      expect(await status().getAttribute('class')).toContain('toast-error');
    } finally {
      await together.close();
    }
  });

  it('an erased last admin: their organization says it has no admin; another organization\'s log names "Erased person"', async () => {
    const stays = address('stays');
    const orphaned = await organizationOf('Orphan', [[stays, 'MEMBER']]);
    const witness = await organizationOf('Witness');
    await joinByInvitation(witness.admin, { organizationId: witness.id }, orphaned.admin, 'MEMBER');
    expect(
      await identityEvent({
        data: { deleted: true, id: developmentSubject(orphaned.admin), object: 'user' },
        object: 'event',
        type: 'user.deleted',
      }),
    ).toBe(200);

    await home(stays);
    await openOrganization(orphaned.name);
    const banner = page.getByRole('alert').filter({ hasText: 'This organization has no Admin' });
    await banner.getByText(`npm run grant-admin -- ${orphaned.id}`).waitFor();
    await expectAccessible('organization without an admin');
    await screenshot('needs-admin');
    // An organization with its admin says nothing of the kind.
    await home(witness.admin);
    await openOrganization(witness.name);
    await rowOf(witness.admin).waitFor();
    expect(await page.getByText('This organization has no Admin').count()).toBe(0);

    await openSection('Audit log');
    const log = page.getByRole('table', { name: 'Events, newest first' });
    // They accepted their invitation (the actor), then the erasure removed them (the subject).
    await log.getByRole('row').filter({ hasText: 'Invitation accepted' }).getByText('Erased person').first().waitFor();
    await log.getByRole('row').filter({ hasText: 'Member removed' }).getByText('Erased person').first().waitFor();
    await log.getByRole('row').filter({ hasText: 'Member removed' }).getByText('The identity provider').waitFor();
    // Who asked for the erasure, from the event's source: here the identity provider.
    await log
      .getByRole('row')
      .filter({ hasText: 'Person erased' })
      .getByText("at the identity provider's request", { exact: false })
      .first()
      .waitFor();
    const text = await log.textContent();
    expect(text).not.toContain(orphaned.admin);
    expect(text).not.toContain(nameOf(orphaned.admin));
    expect(await page.getByLabel('Done by').locator('option').allTextContents()).toContain('Erased person');
    await expectAccessible('audit log with an erased person');
    await screenshot('audit-log-erased');
  });
});
