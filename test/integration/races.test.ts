import { Membership } from '../../entities/membership.entity';
import { Role, ScopeKind } from '../../src/domain/enums';
import {
  AcceptInvitationDocument,
  ChangeMemberRoleDocument,
  InviteMemberDocument,
  OrganizationSeatsDocument,
  UpdateSeatLimitDocument,
  LeaveOrganizationDocument,
  RemoveMemberDocument,
} from '../generated/graphql';
import { addMember, createOrganization, createWorld, invite, scopeInput } from '../support/factories';
import { errorCodes, type Harness, type Person } from '../support/harness';
import { describeOnEachDatabase, useHarness } from '../support/each-database';

/** Check-then-write under concurrency: the database, not luck, decides (docs/domain-rules.md §3–§4). */
describeOnEachDatabase('races', (kind) => {
  const h = useHarness(kind);

  it('10 simultaneous accepts of one invitation make one membership; the rest are INVITATION_NOT_PENDING', async () => {
    for (let round = 0; round < 3; round++) {
      const world = await createWorld(h);
      const invitee = await h.person('racer');
      const { token } = await invite(h, world.people.orgAdmin, scopeInput.workspace(world), invitee.email, 'ADMIN');
      const results = await Promise.all(
        Array.from({ length: 10 }, () => h.run(AcceptInvitationDocument, { input: { token } }, invitee)),
      );
      const outcomes = results.map((r) => errorCodes(r)[0] ?? 'ok');
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'ok')).toEqual(Array(9).fill('INVITATION_NOT_PENDING'));
      const held = await h.database.db.getRepository(Membership).findBy({ userId: invitee.sub });
      expect(held.map((m) => `${m.scope}:${m.role}`).sort()).toEqual(['ORGANIZATION:MEMBER', 'WORKSPACE:ADMIN']);
    }
  });

  it('concurrent invitations and accepts at a seat limit of N end with exactly N seats used, never more', async () => {
    const LIMIT = 6;
    for (let round = 0; round < 5; round++) {
      const owner = await h.person('seat-owner');
      const organization = await createOrganization(h, owner, `Seats ${round}`);
      const invitees = [await h.person('seat-a'), await h.person('seat-b')];
      const tag = organization.id.slice(0, 8);
      const tokens: string[] = [];
      for (const invitee of invitees) {
        tokens.push((await invite(h, owner, { organizationId: organization.id }, invitee.email)).token);
      }
      expect(
        errorCodes(await h.run(UpdateSeatLimitDocument, { organizationId: organization.id, seatLimit: LIMIT }, owner)),
      ).toEqual([]);
      // 1 member + 2 invited = 3 used: 3 seats left for 8 new invitations racing 2 accepts.
      const results = await Promise.all([
        ...invitees.map((invitee, i) => h.run(AcceptInvitationDocument, { input: { token: tokens[i] } }, invitee)),
        ...Array.from({ length: 8 }, (_, i) =>
          h.run(
            InviteMemberDocument,
            { input: { scope: { organizationId: organization.id }, email: `racer-${i}-${tag}@example.test` } },
            owner,
          ),
        ),
      ]);
      const outcomes = results.map((r) => errorCodes(r)[0] ?? 'ok');
      expect(outcomes.slice(0, 2)).toEqual(['ok', 'ok']);
      expect(outcomes.slice(2).filter((o) => o === 'ok')).toHaveLength(3);
      expect(outcomes.slice(2).filter((o) => o !== 'ok')).toEqual(Array(5).fill('SEAT_LIMIT_REACHED'));
      const seats = await h.run(OrganizationSeatsDocument, { id: organization.id }, owner);
      expect([round, seats.data?.organization?.seatsUsed]).toEqual([round, LIMIT]);
    }
  });

  type Move = (
    h: Harness,
    me: Person,
    other: Person,
    organizationId: string,
  ) => Promise<{ errors?: readonly unknown[] }>;
  const membershipId = async (person: Person, organizationId: string) =>
    (await h.database.db.getRepository(Membership).findOneByOrFail({ userId: person.sub, scopeId: organizationId })).id;
  const demote: Move = async (h, _me, other, org) =>
    h.run(ChangeMemberRoleDocument, { input: { memberId: await membershipId(other, org), role: 'MEMBER' } }, _me);
  const remove: Move = async (h, me, other, org) =>
    h.run(RemoveMemberDocument, { memberId: await membershipId(other, org) }, me);
  const leave: Move = async (h, me, _other, org) => h.run(LeaveOrganizationDocument, { organizationId: org }, me);

  it('two ADMINs demoting, removing or leaving at the same moment never leave an organization without an ADMIN', async () => {
    const moves: [string, Move, Move][] = [
      ['demote/demote', demote, demote],
      ['remove/remove', remove, remove],
      ['leave/leave', leave, leave],
      ['demote/leave', demote, leave],
      ['remove/demote', remove, demote],
    ];
    for (let round = 0; round < 30; round++) {
      const [, first, second] = moves[round % moves.length];
      const a = await h.person('admin-a');
      const b = await h.person('admin-b');
      const organizationId = (await createOrganization(h, a, `Race ${round}`)).id;
      await addMember(h, b, { kind: ScopeKind.ORGANIZATION, organizationId }, Role.ADMIN);

      const results = await Promise.all([first(h, a, b, organizationId), second(h, b, a, organizationId)]);
      const admins = await h.database.db
        .getRepository(Membership)
        .countBy({ scopeId: organizationId, role: Role.ADMIN });
      expect(admins).toBeGreaterThanOrEqual(1);
      const codes = results.map((r) => errorCodes(r as never)[0] ?? 'ok');
      // One of the two wins; the other finds it would leave no ADMIN (or that its target is gone).
      if (first === second) {
        // The same move both ways: exactly one wins. The other would leave no ADMIN, finds its target
        // gone, or (when it starts after the first has finished) is no longer an ADMIN itself.
        expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
        expect(['LAST_ADMIN', 'NOT_FOUND', 'FORBIDDEN']).toContain(codes.find((c) => c !== 'ok'));
      } else {
        // Mixed moves may both succeed in one order (demoted first, then leaving as a MEMBER).
        expect(codes).toContain('ok');
        for (const code of codes) expect(['ok', 'LAST_ADMIN', 'NOT_FOUND', 'FORBIDDEN']).toContain(code);
      }
    }
  });
});
