import { randomUUID } from 'node:crypto';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { memberCountDrift } from '../../../src/db/membership-rows';
import { withOrganizationLock } from '../../../src/db/transaction';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { systemActor } from '../../../src/services/audit/audit.service';
import { grantMembership } from '../../../src/services/memberships/membership-grants';
import {
  AcceptInvitationDocument,
  LeaveOrganizationDocument,
  MeDocument,
  OrganizationProvisioningDocument,
  ProvisioningAuditLogDocument,
  UpdateSeatLimitDocument,
  WorkspaceProvisionedMembersDocument,
} from '../../generated/graphql';
import { describeOnEachDatabase } from '../../support/each-database';
import { addMember, createOrganization, createWorkspace, signIn } from '../../support/factories';
import { errorCodes, type Person, TEST_JWT_SECRET } from '../../support/harness';
import { tokenFromEmail } from '../../support/smtp';
import { GROUP, PATCH, type Scim, USER, user, useScimServer } from './scim-support';

/** docs/domain-rules.md §15: who a directory makes a member, invites or removes, and what it may not do. */
describeOnEachDatabase('SCIM provisioning: members', (kind) => {
  const { h, clock, smtp, state, scim, directory, signedIn } = useScimServer(kind);

  it('makes someone who never signed in a provisioned invitation, and a member at their first sign-in', async () => {
    const dir = await directory('firstsignin');
    state.token = dir.token;
    const group = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering' })).body;
    const address = `newhire-${kind}@${dir.domain}`;
    const created = await scim('POST', '/Users', user(address, { roles: [{ value: 'ACCOUNTING', primary: true }] }));
    expect(created.status).toBe(201);
    expect(
      (
        await scim('PATCH', `/Groups/${group.id}`, {
          schemas: [PATCH],
          Operations: [{ op: 'add', path: 'members', value: [{ value: created.body.id }] }],
        })
      ).status,
    ).toBe(200);
    const before = (await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)).data
      ?.organization;
    expect(before?.invitations).toEqual([
      expect.objectContaining({
        email: address,
        role: 'ACCOUNTING',
        status: 'PENDING',
        provisioned: true,
        viewerCan: { resend: false, revoke: true },
      }),
    ]);
    expect(before?.seatsUsed).toBe(2); // the ADMIN and the seat the invitation holds
    const [outbox] = await h.database.db.query('SELECT COUNT(*) AS n FROM outbox_emails WHERE organization_id = ?', [
      dir.organization.id,
    ]);
    expect(Number(outbox.n)).toBe(0); // no email, no link
    // They sign in with that verified address: a member, with the directory's role and groups.
    const sub = `test|newhire-${kind}`;
    await signIn(h, {
      sub,
      email: address,
      name: 'New Hire',
      token: await signDevelopmentToken(TEST_JWT_SECRET, { sub, email: address, name: 'New Hire' }),
    });
    const after = (await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)).data
      ?.organization;
    expect(after?.invitations).toEqual([]);
    expect(after?.members?.nodes.find((m) => m.user.id === sub)).toMatchObject({
      role: 'ACCOUNTING',
      provisioned: true,
    });
    expect(after?.seatsUsed).toBe(2);
    const workspace = (await h.run(WorkspaceProvisionedMembersDocument, { id: group.id }, dir.admin)).data?.workspace;
    expect(workspace?.members?.nodes).toEqual([{ role: 'MEMBER', provisioned: true, user: { id: sub } }]);
    // Every change in the log: from the directory, with the token's id.
    const log = (await h.run(ProvisioningAuditLogDocument, { id: dir.organization.id }, dir.admin)).data?.organization
      ?.auditLog?.nodes;
    const fromDirectory = log?.filter((e) => e.source === 'PROVISIONING') ?? [];
    expect(fromDirectory.map((e) => e.action).reverse()).toEqual([
      'WORKSPACE_CREATED',
      'INVITATION_CREATED',
      'INVITATION_ACCEPTED',
      'MEMBER_ADDED',
      'MEMBER_ADDED',
    ]);
    expect(new Set(fromDirectory.map((e) => e.provisioningTokenId))).toEqual(new Set([dir.tokenId]));
  });

  it('makes someone who has signed in a member at once; active false removes, true restores', async () => {
    const dir = await directory('signedin');
    state.token = dir.token;
    const person = await signedIn('signedinperson', dir);
    const created = await scim('POST', '/Users', user(person.email));
    const members = async () =>
      (await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)).data?.organization
        ?.members?.nodes ?? [];
    expect((await members()).find((m) => m.user.id === person.sub)).toMatchObject({
      role: 'MEMBER',
      provisioned: true,
    });
    const set = (active: unknown) =>
      scim('PATCH', `/Users/${created.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'active', value: active }],
      });
    expect((await set(false)).body.active).toBe(false);
    expect((await members()).some((m) => m.user.id === person.sub)).toBe(false);
    expect((await set(true)).body.active).toBe(true);
    expect((await members()).some((m) => m.user.id === person.sub)).toBe(true);
    // DELETE removes them too.
    expect((await scim('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    expect((await members()).some((m) => m.user.id === person.sub)).toBe(false);
  });

  it('refuses to deprovision the last ADMIN (409 naming the reason) and to pass the seat limit (403)', async () => {
    const dir = await directory('limits');
    state.token = dir.token;
    const adminUser = await scim('POST', '/Users', user(dir.admin.email, { roles: [{ value: 'ADMIN' }] }));
    expect(adminUser.status).toBe(201);
    const refused = await scim('PATCH', `/Users/${adminUser.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect([refused.status, refused.body.scimType, refused.body.detail]).toEqual([
      409,
      'mutability',
      expect.stringMatching(/^LAST_ADMIN: /),
    ]);
    expect((await scim('GET', `/Users/${adminUser.body.id}`)).body.active).toBe(true);
    expect((await scim('DELETE', `/Users/${adminUser.body.id}`)).status).toBe(409);
    const demote = await scim(
      'PUT',
      `/Users/${adminUser.body.id}`,
      user(dir.admin.email, { roles: [{ value: 'MEMBER' }] }),
    );
    expect([demote.status, demote.body.detail]).toEqual([409, expect.stringMatching(/^LAST_ADMIN/)]);
    // A seat limit of 2: one more person fits (as an invitation), the next does not.
    expect(
      errorCodes(
        await h.run(UpdateSeatLimitDocument, { organizationId: dir.organization.id, seatLimit: 2 }, dir.admin),
      ),
    ).toEqual([]);
    expect((await scim('POST', '/Users', user(`second@${dir.domain}`))).status).toBe(201);
    const full = await scim('POST', '/Users', user(`third@${dir.domain}`));
    expect([full.status, full.body.detail]).toEqual([403, expect.stringMatching(/^SEAT_LIMIT_REACHED/)]);
    expect(
      (await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "third@${dir.domain}"`)}`)).body.totalResults,
    ).toBe(0);
  });

  it('speaks only for its own domains: anyone else is emailed an invitation only they can accept, account or not (issue 34 #1)', async () => {
    const dir = await directory('oracle');
    state.token = dir.token;
    // Someone elsewhere with an account here (and an organization of their own), and an address without one.
    const victim = await signedIn('victim');
    const theirs = await createOrganization(h, victim, 'Victim Own');
    const stranger = `stranger-${randomUUID().slice(0, 8)}@example.test`;
    const body = (address: string) => ({
      schemas: [USER],
      userName: address,
      name: { givenName: 'Sent', familyName: 'ByDirectory' },
      emails: [{ value: address, type: 'work', primary: true }],
      roles: [{ value: 'ADMIN', primary: true }],
    });
    const asked = {
      victim: await scim('POST', '/Users', body(victim.email)),
      stranger: await scim('POST', '/Users', body(stranger)),
    };
    // Byte for byte the same answer but for the address, the id and the moments: nothing tells an account.
    const shape = (answer: Awaited<ReturnType<Scim>>, address: string) =>
      JSON.stringify({ status: answer.status, type: answer.type, location: answer.location, body: answer.body })
        .split(answer.body.id)
        .join('<id>')
        .split(address)
        .join('<address>')
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<moment>');
    expect(asked.victim.status).toBe(201);
    expect(shape(asked.victim, victim.email)).toBe(shape(asked.stranger, stranger));
    expect(JSON.stringify(asked.victim.body)).not.toContain(victim.name);
    for (const [who, address] of [
      ['victim', victim.email],
      ['stranger', stranger],
    ] as const) {
      const read = await scim('GET', `/Users/${asked[who].body.id}`);
      const listed = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${address}"`)}`);
      expect([read.body, listed.body.Resources]).toEqual([asked[who].body, [asked[who].body]]);
    }
    // Nobody enrolled: not in the organization's members, not in the victim's own list.
    const seen = (await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)).data
      ?.organization;
    expect(seen?.members?.nodes.map((m) => m.user.id)).toEqual([dir.admin.sub]);
    expect(JSON.stringify(seen)).not.toContain(victim.name);
    const mine = async (who: Person) =>
      (await h.run(MeDocument, {}, who)).data?.me?.organizations?.nodes.map((o) => o.id).sort();
    expect(await mine(victim)).toEqual([theirs.id]);
    // Both asked the same way: a PENDING invitation from the directory, and an email with its link.
    expect(seen?.invitations?.map((i) => [i.email, i.role, i.status, i.provisioned]).sort()).toEqual(
      [
        [victim.email, 'ADMIN', 'PENDING', true],
        [stranger, 'ADMIN', 'PENDING', true],
      ].sort(),
    );
    await h.app.outbox.runOnce();
    const [toVictim, toStranger] = [smtp.to(victim.email), smtp.to(stranger)];
    expect([toVictim.length, toStranger.length]).toEqual([1, 1]);
    expect(toVictim[0].subject).toBe(toStranger[0].subject);
    // Signing in does not enrol someone at an address the organization does not own…
    const strangerPerson = { sub: `test|stranger-${kind}`, email: stranger, name: 'Stranger', token: '' };
    strangerPerson.token = await signDevelopmentToken(TEST_JWT_SECRET, strangerPerson);
    await signIn(h, strangerPerson);
    expect(await mine(strangerPerson)).toEqual([]);
    // …and the link is theirs alone: another signed-in person cannot use it.
    const victimToken = tokenFromEmail(toVictim[0], h.config.appUrl);
    const other = await signedIn('other');
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: { token: victimToken } }, other))).toEqual([
      'EMAIL_MISMATCH',
    ]);
    // Their acceptance makes them members, with the directory's role, managed by it from then on.
    for (const [who, mail] of [
      [victim, toVictim[0]],
      [strangerPerson, toStranger[0]],
    ] as const) {
      const accepted = await h.run(
        AcceptInvitationDocument,
        { input: { token: tokenFromEmail(mail, h.config.appUrl) } },
        who,
      );
      expect(errorCodes(accepted)).toEqual([]);
    }
    expect(await mine(victim)).toEqual([theirs.id, dir.organization.id].sort());
    const after = (await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)).data
      ?.organization;
    expect(after?.invitations).toEqual([]);
    expect(
      after?.members?.nodes
        .filter((m) => m.user.id !== dir.admin.sub)
        .map((m) => [m.user.id, m.role, m.provisioned])
        .sort(),
    ).toEqual(
      [
        [victim.sub, 'ADMIN', true],
        [strangerPerson.sub, 'ADMIN', true],
      ].sort(),
    );
    const off = await scim('PATCH', `/Users/${asked.victim.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(off.status).toBe(200);
    expect(await mine(victim)).toEqual([theirs.id]);
  });

  it('takes away only what it gave: a workspace ADMIN given by a person outlasts the group (issue 34 #5)', async () => {
    const dir = await directory('given');
    state.token = dir.token;
    const person = await signedIn('givenadmin', dir);
    const workspace = await createWorkspace(h, dir.admin, dir.organization.id, 'Given');
    const until = new Date(clock.now().getTime() + 30 * 24 * 3600_000);
    await addMember(h, person, { kind: ScopeKind.ORGANIZATION, organizationId: dir.organization.id }, Role.MEMBER);
    await withOrganizationLock(
      h.database.db,
      dir.organization.id,
      (em) =>
        grantMembership(
          em,
          systemActor(clock.now()),
          person.sub,
          { kind: ScopeKind.WORKSPACE, organizationId: dir.organization.id, workspaceId: workspace.id },
          Role.ADMIN,
          'refuse',
          until,
        ),
      () => new Error('no organization'),
    );
    const held = async () => {
      const rows = await h.database.db.query(
        'SELECT role, expires_at, provisioned FROM memberships WHERE user_id = ? AND scope_id = ?',
        [person.sub, workspace.id],
      );
      return rows.map((r: { role: string; expires_at: unknown; provisioned: unknown }) => ({
        role: r.role,
        expires: r.expires_at !== null,
        provisioned: Boolean(r.provisioned),
      }));
    };
    const given = [{ role: 'ADMIN', expires: true, provisioned: false }];
    expect(await held()).toEqual(given);
    const id = (await scim('POST', '/Users', user(person.email))).body.id;
    const added = await scim('PATCH', `/Groups/${workspace.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }],
    });
    expect([added.status, added.body.members.map((m: { value: string }) => m.value)]).toEqual([200, [id]]);
    expect(await held()).toEqual(given);
    const removed = await scim('PATCH', `/Groups/${workspace.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }],
    });
    expect([removed.status, removed.body.members]).toEqual([200, []]);
    expect(await held()).toEqual(given);
    // The same through PUT, and the user's own PUT on the way.
    await scim('PUT', `/Groups/${workspace.id}`, { schemas: [GROUP], displayName: 'Given', members: [{ value: id }] });
    await scim('PUT', `/Users/${id}`, user(person.email, { displayName: 'Again' }));
    await scim('PUT', `/Groups/${workspace.id}`, { schemas: [GROUP], displayName: 'Given', members: [] });
    expect(await held()).toEqual(given);
  });

  it('serializes a deprovisioning and a GraphQL change of the same organization: never without an ADMIN', async () => {
    for (let round = 0; round < 8; round++) {
      const dir = await directory(`race${round}`);
      const second = await signedIn(`racesecond${round}`);
      await addMember(h, second, { kind: ScopeKind.ORGANIZATION, organizationId: dir.organization.id }, Role.ADMIN);
      const provisioned = await scim(
        'POST',
        '/Users',
        user(dir.admin.email, { roles: [{ value: 'ADMIN' }] }),
        dir.token,
      );
      // At once: the directory deprovisions the first ADMIN; the second ADMIN leaves.
      const [deprovision, leave] = await Promise.all([
        scim(
          'PATCH',
          `/Users/${provisioned.body.id}`,
          { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] },
          dir.token,
        ),
        h.run(LeaveOrganizationDocument, { organizationId: dir.organization.id }, second),
      ]);
      const outcomes = [deprovision.status === 200, errorCodes(leave).length === 0];
      // Exactly one of them happened; the other was refused as the last ADMIN's.
      expect([round, outcomes.filter(Boolean).length]).toEqual([round, 1]);
      if (!outcomes[0]) expect(deprovision.body.detail).toMatch(/^LAST_ADMIN/);
      if (!outcomes[1]) expect(errorCodes(leave)).toEqual(['LAST_ADMIN']);
      const [admins] = await h.database.db.query(
        "SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ? AND role = 'ADMIN'",
        [dir.organization.id],
      );
      expect([round, Number(admins.n)]).toEqual([round, 1]);
      expect(await memberCountDrift(h.database.db)).toEqual([]);
    }
  });
});
