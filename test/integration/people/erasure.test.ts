import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_ORGANIZATION, demoEmail, developmentSubject } from '../../../src/dev/demo-people';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { erasedAddress } from '../../../src/db/people';
import { erasePerson } from '../../../src/services/people/erasure.service';
import { grantAdminAsOperator } from '../../../src/services/people/operator.service';
import {
  AcceptInvitationDocument,
  AuditLogPeopleDocument,
  ChangeMemberRoleDocument,
  CreateWebhookEndpointDocument,
  MyDataExportDocument,
  OrganizationMembersDocument,
  OrganizationNeedsAdminDocument,
} from '../../generated/graphql';
import { describeOnEachDatabase } from '../../support/each-database';
import {
  addMember,
  createDomain,
  createOrganization,
  createWorkspace,
  invite,
  systemScope,
} from '../../support/factories';
import { errorCodes, TEST_JWT_SECRET } from '../../support/harness';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { exited, start } from '../../support/processes';
import { countOf, occurrences, snapshot, updatedEvent, useIdentityProvider } from './people-support';

/**
 * docs/domain-rules.md §16: the identity provider's `user.deleted` erases a person — as member,
 * last ADMIN, inviter, invitee, actor and subject of events — and nothing of their name or address
 * stays in any row; an erased person's token is refused; the commands work after it.
 */
