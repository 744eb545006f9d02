import { Invitation } from '../../entities/invitation.entity';
import { Membership } from '../../entities/membership.entity';
import { Role, ScopeKind } from '../../permissions/access';
import {
  AcceptInvitationDocument,
  InviteMemberDocument,
  InviteMembersDocument,
  InviteWithAccessUntilDocument,
  MemberExpiriesDocument,
  OrganizationSeatsDocument,
  SetMemberExpiryDocument,
  UpdateSeatLimitDocument,
  WorkspaceDocument,
} from '../generated/graphql';
import { TEST_DATABASES } from '../support/databases';
import { addMember, createWorld, invite, type World } from '../support/factories';
import { createHarness, errorCodes, type Harness, type Person } from '../support/harness';

/** SPEC §13: seat limits and memberships that end by themselves. */
describe.each(TEST_DATABASES)('seats and time-limited memberships on %s', (kind) => {
  let h: Harness;
  let world: World;
  beforeAll(async () => {
    h = await createHarness(kind, { INVITATIONS_PER_HOUR: '1000' });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    world = await createWorld(h);
  });

  const admin = () => world.people.orgAdmin;
  const address = (label: string) => `${label}-${world.organization.id.slice(0, 8)}@example.test`;
  const seats = async () =>
    (await h.run(OrganizationSeatsDocument, { id: world.organization.id }, admin())).data!.organization!;
  const limitTo = async (seatLimit: number | null, who: Person = admin()) =>
    h.run(UpdateSeatLimitDocument, { organizationId: world.organization.id, seatLimit }, who);
  const rowOf = (person: Person, scopeId: string) =>
    h.database.db.getRepository(Membership).findOneBy({ userId: person.sub, scopeId });

  describe('seats', () => {
    it('counts members, and pending invitations to people not in yet — each address once, expired ones not', async () => {
      // The world: 7 people in the organization (the outsider is elsewhere).
      expect(await seats()).toMatchObject({ seatLimit: null, seatsUsed: 7 });
      const newcomer = await h.person('newcomer');
      const first = await invite(h, admin(), { organizationId: world.organization.id }, newcomer.email);
      await invite(h, admin(), { workspaceId: world.w1.id }, newcomer.email); // the same person: one seat
      await invite(h, admin(), { domainId: world.d1.id }, world.people.orgMember.email); // already a member
      expect((await seats()).seatsUsed).toBe(8);
      const late = await invite(h, admin(), { organizationId: world.organization.id }, address('late'));
      expect((await seats()).seatsUsed).toBe(9);
      await h.database.db
        .getRepository(Invitation)
        .update({ id: late.invitation.id }, { expiresAt: new Date(Date.now() - 1000) });
      expect((await seats()).seatsUsed).toBe(8);
      // Accepted: a member now, counted once (the other pending invitation to them counts no more).
      expect(
        (await h.run(AcceptInvitationDocument, { input: { token: first.token } }, newcomer)).errors,
      ).toBeUndefined();
      expect((await seats()).seatsUsed).toBe(8);
    });

    it('stops new seats at the limit — invitations and bulk rows — and keeps those already taken', async () => {
      expect(errorCodes(await limitTo(8))).toEqual([]);
      const fitsPerson = await h.person('fits');
      const fits = await invite(h, admin(), { organizationId: world.organization.id }, fitsPerson.email);
      const refused = await h.run(
        InviteMemberDocument,
        { input: { scope: { organizationId: world.organization.id }, email: address('refused') } },
        admin(),
      );
      expect(errorCodes(refused)).toEqual(['SEAT_LIMIT_REACHED']);
      expect(refused.errors?.[0].extensions?.seatLimit).toBe(8);
      // A member invited to a workspace takes no new seat; the invited address to another scope neither.
      expect(
        errorCodes(
          await h.run(
            InviteMemberDocument,
            { input: { scope: { workspaceId: world.w1.id }, email: world.people.orgMember.email } },
            admin(),
          ),
        ),
      ).toEqual([]);
      await invite(h, admin(), { workspaceId: world.w2.id }, fits.invitation.email);
      const bulk = await h.run(
        InviteMembersDocument,
        {
          input: {
            scope: { domainId: world.d1.id },
            invitations: [{ email: world.people.wsMember.email }, { email: address('bulk-new') }],
          },
        },
        admin(),
      );
      expect(bulk.data?.inviteMembers.results.map((r) => r.error?.code ?? 'ok')).toEqual(['ok', 'SEAT_LIMIT_REACHED']);
      expect(await seats()).toMatchObject({ seatLimit: 8, seatsUsed: 8 });

      // Lowering the limit removes nobody, and stops even invited people from joining.
      expect(errorCodes(await limitTo(3))).toEqual([]);
      expect(await seats()).toMatchObject({ seatLimit: 3, seatsUsed: 8 });
      const blocked = await h.run(AcceptInvitationDocument, { input: { token: fits.token } }, fitsPerson);
      expect(errorCodes(blocked)).toEqual(['SEAT_LIMIT_REACHED']);
      expect(await h.database.db.getRepository(Invitation).findOneBy({ id: fits.invitation.id })).toMatchObject({
        status: 'PENDING',
      });
      // Room again: the invitation is answered.
      expect(errorCodes(await limitTo(null))).toEqual([]);
      expect(
        (await h.run(AcceptInvitationDocument, { input: { token: fits.token } }, fitsPerson)).errors,
      ).toBeUndefined();
    });

    it('is set by UPDATE_BILLING, to null or a whole number of at least 1', async () => {
      for (const bad of [0, -1]) {
        const result = await limitTo(bad);
        expect([bad, errorCodes(result), result.errors?.[0].extensions?.field]).toEqual([
          bad,
          ['BAD_USER_INPUT'],
          'seatLimit',
        ]);
      }
      expect(errorCodes(await limitTo(50, world.people.orgAccounting))).toEqual([]);
      expect(errorCodes(await limitTo(60, world.people.orgMember))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await limitTo(60, world.people.outsider))).toEqual(['NOT_FOUND']);
      expect((await seats()).seatLimit).toBe(50);
    });
  });

  /** The newest token of an invitation, by renewing its link (the test does not keep the first). */
  async function freshToken(invitationId: string): Promise<string> {
    const [row] = await h.database.db.query(
      "SELECT text_body FROM outbox_emails WHERE invitation_id = ? AND status = 'PENDING' ORDER BY created_at DESC",
      [invitationId],
    );
    return /token=([A-Za-z0-9_-]+)/.exec(row?.text_body ?? '')?.[1] ?? '';
  }

  describe('time-limited memberships', () => {
    it('carries accessExpiresAt from the invitation to the membership, and refuses a moment already past', async () => {
      const until = new Date(Date.now() + 30 * 24 * 3600_000);
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
            accessExpiresAt: new Date(Date.now() - 1000).toISOString(),
          },
        },
        admin(),
      );
      expect([errorCodes(past), past.errors?.[0].extensions?.field]).toEqual([['BAD_USER_INPUT'], 'accessExpiresAt']);
      const token = await freshToken(invited.data!.inviteMember.id);
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
      const soon = new Date(Date.now() + 1000);
      const set = await h.run(SetMemberExpiryDocument, { memberId: row.id, expiresAt: soon.toISOString() }, admin());
      expect(set.errors).toBeUndefined();
      expect(set.data?.setMemberExpiry.expiresAt).toBe(soon.toISOString());
      expect(errorCodes(await h.run(WorkspaceDocument, { id: world.w1.id }, wsMember))).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, soon.getTime() - Date.now()) + 50));
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
      const soon = new Date(Date.now() + 600);
      expect(
        errorCodes(
          await h.run(SetMemberExpiryDocument, { memberId: orgRow.id, expiresAt: soon.toISOString() }, admin()),
        ),
      ).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 700));
      await h.app.sweeper.runOnce();
      expect(await h.database.db.getRepository(Membership).countBy({ userId: domainAdmin.sub })).toBe(0);
    });

    it('never time-limits the last lasting ADMIN, and clears an expiry with null', async () => {
      const adminRow = (await rowOf(admin(), world.organization.id))!;
      const later = new Date(Date.now() + 3600_000).toISOString();
      expect(
        errorCodes(await h.run(SetMemberExpiryDocument, { memberId: adminRow.id, expiresAt: later }, admin())),
      ).toEqual(['LAST_ADMIN']);
      // A second ADMIN with an expiry of their own does not count as lasting.
      const temporary = await h.person('temporary-admin');
      await addMember(
        h,
        temporary,
        { kind: ScopeKind.ORGANIZATION, organizationId: world.organization.id },
        Role.ADMIN,
      );
      const temporaryRow = (await rowOf(temporary, world.organization.id))!;
      expect(
        errorCodes(await h.run(SetMemberExpiryDocument, { memberId: temporaryRow.id, expiresAt: later }, admin())),
      ).toEqual([]);
      expect(
        errorCodes(await h.run(SetMemberExpiryDocument, { memberId: adminRow.id, expiresAt: later }, admin())),
      ).toEqual(['LAST_ADMIN']);
      const rows = (await h.run(MemberExpiriesDocument, { id: world.organization.id }, admin())).data!.organization!
        .members!.nodes;
      expect(rows.find((r) => r.id === adminRow.id)?.viewerCan.setExpiry).toBe(false);
      expect(rows.find((r) => r.id === temporaryRow.id)?.viewerCan.setExpiry).toBe(true);
      const cleared = await h.run(SetMemberExpiryDocument, { memberId: temporaryRow.id, expiresAt: null }, admin());
      expect(cleared.data?.setMemberExpiry.expiresAt).toBeNull();
      // Two lasting ADMINs now: either may be given an expiry.
      expect(
        errorCodes(await h.run(SetMemberExpiryDocument, { memberId: adminRow.id, expiresAt: later }, admin())),
      ).toEqual([]);
    });

    it('needs MANAGE_MEMBERS at the membership’s scope, and a moment ahead', async () => {
      const wsRow = (await rowOf(world.people.wsMember, world.w1.id))!;
      const later = new Date(Date.now() + 3600_000).toISOString();
      const by = (who: Person, expiresAt: string | null = later) =>
        h.run(SetMemberExpiryDocument, { memberId: wsRow.id, expiresAt }, who);
      expect(errorCodes(await by(world.people.wsAdmin))).toEqual([]);
      expect(errorCodes(await by(world.people.wsMember))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await by(world.people.orgMember))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await by(world.people.wsAdmin, new Date(Date.now() - 1).toISOString()))).toEqual([
        'BAD_USER_INPUT',
      ]);
    });
  });
});
