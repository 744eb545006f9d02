import { randomUUID } from 'node:crypto';
import { Membership } from '../../../entities/membership.entity';
import { ROLES_BY_SCOPE } from '../../../permissions/access';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { type ScopeRef } from '../../../src/domain/scope';
import {
  ChangeMemberRoleDocument,
  DomainMembersScreenDocument,
  ExplainAccessDocument,
  type MemberScreenRowFragment,
  OrganizationMembersScreenDocument,
  RemoveMemberDocument,
  WorkspaceMembersScreenDocument,
} from '../../generated/graphql';
import { addMember, createWorld, PERSONAS, type World } from '../../support/factories';
import { errorCodes, type Harness, type Person } from '../../support/harness';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';

type Capabilities = MemberScreenRowFragment['viewerCan'];

/** Every membership of the organization, as stored. */
const membershipsOf = (h: Harness, organizationId: string) =>
  h.database.db.getRepository(Membership).find({ where: { organizationId }, order: { id: 'ASC' } });

/** Puts the organization's memberships back as they were (a mutation under test succeeded). */
async function restore(h: Harness, organizationId: string, rows: Membership[]): Promise<void> {
  const repo = h.database.db.getRepository(Membership);
  await repo.delete({ organizationId });
  await repo.insert(rows.map((row) => ({ ...row })));
}

const summary = (rows: Membership[]) => rows.map((r) => `${r.id}:${r.role}`).join(',');

/** What the persona sees of each row's `viewerCan`, through the three members lists of the world. */
async function capabilitiesSeenBy(h: Harness, world: World, who: Person): Promise<Map<string, Capabilities>> {
  const seen = new Map<string, Capabilities>();
  const lists = [
    (await h.run(OrganizationMembersScreenDocument, { id: world.organization.id, first: 100 }, who)).data?.organization
      ?.members,
    (await h.run(WorkspaceMembersScreenDocument, { id: world.w1.id, first: 100 }, who)).data?.workspace?.members,
    (await h.run(DomainMembersScreenDocument, { id: world.d1.id, first: 100 }, who)).data?.domain?.members,
  ];
  for (const list of lists) for (const edge of list?.edges ?? []) seen.set(edge.node.id, edge.node.viewerCan);
  return seen;
}

