import { Membership } from '../../../entities/membership.entity';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { ManualClock } from '../../../src/config/clock';
import {
  AcceptInvitationDocument,
  ChangeMemberRoleDocument,
  WorkspaceMemberCapabilitiesDocument,
  InviteWithAccessUntilDocument,
  MemberExpiriesDocument,
  SetMemberExpiryDocument,
  WorkspaceDocument,
} from '../../generated/graphql';
import { addMember } from '../../support/factories';
import { errorCodes, type Person } from '../../support/harness';
import { describeOnEachDatabase, useHarness, useWorldPerTest } from '../../support/each-database';

/** docs/domain-rules.md §13: memberships that end by themselves, and who may set when. */
describeOnEachDatabase('time-limited memberships', (kind) => {
  // Runs with the wall clock; the expiry tests move it ahead instead of waiting.
  const clock = new ManualClock(Date.now(), { running: true });
  const h = useHarness(kind, { INVITATIONS_PER_HOUR: '1000' }, { nudgeOutbox: false, clock });
  const world = useWorldPerTest(h);

  const admin = () => world.people.orgAdmin;
  const address = (label: string) => `${label}-${world.organization.id.slice(0, 8)}@example.test`;
  const rowOf = (person: Person, scopeId: string) =>
    h.database.db.getRepository(Membership).findOneBy({ userId: person.sub, scopeId });

  /** The newest token of an invitation, by renewing its link (the test does not keep the first). */
  async function freshToken(invitationId: string): Promise<string> {
    const [row] = await h.database.db.query(
      "SELECT text_body FROM outbox_emails WHERE invitation_id = ? AND status = 'PENDING' ORDER BY created_at DESC",
      [invitationId],
    );
    return /token=([A-Za-z0-9_-]+)/.exec(row?.text_body ?? '')?.[1] ?? '';
  }

  it('carries accessExpiresAt from the invitation to the membership, and refuses a moment already past', async () => {
    const until = new Date(clock.now().getTime() + 30 * 24 * 3600_000);
    const contractor = await h.person('contractor');
    const invited = await h.run(
      InviteWithAccessUntilDocument,
      {
        input: { scope: { workspaceId: world.w1.id }, email: contractor.email, accessExpiresAt: until.toISOString() },
      },
      admin(),
    );
    expect(invited.errors).toBeUndefined();
    expect(invited.data?.inviteMember.accessExpiresAt).toBe(until.toISOString());
    const past = await h.run(
      InviteWithAccessUntilDocument,
      {
        input: {
          scope: { workspaceId: world.w1.id },
          email: address('past'),
          accessExpiresAt: new Date(clock.now().getTime() - 1000).toISOString(),
        },
      },
      admin(),
    );
    expect([errorCodes(past), past.errors?.[0].extensions?.field]).toEqual([['BAD_USER_INPUT'], 'accessExpiresAt']);
    const token = await freshToken(invited.data!.inviteMember.id);
    // The link's page says when the access would end, before anyone signs in.
    const preview = await h.run(
      'query($token: String!) { invitationByToken(token: $token) { expiresAt accessExpiresAt } }' as never,
      { token },
      null,
    );
    expect((preview.data as any).invitationByToken.accessExpiresAt).toBe(until.toISOString());
    expect((await h.run(AcceptInvitationDocument, { input: { token } }, contractor)).errors).toBeUndefined();
    // The workspace membership, and the organization membership it brought along, both end then.
    expect((await rowOf(contractor, world.w1.id))?.expiresAt?.toISOString()).toBe(until.toISOString());
    expect((await rowOf(contractor, world.organization.id))?.expiresAt?.toISOString()).toBe(until.toISOString());
    const listed = await h.run(MemberExpiriesDocument, { id: world.organization.id }, admin());
    expect(listed.data?.organization?.members?.nodes.find((m) => m.user.id === contractor.sub)?.expiresAt).toBe(
      until.toISOString(),
    );
  });

  it('grants nothing from the expiry on, before any sweep; the sweeper then removes it with MEMBER_EXPIRED', async () => {
    const wsMember = world.people.wsMember;
    const row = (await rowOf(wsMember, world.w1.id))!;
    const soon = new Date(clock.now().getTime() + 60_000);
    const set = await h.run(SetMemberExpiryDocument, { memberId: row.id, expiresAt: soon.toISOString() }, admin());
    expect(set.errors).toBeUndefined();
    expect(set.data?.setMemberExpiry.expiresAt).toBe(soon.toISOString());
    expect(errorCodes(await h.run(WorkspaceDocument, { id: world.w1.id }, wsMember))).toEqual([]);
    expect(await h.app.sweeper.runOnce()).toBe(0);
    clock.advance(60_000);
    // Still stored, no longer in force: the workspace is gone for them.
    expect(await rowOf(wsMember, world.w1.id)).not.toBeNull();
    expect(errorCodes(await h.run(WorkspaceDocument, { id: world.w1.id }, wsMember))).toEqual(['NOT_FOUND']);
    expect(await h.app.sweeper.runOnce()).toBeGreaterThanOrEqual(1);
    expect(await rowOf(wsMember, world.w1.id)).toBeNull();
    expect(await rowOf(wsMember, world.organization.id)).not.toBeNull();
    const [event] = await h.database.db.query(
      "SELECT actor_id, subject_id, workspace_id FROM audit_events WHERE action = 'MEMBER_EXPIRED' AND subject_id = ?",
      [wsMember.sub],
    );
    expect(event).toEqual({ actor_id: null, subject_id: wsMember.sub, workspace_id: world.w1.id });
    // A second pass (another instance) finds nothing left to do.
    expect(await h.app.sweeper.runOnce()).toBe(0);
  });

  it('an expiring organization membership takes the workspace and domain memberships with it', async () => {
    const domainAdmin = world.people.domainAdmin;
    const orgRow = (await rowOf(domainAdmin, world.organization.id))!;
    const soon = new Date(clock.now().getTime() + 60_000);
    expect(
      errorCodes(await h.run(SetMemberExpiryDocument, { memberId: orgRow.id, expiresAt: soon.toISOString() }, admin())),
    ).toEqual([]);
    clock.advance(60_000);
    await h.app.sweeper.runOnce();
    expect(await h.database.db.getRepository(Membership).countBy({ userId: domainAdmin.sub })).toBe(0);
  });

  it('never time-limits the last lasting ADMIN, and clears an expiry with null', async () => {
    const adminRow = (await rowOf(admin(), world.organization.id))!;
    const later = new Date(clock.now().getTime() + 3600_000).toISOString();
    // A second ADMIN, given an expiry: they do not count as lasting.
    const temporary = await h.person('temporary-admin');
    await addMember(h, temporary, { kind: ScopeKind.ORGANIZATION, organizationId: world.organization.id }, Role.ADMIN);
    const temporaryRow = (await rowOf(temporary, world.organization.id))!;
    expect(
      errorCodes(await h.run(SetMemberExpiryDocument, { memberId: temporaryRow.id, expiresAt: later }, admin())),
    ).toEqual([]);
    expect(
      errorCodes(await h.run(SetMemberExpiryDocument, { memberId: adminRow.id, expiresAt: later }, temporary)),
    ).toEqual(['LAST_ADMIN']);
    expect((await rowOf(admin(), world.organization.id))?.expiresAt).toBeNull();
    const rows = (await h.run(MemberExpiriesDocument, { id: world.organization.id }, admin())).data!.organization!
      .members!.nodes;
    expect(rows.find((r) => r.id === adminRow.id)?.viewerCan.setExpiry).toBe(false);
    expect(rows.find((r) => r.id === temporaryRow.id)?.viewerCan.setExpiry).toBe(true);
    const cleared = await h.run(SetMemberExpiryDocument, { memberId: temporaryRow.id, expiresAt: null }, admin());
    expect(cleared.data?.setMemberExpiry.expiresAt).toBeNull();
    // Two lasting ADMINs now: either may give the other an expiry.
    expect(
      errorCodes(await h.run(SetMemberExpiryDocument, { memberId: adminRow.id, expiresAt: later }, temporary)),
    ).toEqual([]);
  });

  it('nobody sets, extends or clears the expiry of their own membership', async () => {
    const until = new Date(clock.now().getTime() + 24 * 3600_000);
    const temporary = await h.person('self-extender');
    await addMember(h, temporary, { kind: ScopeKind.ORGANIZATION, organizationId: world.organization.id }, Role.ADMIN);
    const own = (await rowOf(temporary, world.organization.id))!;
    expect(
      errorCodes(await h.run(SetMemberExpiryDocument, { memberId: own.id, expiresAt: until.toISOString() }, admin())),
    ).toEqual([]);
    for (const expiresAt of [null, new Date(until.getTime() + 3600_000).toISOString(), until.toISOString()]) {
      const result = await h.run(SetMemberExpiryDocument, { memberId: own.id, expiresAt }, temporary);
      expect([expiresAt, errorCodes(result), result.errors?.[0].extensions?.permission]).toEqual([
        expiresAt,
        ['FORBIDDEN'],
        'MANAGE_MEMBERS',
      ]);
    }
    expect((await rowOf(temporary, world.organization.id))?.expiresAt?.toISOString()).toBe(until.toISOString());
    // Their own row says so; the lasting ADMIN's view of it does not.
    const mine = (await h.run(MemberExpiriesDocument, { id: world.organization.id }, temporary)).data!.organization!
      .members!.nodes;
    expect(mine.find((r) => r.id === own.id)?.viewerCan.setExpiry).toBe(false);
    const theirs = (await h.run(MemberExpiriesDocument, { id: world.organization.id }, admin())).data!.organization!
      .members!.nodes;
    expect(theirs.find((r) => r.id === own.id)?.viewerCan.setExpiry).toBe(true);
  });

  it('what a time-limited person grants ends no later than their own access', async () => {
    const until = new Date(clock.now().getTime() + 24 * 3600_000);
    // A workspace ADMIN whose access ends tomorrow.
    const contractor = await h.person('contractor-admin');
    await addMember(
      h,
      contractor,
      { kind: ScopeKind.WORKSPACE, organizationId: world.organization.id, workspaceId: world.w1.id },
      Role.ADMIN,
    );
    const contractorRow = (await rowOf(contractor, world.w1.id))!;
    expect(
      errorCodes(
        await h.run(SetMemberExpiryDocument, { memberId: contractorRow.id, expiresAt: until.toISOString() }, admin()),
      ),
    ).toEqual([]);

    // Their invitation of a second account of theirs as a lasting ADMIN ends when they do.
    const second = await h.person('second-account');
    const invited = await h.run(
      InviteWithAccessUntilDocument,
      { input: { scope: { workspaceId: world.w1.id }, email: second.email, role: 'ADMIN' } },
      contractor,
    );
    expect(invited.errors).toBeUndefined();
    expect(invited.data?.inviteMember.accessExpiresAt).toBe(until.toISOString());
    // Asking for longer is capped the same way; asking for shorter is kept.
    const longer = await h.run(
      InviteWithAccessUntilDocument,
      {
        input: {
          scope: { workspaceId: world.w1.id },
          email: address('longer'),
          accessExpiresAt: new Date(until.getTime() + 7 * 24 * 3600_000).toISOString(),
        },
      },
      contractor,
    );
    expect(longer.data?.inviteMember.accessExpiresAt).toBe(until.toISOString());
    const shorter = new Date(until.getTime() - 3600_000).toISOString();
    const kept = await h.run(
      InviteWithAccessUntilDocument,
      { input: { scope: { workspaceId: world.w1.id }, email: address('shorter'), accessExpiresAt: shorter } },
      contractor,
    );
    expect(kept.data?.inviteMember.accessExpiresAt).toBe(shorter);
    const token = await freshToken(invited.data!.inviteMember.id);
    expect((await h.run(AcceptInvitationDocument, { input: { token } }, second)).errors).toBeUndefined();
    expect((await rowOf(second, world.w1.id))?.expiresAt?.toISOString()).toBe(until.toISOString());

    // A lasting member cannot be raised by them (the role would outlast them), nor made lasting.
    const wsMemberRow = (await rowOf(world.people.wsMember, world.w1.id))!;
    const raised = await h.run(
      ChangeMemberRoleDocument,
      { input: { memberId: wsMemberRow.id, role: 'ADMIN' } },
      contractor,
    );
    expect(errorCodes(raised)).toEqual(['FORBIDDEN']);
    expect((await rowOf(world.people.wsMember, world.w1.id))?.role).toBe('MEMBER');
    const screen = (await h.run(WorkspaceMemberCapabilitiesDocument, { id: world.w1.id }, contractor)).data!.workspace!
      .members!.nodes;
    expect(screen.find((r) => r.id === wsMemberRow.id)?.viewerCan).toMatchObject({
      changeRole: false,
      assignableRoles: [],
    });
    // Someone whose access ends before theirs may be raised.
    const sooner = new Date(until.getTime() - 3600_000).toISOString();
    expect(
      errorCodes(await h.run(SetMemberExpiryDocument, { memberId: wsMemberRow.id, expiresAt: sooner }, contractor)),
    ).toEqual([]);
    expect(
      errorCodes(
        await h.run(ChangeMemberRoleDocument, { input: { memberId: wsMemberRow.id, role: 'ADMIN' } }, contractor),
      ),
    ).toEqual([]);
    // And nobody's expiry is cleared or pushed past theirs by them.
    for (const expiresAt of [null, new Date(until.getTime() + 3600_000).toISOString()]) {
      expect(
        errorCodes(await h.run(SetMemberExpiryDocument, { memberId: wsMemberRow.id, expiresAt }, contractor)),
      ).toEqual(['FORBIDDEN']);
    }
    expect((await rowOf(world.people.wsMember, world.w1.id))?.expiresAt?.toISOString()).toBe(sooner);
  });

  it('needs MANAGE_MEMBERS at the membership’s scope, and a moment ahead', async () => {
    const wsRow = (await rowOf(world.people.wsMember, world.w1.id))!;
    const later = new Date(clock.now().getTime() + 3600_000).toISOString();
    const by = (who: Person, expiresAt: string | null = later) =>
      h.run(SetMemberExpiryDocument, { memberId: wsRow.id, expiresAt }, who);
    expect(errorCodes(await by(world.people.wsAdmin))).toEqual([]);
    expect(errorCodes(await by(world.people.wsMember))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await by(world.people.orgMember))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await by(world.people.wsAdmin, new Date(clock.now().getTime() - 1).toISOString()))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});