describeOnEachDatabase('erasure by the identity provider', (kind) => {
  const { clock, h, server, send, deleted } = useIdentityProvider(kind);

  it('erases a member, last ADMIN, inviter, invitee, actor and subject: no row keeps their name or address', async () => {
    const pat = await h.person('erasable');
    const colleague = await h.person('colleague');
    const other = await h.person('otheradmin');
    const third = await h.person('thirdadmin');
    // Acme: Pat is its only ADMIN, with workspace and domain memberships, an inviter and an actor.
    const acme = await createOrganization(h, pat, 'Acme');
    const web = await createWorkspace(h, pat, acme.id, 'Web');
    const shop = await createDomain(h, pat, web.id, 'shop.acme.example');
    await addMember(h, pat, { kind: ScopeKind.WORKSPACE, organizationId: acme.id, workspaceId: web.id }, Role.MEMBER);
    await addMember(
      h,
      pat,
      { kind: ScopeKind.DOMAIN, organizationId: acme.id, workspaceId: web.id, domainId: shop.id },
      Role.ADMIN,
    );
    await addMember(h, colleague, { kind: ScopeKind.ORGANIZATION, organizationId: acme.id }, Role.MEMBER);
    const hooks = await h.run(
      CreateWebhookEndpointDocument,
      { input: { organizationId: acme.id, url: 'http://127.0.0.1:9/hook' } },
      pat,
    );
    expect(hooks.errors).toBeUndefined();
    const colleagueMember = (await h.run(OrganizationMembersDocument, { id: acme.id, query: 'colleague' }, pat)).data
      ?.organization?.members?.edges[0].node.id as string;
    expect(
      errorCodes(
        await h.run(ChangeMemberRoleDocument, { input: { memberId: colleagueMember, role: 'ACCOUNTING' } }, pat),
      ),
    ).toEqual([]);
    const fromPat = await invite(h, pat, { organizationId: acme.id }, 'newcomer@example.test');
    // Beta: Pat joined by an invitation (the invitee), and has another one pending there.
    const beta = await createOrganization(h, other, 'Beta');
    const betaWeb = await createWorkspace(h, other, beta.id, 'Beta web');
    await h.run(
      CreateWebhookEndpointDocument,
      { input: { organizationId: beta.id, url: 'http://127.0.0.1:9/b' } },
      other,
    );
    const toPat = await invite(h, other, { organizationId: beta.id }, pat.email);
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: { token: toPat.token } }, pat))).toEqual([]);
    const pendingToPat = await invite(h, other, { workspaceId: betaWeb.id }, pat.email);
    // Gamma: only an invitation to Pat's address, never answered.
    const gamma = await createOrganization(h, third, 'Gamma');
    const gammaInvitation = await invite(h, third, { organizationId: gamma.id }, pat.email);

    // The scan can find them before (it is not blind), and the refused events change nothing.
    expect((await occurrences(h, kind, pat.email)).length).toBeGreaterThan(5);
    expect((await occurrences(h, kind, pat.name)).length).toBeGreaterThan(3);
    const before = await snapshot(h, kind);
    expect((await send(deleted(pat.sub), { secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}` })).status).toBe(
      401,
    );
    expect((await send(deleted(pat.sub), { at: new Date(clock.now().getTime() - 6 * 60_000) })).status).toBe(401);
    const unknown = await send({ type: 'session.created', data: { id: pat.sub } });
    expect([unknown.status, unknown.body.errors[0].extensions.code]).toEqual([400, 'BAD_USER_INPUT']);
    // A body other than the one signed: refused.
    expect((await send(deleted(pat.sub), { signed: JSON.stringify(deleted(other.sub)) })).status).toBe(401);
    expect(await snapshot(h, kind)).toBe(before);
    const acmeEventsBefore = await countOf(h, acme.id);

    const answer = await send(deleted(pat.sub), { id: 'msg_erase_pat' });
    expect(answer.status).toBe(200);
    expect(answer.body.erasure.erased).toBe(true);
    expect([...answer.body.erasure.organizations].sort()).toEqual([acme.id, beta.id, gamma.id].sort());
    expect(answer.body.erasure.withoutAdmin).toEqual([acme.id]);

    // Nothing of them anywhere.
    expect(await occurrences(h, kind, pat.email)).toEqual([]);
    expect(await occurrences(h, kind, pat.name)).toEqual([]);
    expect(await h.database.db.query('SELECT id FROM memberships WHERE user_id = ?', [pat.sub])).toEqual([]);
    const [user] = await h.database.db.query('SELECT email, display_name, erased_at FROM users WHERE id = ?', [
      pat.sub,
    ]);
    expect([user.email, user.display_name, Boolean(user.erased_at)]).toEqual([erasedAddress(pat.sub), null, true]);
    const statuses = await h.database.db.query(`SELECT id, status FROM invitations WHERE id IN (?, ?, ?) ORDER BY id`, [
      fromPat.invitation.id,
      pendingToPat.invitation.id,
      gammaInvitation.invitation.id,
    ]);
    expect(statuses.map((r: { status: string }) => r.status)).toEqual(['REVOKED', 'REVOKED', 'REVOKED']);

    // The log says what happened, from the identity provider, and it went to webhooks.
    const events: { action: string; source: string; subject_id: string | null }[] = await h.database.db.query(
      'SELECT action, source, subject_id FROM audit_events WHERE organization_id = ? ORDER BY occurred_at DESC, id DESC LIMIT ?',
      [acme.id, (await countOf(h, acme.id)) - acmeEventsBefore],
    );
    expect(events.map((e) => e.action)).toEqual([
      'USER_ERASED',
      'ORGANIZATION_WITHOUT_ADMIN',
      'INVITATION_REVOKED',
      'MEMBER_REMOVED',
      'MEMBER_REMOVED',
      'MEMBER_REMOVED',
    ]);
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(['IDENTITY_PROVIDER']));
    const [queued] = await h.database.db.query(
      "SELECT COUNT(*) AS n FROM webhook_deliveries d JOIN audit_events e ON e.id = d.event_id WHERE e.action = 'USER_ERASED'",
    );
    expect(Number(queued.n)).toBe(2); // Acme's endpoint and Beta's

    // Acme's members see that it needs an ADMIN; Beta's ADMIN reads "an erased person" in the log.
    expect(
      (await h.run(OrganizationNeedsAdminDocument, { id: acme.id }, colleague)).data?.organization?.needsAdmin,
    ).toBe(true);
    expect((await h.run(OrganizationNeedsAdminDocument, { id: beta.id }, other)).data?.organization?.needsAdmin).toBe(
      false,
    );
    const log = await h.run(AuditLogPeopleDocument, { id: beta.id, first: 50 }, other);
    const named = log.data?.organization?.auditLog?.nodes.filter((e) => e.subject?.id === pat.sub) ?? [];
    expect(named.length).toBeGreaterThan(1);
    for (const event of named) {
      expect(event.subject).toEqual({ id: pat.sub, email: erasedAddress(pat.sub), displayName: null, erased: true });
    }
    // Their token no longer opens anything.
    const refused = await h
      .run(MyDataExportDocument, {}, pat)
      .catch((error: { extensions?: { reason?: string } }) => error);
    expect((refused as { extensions?: { reason?: string } }).extensions?.reason).toBe('USER_ERASED');

    // A replay of the same event changes nothing.
    const after = await snapshot(h, kind);
    const replay = await send(deleted(pat.sub), { id: 'msg_erase_pat' });
    expect([replay.status, replay.body.erasure.erased]).toEqual([200, false]);
    expect(await snapshot(h, kind)).toBe(after);

    // An operator names a new ADMIN: audited as the system's doing.
    await expect(grantAdminAsOperator(systemScope(h), acme.id, 'nobody@example.test')).rejects.toThrow(
      /Nobody has signed in/,
    );
    expect(await grantAdminAsOperator(systemScope(h), acme.id, colleague.email)).toEqual({
      userId: colleague.sub,
      outcome: 'promoted',
    });
    expect(
      (await h.run(OrganizationNeedsAdminDocument, { id: acme.id }, colleague)).data?.organization?.needsAdmin,
    ).toBe(false);
    const [granted] = await h.database.db.query(
      "SELECT source, to_role FROM audit_events WHERE organization_id = ? AND action = 'MEMBER_ROLE_CHANGED' AND subject_id = ? ORDER BY occurred_at DESC, id DESC",
      [acme.id, colleague.sub],
    );
    expect(granted).toEqual({ source: 'SYSTEM', to_role: 'ADMIN' });
  });

  it('forgets every address a person ever had here, and every name, in every organization', async () => {
    const pat = await h.person('moving');
    const acmeAdmin = await h.person('acmeadmin');
    const betaAdmin = await h.person('betaadmin');
    const first = pat.email;
    const second = `second-${pat.sub.slice(-8)}@elsewhere.example`;
    const third = `third-${pat.sub.slice(-8)}@third.example`;
    const secondName = ['Ziggy', `Moved${pat.sub.slice(-8)}`] as [string, string];
    const thirdName = `Thirdname ${pat.sub.slice(-8)}`;
    // Acme, another organization with a webhook endpoint, invites Pat's first address (never answered).
    const acme = await createOrganization(h, acmeAdmin, 'Acme elsewhere');
    await h.run(
      CreateWebhookEndpointDocument,
      { input: { organizationId: acme.id, url: 'http://127.0.0.1:9/a' } },
      acmeAdmin,
    );
    await invite(h, acmeAdmin, { organizationId: acme.id }, first);
    // Pat, under the first name and address, runs an organization and invites someone: the email names Pat.
    const own = await createOrganization(h, pat, 'Pat’s own');
    await h.run(CreateWebhookEndpointDocument, { input: { organizationId: own.id, url: 'http://127.0.0.1:9/o' } }, pat);
    await invite(h, pat, { organizationId: own.id }, 'friend-of-pat@example.test');
    await addMember(h, acmeAdmin, { kind: ScopeKind.ORGANIZATION, organizationId: own.id }, Role.ADMIN);

    // The identity provider moves Pat to a second address and name; Beta invites that one, Pat joins.
    expect((await send(updatedEvent(pat.sub, secondName, second))).body.updated).toBe(true);
    const beta = await createOrganization(h, betaAdmin, 'Beta elsewhere');
    await h.run(
      CreateWebhookEndpointDocument,
      { input: { organizationId: beta.id, url: 'http://127.0.0.1:9/b' } },
      betaAdmin,
    );
    const toSecond = await invite(h, betaAdmin, { organizationId: beta.id }, second);
    const patNow = {
      ...pat,
      token: await signDevelopmentToken(TEST_JWT_SECRET, { sub: pat.sub, email: second, name: secondName.join(' ') }),
    };
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: { token: toSecond.token } }, patNow))).toEqual([]);
    await invite(h, patNow, { organizationId: own.id }, 'second-friend@example.test');
    // Then Pat signs in with a third address and name in the token's claims; Acme invites that one too.
    const patLast = {
      ...pat,
      token: await signDevelopmentToken(TEST_JWT_SECRET, { sub: pat.sub, email: third, name: thirdName }),
    };
    expect((await server.post({ query: '{ me { email displayName } }' }, patLast.token)).body.data.me).toEqual({
      email: third,
      displayName: thirdName,
    });
    await invite(h, acmeAdmin, { organizationId: acme.id }, third);

    const names = [pat.name, secondName.join(' '), thirdName];
    for (const needle of [first, second, ...names]) {
      expect([needle, (await occurrences(h, kind, needle)).length > 0]).toEqual([needle, true]);
    }
    expect((await send(deleted(pat.sub))).body.erasure.erased).toBe(true);

    // No table holds any of the addresses or names, and Acme's export of its log does not either.
    for (const needle of [first, second, third, ...names])
      expect([needle, await occurrences(h, kind, needle)]).toEqual([needle, []]);
    const csv = await (
      await fetch(`${server.base}/audit/export?organizationId=${acme.id}&format=csv`, {
        headers: { authorization: `Bearer ${acmeAdmin.token}` },
      })
    ).text();
    expect(csv).toContain(erasedAddress(pat.sub));
    for (const needle of [first, second, third]) expect(csv).not.toContain(needle);
  });

  it('refuses an erased person’s token on the very next request, every way in, however the erasure was made', async () => {
    const admin = await h.person('stays');
    const member = await h.person('erasedmember');
    const loner = await h.person('erasedloner');
    const organization = await createOrganization(h, admin, 'Next request');
    await addMember(h, member, { kind: ScopeKind.ORGANIZATION, organizationId: organization.id }, Role.MEMBER);
    const me = { query: '{ me { id } }' };
    // Both have been seen moments ago: this instance remembers their rows as written.
    for (const person of [member, loner]) {
      expect((await server.post(me, person.token)).body.data.me.id).toBe(person.sub);
      expect((await server.post(me, person.token)).body.data.me.id).toBe(person.sub);
    }
    // The erasure is made as `npm run erase-user` makes it: the service on the database, past this
    // server (another process), with no word to its memory.
    for (const person of [member, loner]) {
      expect((await erasePerson(systemScope(h), person.sub)).erased).toBe(true);
      const refused = await server.post(me, person.token);
      expect([refused.status, refused.body.errors?.[0]?.extensions?.reason]).toEqual([401, 'USER_ERASED']);
      const exported = await fetch(`${server.base}/audit/export?organizationId=${organization.id}`, {
        headers: { authorization: `Bearer ${person.token}` },
      });
      expect(exported.status).toBe(401);
      expect(((await exported.json()) as any).errors[0].extensions.reason).toBe('USER_ERASED');
    }
    // The one who stays is not bothered.
    expect((await server.post(me, admin.token)).body.data.me.id).toBe(admin.sub);
  });

  it('npm run seed works again after a demo person was erased', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'seed-after-erasure-'));
    // Where the seed writes its sites file: not the checkout.
    const seed = () =>
      new Promise<readonly [number, string]>((done) => {
        const child = spawn('node', [resolve('dist/src/cli/seed.js')], {
          cwd,
          env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: h.database.url },
        });
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('close', (code) => done([code ?? -1, output] as const));
      });
    try {
      expect((await seed())[0]).toBe(0);
      const ada = developmentSubject(demoEmail('ada'));
      expect((await erasePerson(systemScope(h), ada)).erased).toBe(true);
      const [code, output] = await seed();
      expect([code, output]).toEqual([0, expect.stringContaining('1 erased demo people signed in again')]);
      const [row] = await h.database.db.query('SELECT email, display_name, erased_at FROM users WHERE id = ?', [ada]);
      expect([row.email, row.display_name, row.erased_at]).toEqual(['ada@demo.example', 'Ada Lovelace', null]);
      const [admins] = await h.database.db.query(
        "SELECT COUNT(*) AS n FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE o.name = ? AND m.user_id = ? AND m.role = 'ADMIN'",
        [DEMO_ORGANIZATION, ada],
      );
      expect(Number(admins.n)).toBe(1);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('npm run erase-user does the same for an operator', async () => {
    const person = await h.person('operatorerased');
    const admin = await h.person('keeper');
    const organization = await createOrganization(h, admin, 'Keeps');
    await addMember(h, person, { kind: ScopeKind.ORGANIZATION, organizationId: organization.id }, Role.MEMBER);
    const run = start('node', ['dist/src/cli/erase-user.js', person.sub], {
      ...process.env,
      DATABASE_URL: h.database.url,
    });
    expect(await exited(run.child)).toBe(0);
    expect(JSON.parse(run.output().split('\n')[0])).toMatchObject({
      userId: person.sub,
      erased: true,
      organizations: [organization.id],
    });
    expect(await occurrences(h, kind, person.email)).toEqual([]);
    const [event] = await h.database.db.query(
      "SELECT source FROM audit_events WHERE organization_id = ? AND action = 'USER_ERASED'",
      [organization.id],
    );
    expect(event.source).toBe('SYSTEM');
  });
});