describeOnEachDatabase('the members screen', (kind) => {
  const h = useHarness(kind);

  describe('viewerCan is what the mutations then allow', () => {
    /**
     * For every persona and every membership of a world: each role change the scope accepts and
     * the removal are tried for real, and succeed exactly where the row's `viewerCan` said so.
     * Rows a persona cannot list do not exist for them (NOT_FOUND). Run on a world whose only
     * ADMIN is the last one, and on one with a second ADMIN.
     */
    it.each([
      ['one organization ADMIN', false],
      ['two organization ADMINs', true],
    ])('with %s', async (_label, secondAdmin) => {
      const world = await createWorld(h);
      const orgScope: ScopeRef = { kind: ScopeKind.ORGANIZATION, organizationId: world.organization.id };
      if (secondAdmin) await addMember(h, await h.person('second-admin'), orgScope, Role.ADMIN);
      const original = await membershipsOf(h, world.organization.id);
      let tried = 0;
      for (const persona of PERSONAS) {
        if (persona === 'anonymous') continue;
        const who = world.people[persona];
        const seen = await capabilitiesSeenBy(h, world, who);
        for (const row of original) {
          const can = seen.get(row.id);
          const others = ROLES_BY_SCOPE[row.scope].filter((role) => role !== row.role);
          const changed: Role[] = [];
          for (const role of others) {
            const result = await h.run(ChangeMemberRoleDocument, { input: { memberId: row.id, role } }, who);
            tried++;
            if (!result.errors) {
              changed.push(role);
              await restore(h, world.organization.id, original);
            } else {
              expect([persona, row.id, errorCodes(result)]).toEqual([
                persona,
                row.id,
                [!can ? 'NOT_FOUND' : expect.stringMatching(/^(FORBIDDEN|LAST_ADMIN)$/)],
              ]);
            }
          }
          const removal = await h.run(RemoveMemberDocument, { memberId: row.id }, who);
          tried++;
          const removed = !removal.errors;
          if (removed) await restore(h, world.organization.id, original);
          else if (!can) expect([persona, errorCodes(removal)]).toEqual([persona, ['NOT_FOUND']]);
          expect(summary(await membershipsOf(h, world.organization.id))).toBe(summary(original));

          const expected = can && {
            changeRole: changed.length > 0,
            remove: removed,
            assignableRoles: can.assignableRoles.filter((r) => r !== row.role),
          };
          expect([persona, row.scope, row.role, expected]).toEqual([
            persona,
            row.scope,
            row.role,
            can && { changeRole: can.changeRole, remove: can.remove, assignableRoles: changed },
          ]);
          // The dropdown offers the current role too, and nothing when the row cannot change.
          if (can) {
            expect(can.assignableRoles.includes(row.role as Role)).toBe(can.changeRole);
            // MANAGE_MEMBERS, and not the last lasting ADMIN: the same rows as changeRole — but
            // never one's own (nobody makes their own access last longer).
            expect(can.setExpiry).toBe(can.changeRole && row.userId !== who.sub);
          }
        }
      }
      expect(tried).toBeGreaterThan(100);
      // The last ADMIN's row, read by that ADMIN, offers nothing that would take the ADMIN away.
      const admins = await capabilitiesSeenBy(h, world, world.people.orgAdmin);
      const adminRow = original.find(
        (r) => r.userId === world.people.orgAdmin.sub && r.scope === ScopeKind.ORGANIZATION,
      )!;
      expect(admins.get(adminRow.id)).toEqual(
        secondAdmin
          ? { changeRole: true, remove: true, assignableRoles: ['ADMIN', 'ACCOUNTING', 'MEMBER'], setExpiry: false }
          : { changeRole: false, remove: false, assignableRoles: [], setExpiry: false },
      );
    });
  });

  describe('effective role and where it comes from', () => {
    it('shows, for org MEMBER + workspace ADMIN + domain MEMBER, each row’s effective role and its sources', async () => {
      const world = await createWorld(h);
      const person = await h.person('mixed');
      const ws: ScopeRef = {
        kind: ScopeKind.WORKSPACE,
        organizationId: world.organization.id,
        workspaceId: world.w1.id,
      };
      const dom: ScopeRef = { ...ws, kind: ScopeKind.DOMAIN, domainId: world.d1.id };
      await addMember(h, person, ws, Role.ADMIN); // brings the organization MEMBER along
      await addMember(h, person, dom, Role.MEMBER);
      const held = await h.database.db.getRepository(Membership).findBy({ userId: person.sub });
      const idAt = (kind: ScopeKind) => held.find((m) => m.scope === kind)!.id;
      const admin = world.people.orgAdmin;

      const rowIn = async (document: 'org' | 'ws' | 'dom') => {
        const list =
          document === 'org'
            ? (await h.run(OrganizationMembersScreenDocument, { id: world.organization.id, first: 100 }, admin)).data
                ?.organization?.members
            : document === 'ws'
              ? (await h.run(WorkspaceMembersScreenDocument, { id: world.w1.id, first: 100 }, admin)).data?.workspace
                  ?.members
              : (await h.run(DomainMembersScreenDocument, { id: world.d1.id, first: 100 }, admin)).data?.domain
                  ?.members;
        const row = list?.edges.find((e) => e.node.user.id === person.sub)?.node;
        return row && { effectiveRole: row.effectiveRole, sources: row.accessSources };
      };
      expect(await rowIn('org')).toEqual({
        effectiveRole: 'MEMBER',
        sources: [
          { role: 'MEMBER', scope: 'ORGANIZATION', direct: true, member: { id: idAt(ScopeKind.ORGANIZATION) } },
        ],
      });
      expect(await rowIn('ws')).toEqual({
        effectiveRole: 'ADMIN',
        sources: [{ role: 'ADMIN', scope: 'WORKSPACE', direct: true, member: { id: idAt(ScopeKind.WORKSPACE) } }],
      });
      // The domain MEMBER row is an ADMIN there through the workspace; organization MEMBER passes nothing down.
      expect(await rowIn('dom')).toEqual({
        effectiveRole: 'ADMIN',
        sources: [
          { role: 'MEMBER', scope: 'DOMAIN', direct: true, member: { id: idAt(ScopeKind.DOMAIN) } },
          { role: 'ADMIN', scope: 'WORKSPACE', direct: false, member: { id: idAt(ScopeKind.WORKSPACE) } },
        ],
      });

      const explain = (who: Person, scope: Record<string, string>, userId = person.sub) =>
        h.run(ExplainAccessDocument, { userId, scope }, who);
      const asAdmin = await explain(admin, { domainId: world.d1.id });
      expect(asAdmin.errors).toBeUndefined();
      expect(asAdmin.data?.explainAccess).toMatchObject({
        scope: 'DOMAIN',
        effectiveRole: 'ADMIN',
        permissions: ['READ', 'UPDATE', 'DELETE', 'READ_MEMBERS', 'INVITE_MEMBERS', 'MANAGE_MEMBERS', 'READ_AUDIT_LOG'],
      });
      // A domain MEMBER may read the domain's members but not the workspace's: that source's membership is hidden.
      const asDomainMember = await explain(world.people.domainMember, { domainId: world.d1.id });
      expect(asDomainMember.data?.explainAccess?.sources).toEqual([
        { role: 'MEMBER', scope: 'DOMAIN', direct: true, member: { id: idAt(ScopeKind.DOMAIN) } },
        { role: 'ADMIN', scope: 'WORKSPACE', direct: false, member: null },
      ]);
      // Organization ADMIN cascades: the source is the organization membership, not held at the workspace.
      const orgAdminAtWorkspace = await explain(world.people.wsMember, { workspaceId: world.w1.id }, admin.sub);
      expect(orgAdminAtWorkspace.data?.explainAccess).toMatchObject({
        effectiveRole: 'ADMIN',
        sources: [{ role: 'ADMIN', scope: 'ORGANIZATION', direct: false }],
      });
      // Nobody at all, or someone with nothing there: no role, empty lists, no hint which.
      for (const userId of [`test|nobody-${randomUUID()}`, world.people.outsider.sub]) {
        const none = await explain(admin, { workspaceId: world.w2.id }, userId);
        expect([none.errors, none.data?.explainAccess]).toEqual([
          undefined,
          { scope: 'WORKSPACE', effectiveRole: null, permissions: [], sources: [] },
        ]);
      }
      // Needs READ_MEMBERS at the scope; a scope the caller cannot see does not exist for them.
      expect(errorCodes(await explain(world.people.orgMember, { domainId: world.d1.id }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await explain(world.people.outsider, { organizationId: world.organization.id }))).toEqual([
        'NOT_FOUND',
      ]);
      expect(errorCodes(await explain(world.people.domainMember, { workspaceId: world.w1.id }))).toEqual(['FORBIDDEN']);
      expect(
        (await explain(world.people.domainMember, { workspaceId: world.w1.id })).errors?.[0].extensions?.permission,
      ).toBe('READ_MEMBERS');
      expect(errorCodes(await explain(admin, { workspaceId: world.w1.id, domainId: world.d1.id }))).toEqual([
        'BAD_USER_INPUT',
      ]);
    });
  });
});
