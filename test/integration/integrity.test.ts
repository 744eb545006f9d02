import fc from 'fast-check';
import { Invitation } from '../../entities/invitation.entity';
import { InvitationStatus } from '../../src/domain/enums';
import { Membership } from '../../entities/membership.entity';
import { Role, ScopeKind } from '../../src/domain/enums';
import { memberCountDrift, searchIndexDrift } from '../../src/db/membership-rows';
import { toCount } from '../../src/db/sql';
import {
  AcceptInvitationDocument,
  ChangeMemberRoleDocument,
  InviteMemberDocument,
  LeaveOrganizationDocument,
  RemoveMemberDocument,
  UpdateBillingProfileDocument,
} from '../generated/graphql';
import { addMember, createOrganization, createWorkspace, invite } from '../support/factories';
import { errorCodes, type Person } from '../support/harness';
import { describeOnEachDatabase, useHarness } from '../support/each-database';

/**
 * Integrity under concurrency: every change to who belongs to an organization takes the
 * organization's row first (withOrganizationLock), so the races that used to corrupt
 * membership state end with the invariants intact — checked after every round.
 */
describeOnEachDatabase('integrity under concurrency', (kind) => {
  const h = useHarness(kind);

  const outcome = (result: { errors?: readonly unknown[] }) => errorCodes(result as never)[0] ?? 'ok';

  /** The invariants of docs/domain-rules.md §1 and §3 for one organization. */
  async function expectInvariants(organizationId: string, results: { errors?: readonly unknown[] }[] = []) {
    const [orphans] = await h.database.db.query(
      `SELECT COUNT(*) AS n FROM memberships m WHERE m.organization_id = ? AND m.scope <> 'ORGANIZATION'
         AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.scope_id = m.organization_id AND o.user_id = m.user_id)`,
      [organizationId],
    );
    expect(toCount(orphans.n)).toBe(0);
    const [admins] = await h.database.db.query(
      "SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ? AND role = 'ADMIN'",
      [organizationId],
    );
    expect(toCount(admins.n)).toBeGreaterThanOrEqual(1);
    // The maintained member counts (members lists' totalCount, seats) agree with the rows.
    expect(await memberCountDrift(h.database.db, organizationId)).toEqual([]);
    // And so does the search index: each membership's words, none of one that is gone.
    expect(await searchIndexDrift(h.database.db)).toEqual([]);
    expect(results.map(outcome)).not.toContain('INTERNAL_SERVER_ERROR');
  }

  /**
   * The token of an invitation's email, whatever became of the email: a removal in the same batch
   * may have revoked the invitation (and cancelled its email) before this reads it.
   */
  async function sentToken(invitationId: string): Promise<string> {
    const [row] = await h.database.db.query(
      'SELECT text_body FROM outbox_emails WHERE invitation_id = ? ORDER BY created_at DESC',
      [invitationId],
    );
    return /token=([A-Za-z0-9_-]+)/.exec(row.text_body)![1];
  }

  const membershipOf = (person: Person, scopeId: string) =>
    h.database.db.getRepository(Membership).findOneBy({ userId: person.sub, scopeId });

  it('accepting a workspace-ADMIN invitation while being removed from the organization never leaves a workspace ADMIN outside it (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const admin = await h.person('admin');
      const u = await h.person('u');
      const org = await createOrganization(h, admin, `Race ${round}`);
      const ws = await createWorkspace(h, admin, org.id);
      await addMember(h, u, { kind: ScopeKind.ORGANIZATION, organizationId: org.id }, Role.MEMBER);
      const { token } = await invite(h, admin, { workspaceId: ws.id }, u.email, 'ADMIN');
      const memberId = (await membershipOf(u, org.id))!.id;
      const results = await Promise.all([
        h.run(AcceptInvitationDocument, { input: { token } }, u),
        h.run(RemoveMemberDocument, { memberId }, admin),
      ]);
      await expectInvariants(org.id, results);
      expect(outcome(results[1])).toBe('ok');
      // Whichever came first, U ends with nothing in the organization.
      expect(await h.database.db.getRepository(Membership).countBy({ userId: u.sub, organizationId: org.id })).toBe(0);
    }
  });

  it('promote, leave and leave at once never leave an organization without an ADMIN (60 rounds)', async () => {
    for (let round = 0; round < 60; round++) {
      const admin = await h.person('admin');
      const accountant = await h.person('accountant');
      const org = await createOrganization(h, admin, `Three ${round}`);
      await addMember(h, accountant, { kind: ScopeKind.ORGANIZATION, organizationId: org.id }, Role.ACCOUNTING);
      const memberId = (await membershipOf(accountant, org.id))!.id;
      const results = await Promise.all([
        h.run(ChangeMemberRoleDocument, { input: { memberId, role: 'ADMIN' } }, admin),
        h.run(LeaveOrganizationDocument, { organizationId: org.id }, accountant),
        h.run(LeaveOrganizationDocument, { organizationId: org.id }, admin),
      ]);
      await expectInvariants(org.id, results);
      for (const result of results) expect(['ok', 'LAST_ADMIN', 'NOT_FOUND']).toContain(outcome(result));
    }
  });

  it('an organization-ADMIN invitation stays answerable after a workspace invitation made the person a MEMBER (20 rounds, in order and at once)', async () => {
    for (let round = 0; round < 20; round++) {
      const admin = await h.person('admin');
      const u = await h.person('u');
      const org = await createOrganization(h, admin, `Two invitations ${round}`);
      const ws = await createWorkspace(h, admin, org.id);
      const asAdmin = await invite(h, admin, { organizationId: org.id }, u.email, 'ADMIN');
      const asMember = await invite(h, admin, { workspaceId: ws.id }, u.email, 'MEMBER');
      const accept = (token: string) => h.run(AcceptInvitationDocument, { input: { token } }, u);
      const results =
        round % 2 === 0
          ? [await accept(asMember.token), await accept(asAdmin.token)]
          : await Promise.all([accept(asMember.token), accept(asAdmin.token)]);
      expect(results.map(outcome)).toEqual(['ok', 'ok']);
      await expectInvariants(org.id, results);
      expect((await membershipOf(u, org.id))?.role).toBe(Role.ADMIN);
      expect((await membershipOf(u, ws.id))?.role).toBe(Role.MEMBER);
      const statuses = await h.database.db.getRepository(Invitation).findBy({ organizationId: org.id, email: u.email });
      expect(statuses.map((i) => i.status)).toEqual([InvitationStatus.ACCEPTED, InvitationStatus.ACCEPTED]);
    }
  });

  it('accepting a weaker role than the one held keeps the held role and ends the invitation ACCEPTED', async () => {
    const admin = await h.person('admin');
    const u = await h.person('u');
    const org = await createOrganization(h, admin, 'Weaker');
    const { token } = await invite(h, admin, { organizationId: org.id }, u.email, 'MEMBER');
    await addMember(h, u, { kind: ScopeKind.ORGANIZATION, organizationId: org.id }, Role.ACCOUNTING);
    expect(outcome(await h.run(AcceptInvitationDocument, { input: { token } }, u))).toBe('ok');
    expect((await membershipOf(u, org.id))?.role).toBe(Role.ACCOUNTING);
    const [invitation] = await h.database.db.getRepository(Invitation).findBy({ organizationId: org.id });
    expect(invitation.status).toBe(InvitationStatus.ACCEPTED);
  });

  it('six concurrent first updates of a billing profile all succeed, and one profile remains (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const admin = await h.person('admin');
      const org = await createOrganization(h, admin, `Billing ${round}`);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          h.run(UpdateBillingProfileDocument, { organizationId: org.id, input: { legalName: `Acme ${i}` } }, admin),
        ),
      );
      expect(results.map(outcome)).toEqual(Array(6).fill('ok'));
      const [rows] = await h.database.db.query('SELECT COUNT(*) AS n FROM billing_profiles WHERE organization_id = ?', [
        org.id,
      ]);
      expect(toCount(rows.n)).toBe(1);
    }
  });

  it('inviting into a workspace deleted earlier in the same request is NOT_FOUND, not a foreign-key failure', async () => {
    const admin = await h.person('admin');
    const org = await createOrganization(h, admin, 'Deleted in passing');
    const ws = await createWorkspace(h, admin, org.id);
    const result = await h.run(
      `mutation($w: ID!) {
        d: deleteWorkspace(id: $w)
        i: inviteMember(input: { scope: { workspaceId: $w }, email: "late@example.test", role: MEMBER }) { id }
      }` as never,
      { w: ws.id },
      admin,
    );
    // inviteMember is non-null, so its NOT_FOUND nulls the whole answer; the deletion stands.
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    const [left] = await h.database.db.query('SELECT COUNT(*) AS n FROM workspaces WHERE id = ?', [ws.id]);
    expect(toCount(left.n)).toBe(0);
    expect(await h.database.db.getRepository(Invitation).countBy({ organizationId: org.id })).toBe(0);
  });

  it('removed people do not come back: their pending invitations, and those they sent, are revoked', async () => {
    const admin = await h.person('admin');
    const u = await h.person('u');
    const second = await h.person('second-account');
    const org = await createOrganization(h, admin, 'No way back');
    const ws = await createWorkspace(h, admin, org.id);
    // An older invitation to U, and one U sent to their own second account.
    const older = await invite(h, admin, { workspaceId: ws.id }, `${u.email}`.replace('@', '+x@'), 'MEMBER');
    const toU = await h.run(
      `mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }` as never,
      { i: { scope: { organizationId: org.id }, email: u.email, role: 'ACCOUNTING' } },
      admin,
    );
    expect(toU.errors).toBeUndefined();
    await addMember(h, u, { kind: ScopeKind.WORKSPACE, organizationId: org.id, workspaceId: ws.id }, Role.ADMIN);
    const bySelf = await invite(h, u, { workspaceId: ws.id }, second.email, 'ADMIN');

    const memberId = (await membershipOf(u, org.id))!.id;
    expect(outcome(await h.run(RemoveMemberDocument, { memberId }, admin))).toBe('ok');

    expect(outcome(await h.run(AcceptInvitationDocument, { input: { token: bySelf.token } }, second))).toBe(
      'INVITATION_NOT_PENDING',
    );
    const mine = await h.database.db
      .getRepository(Invitation)
      .findOneByOrFail({ organizationId: org.id, email: u.email });
    expect(mine.status).toBe(InvitationStatus.REVOKED);
    // An invitation to another address stays.
    expect((await h.database.db.getRepository(Invitation).findOneByOrFail({ id: older.invitation.id })).status).toBe(
      InvitationStatus.PENDING,
    );
    expect(await h.database.db.getRepository(Membership).countBy({ organizationId: org.id, userId: second.sub })).toBe(
      0,
    );
    await expectInvariants(org.id);
  });

  type Command = {
    op: 'invite' | 'accept' | 'remove' | 'leave' | 'role';
    who: number;
    by: number;
    ws: boolean;
    role: Role;
  };
  const command = fc.record<Command>({
    op: fc.constantFrom('invite', 'accept', 'remove', 'leave', 'role'),
    // Two people only, so that commands often meet on the same person.
    who: fc.integer({ min: 0, max: 1 }),
    by: fc.integer({ min: 0, max: 1 }),
    ws: fc.boolean(),
    role: fc.constantFrom(Role.ADMIN, Role.ACCOUNTING, Role.MEMBER),
  });

  it('random interleavings of invite, accept, remove, leave and change-role keep every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(command, { minLength: 3, maxLength: 8 }), { minLength: 3, maxLength: 6 }),
        async (batches) => {
          const admins = [await h.person('admin-a'), await h.person('admin-b')];
          const people = [await h.person('p0'), await h.person('p1'), await h.person('p2'), await h.person('p3')];
          const org = await createOrganization(h, admins[0], 'Property');
          const ws = await createWorkspace(h, admins[0], org.id);
          await addMember(h, admins[1], { kind: ScopeKind.ORGANIZATION, organizationId: org.id }, Role.ADMIN);
          const tokens = new Map<number, string[]>();
          const run = async (c: Command) => {
            const person = people[c.who];
            const actor = admins[c.by];
            const scopeId = c.ws ? ws.id : org.id;
            switch (c.op) {
              case 'invite': {
                const role = c.ws && c.role === Role.ACCOUNTING ? Role.MEMBER : c.role;
                const scope = c.ws ? { workspaceId: ws.id } : { organizationId: org.id };
                const result = await h.run(
                  InviteMemberDocument,
                  { input: { scope, email: person.email, role } },
                  actor,
                );
                if (result.data?.inviteMember) {
                  tokens.set(c.who, [...(tokens.get(c.who) ?? []), await sentToken(result.data.inviteMember.id)]);
                }
                return result;
              }
              case 'accept': {
                const token = tokens.get(c.who)?.shift();
                return token ? h.run(AcceptInvitationDocument, { input: { token } }, person) : {};
              }
              case 'leave':
                return h.run(
                  LeaveOrganizationDocument,
                  { organizationId: org.id },
                  c.by === 0 && c.who === 0 ? admins[0] : person,
                );
              case 'remove':
              case 'role': {
                const membership = await membershipOf(
                  c.who === 0 && c.op === 'remove' ? admins[1 - c.by] : person,
                  scopeId,
                );
                if (!membership) return {};
                if (c.op === 'remove') return h.run(RemoveMemberDocument, { memberId: membership.id }, actor);
                const role = c.ws && c.role === Role.ACCOUNTING ? Role.MEMBER : c.role;
                return h.run(ChangeMemberRoleDocument, { input: { memberId: membership.id, role } }, actor);
              }
            }
          };
          for (const batch of batches) {
            const results = await Promise.all(batch.map(run));
            await expectInvariants(org.id, results);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
