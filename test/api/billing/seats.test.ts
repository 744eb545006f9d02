import { Invitation } from '../../../entities/invitation.entity';
import { ManualClock } from '../../../src/config/clock';
import { InvitationStatus } from '../../../src/domain/enums';
import {
  AcceptInvitationDocument,
  CreateOrganizationDocument,
  InviteMemberDocument,
  InviteMembersDocument,
  OrganizationSeatsDocument,
  UpdateSeatLimitDocument,
} from '../../generated/graphql';
import { invite } from '../../support/factories';
import { errorCodes, type Person } from '../../support/harness';
import { describeOnEachDatabase, useHarness, useWorldPerTest } from '../../support/each-database';

/** docs/domain-rules.md §13: seat limits — members and pending invitations, the limit and who sets it. */
describeOnEachDatabase('seats', (kind) => {
  // Runs with the wall clock; an expired invitation is dated by it.
  const clock = new ManualClock(Date.now(), { running: true });
  const h = useHarness(kind, { INVITATIONS_PER_HOUR: '1000' }, { nudgeOutbox: false, clock });
  const world = useWorldPerTest(h);

  const admin = () => world.people.orgAdmin;
  const address = (label: string) => `${label}-${world.organization.id.slice(0, 8)}@example.test`;
  const seats = async () =>
    (await h.run(OrganizationSeatsDocument, { id: world.organization.id }, admin())).data!.organization!;
  const limitTo = async (seatLimit: number | null, who: Person = admin()) =>
    h.run(UpdateSeatLimitDocument, { organizationId: world.organization.id, seatLimit }, who);

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
      .update({ id: late.invitation.id }, { expiresAt: new Date(clock.now().getTime() - 1000) });
    expect((await seats()).seatsUsed).toBe(8);
    // Accepted: a member now, counted once (the other pending invitation to them counts no more).
    expect((await h.run(AcceptInvitationDocument, { input: { token: first.token } }, newcomer)).errors).toBeUndefined();
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

  it('after a lowered limit, invitations accept while the members fit: 1 member, 6 invited, limit 4 → 3 accept', async () => {
    const founder = await h.person('founder');
    const small = await h.run(CreateOrganizationDocument, { input: { name: 'Small' } }, founder);
    const organizationId = small.data!.createOrganization.id;
    const invitees = await Promise.all(Array.from({ length: 6 }, (_, i) => h.person(`late-joiner-${i}`)));
    const links = [];
    for (const invitee of invitees) links.push((await invite(h, founder, { organizationId }, invitee.email)).token);
    expect(errorCodes(await h.run(UpdateSeatLimitDocument, { organizationId, seatLimit: 4 }, founder))).toEqual([]);
    const answers = [];
    for (const [i, invitee] of invitees.entries()) {
      answers.push(errorCodes(await h.run(AcceptInvitationDocument, { input: { token: links[i] } }, invitee)));
    }
    expect(answers).toEqual([[], [], [], ['SEAT_LIMIT_REACHED'], ['SEAT_LIMIT_REACHED'], ['SEAT_LIMIT_REACHED']]);
    const [members] = await h.database.db.query('SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ?', [
      organizationId,
    ]);
    expect(Number(members.n)).toBe(4);
    // The refused invitations are still pending: they may accept once there is room.
    const pending = await h.database.db
      .getRepository(Invitation)
      .countBy({ organizationId, status: InvitationStatus.PENDING });
    expect(pending).toBe(3);
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
