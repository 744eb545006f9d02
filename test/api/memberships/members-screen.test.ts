import { randomUUID } from 'node:crypto';
import { Membership } from '../../../entities/membership.entity';
import { ROLES_BY_SCOPE } from '../../../permissions/access';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { type ScopeRef } from '../../../src/domain/scope';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import {
  ChangeMemberRoleDocument,
  DomainMembersScreenDocument,
  ExplainAccessDocument,
  LeaveOrganizationWithSuccessorDocument,
  type MemberScreenRowFragment,
  OrganizationMembersScreenDocument,
  type OrganizationMembersScreenQuery,
  RemoveMemberDocument,
  WorkspaceMembersScreenDocument,
} from '../../generated/graphql';
import { addMember, createOrganization, createWorld, PERSONAS, type World } from '../../support/factories';
import { errorCodes, type Harness, type OperationResult, type Person, TEST_JWT_SECRET } from '../../support/harness';
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

  describe('ordering', () => {
    /** A person signed in with a given name (or none) and address. */
    async function named(name: string | null, local: string): Promise<Person> {
      const sub = `test|order-${randomUUID().slice(0, 8)}`;
      const email = `${local}-${randomUUID().slice(0, 6)}@example.test`;
      const token = await signDevelopmentToken(TEST_JWT_SECRET, { sub, email, ...(name ? { name } : {}) });
      return { sub, email, name: name ?? '', token };
    }

    it('orders by each field and direction across page boundaries, with ties and people without a name', async () => {
      const admin = await named('Zed Admin', 'zz-admin');
      const organization = await createOrganization(h, admin, 'Ordered');
      const org: ScopeRef = { kind: ScopeKind.ORGANIZATION, organizationId: organization.id };
      const people = [
        await named('alice', 'mallory'),
        await named('Bob', 'bob'),
        await named('dana', 'dana-one'),
        await named('Dana', 'dana-two'),
        await named(null, 'anon-one'),
        await named('carol', 'carol'),
        await named(null, 'anon-two'),
        await named('  Élodie ', 'elodie'),
      ];
      for (const person of people) await addMember(h, person, org, Role.MEMBER);
      const rows = await h.database.db.getRepository(Membership).findBy({ scopeId: organization.id });
      const byUser = new Map(rows.map((r) => [r.userId, r]));
      const everyone = [admin, ...people].map((p) => ({ ...p, row: byUser.get(p.sub)! }));
      const fold = (p: { name: string }) => p.name.trim().normalize('NFC').toLowerCase();
      const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

      const expected: Record<string, string[]> = {};
      const sorted = (compare: (a: (typeof everyone)[0], b: (typeof everyone)[0]) => number) =>
        [...everyone].sort(compare).map((p) => p.sub);
      const byId = (a: (typeof everyone)[0], b: (typeof everyone)[0]) => bytes(a.row.id, b.row.id);
      const joined = (a: (typeof everyone)[0], b: (typeof everyone)[0]) =>
        a.row.createdAt.getTime() - b.row.createdAt.getTime() || byId(a, b);
      expected['JOINED_AT ASC'] = sorted(joined);
      expected['JOINED_AT DESC'] = sorted((a, b) => -joined(a, b));
      const email = (a: (typeof everyone)[0], b: (typeof everyone)[0]) => bytes(a.email, b.email) || byId(a, b);
      expected['EMAIL ASC'] = sorted(email);
      expected['EMAIL DESC'] = sorted((a, b) => -email(a, b));
      const unnamed = (p: (typeof everyone)[0]) => (fold(p) === '' ? 1 : 0);
      const name = (a: (typeof everyone)[0], b: (typeof everyone)[0]) => bytes(fold(a), fold(b)) || byId(a, b);
      expected['NAME ASC'] = sorted((a, b) => unnamed(a) - unnamed(b) || name(a, b));
      expected['NAME DESC'] = sorted((a, b) => unnamed(a) - unnamed(b) || -name(a, b));
      // The hand-checked parts: ties of "dana" sit together, nameless people come last both ways.
      expect(expected['NAME ASC'].slice(-2).sort()).toEqual([people[4].sub, people[6].sub].sort());
      expect(expected['NAME DESC'].slice(-2).sort()).toEqual([people[4].sub, people[6].sub].sort());
      expect(expected['NAME ASC'].slice(0, 3)).toEqual([people[0].sub, people[1].sub, people[5].sub]);

      for (const field of ['JOINED_AT', 'NAME', 'EMAIL'] as const) {
        for (const direction of ['ASC', 'DESC'] as const) {
          for (const first of [1, 2, 3, 100]) {
            const seen: string[] = [];
            let after: string | null = null;
            for (let page = 0; page < 20; page++) {
              const result: OperationResult<OrganizationMembersScreenQuery> = await h.run(
                OrganizationMembersScreenDocument,
                { id: organization.id, first, after, orderBy: { field, direction } },
                admin,
              );
              expect(result.errors).toBeUndefined();
              const members = result.data!.organization!.members!;
              expect(members.totalCount).toBe(everyone.length);
              seen.push(...members.edges.map((e) => e.node.user.id));
              if (!members.pageInfo.hasNextPage) break;
              after = members.pageInfo.endCursor ?? null;
            }
            expect([field, direction, first, seen]).toEqual([
              field,
              direction,
              first,
              expected[`${field} ${direction}`],
            ]);
          }
        }
      }

      // A cursor belongs to its order: handed to another, it is refused, not misread.
      const namePage = await h.run(
        OrganizationMembersScreenDocument,
        { id: organization.id, first: 2, orderBy: { field: 'NAME', direction: 'ASC' } },
        admin,
      );
      const cursor = namePage.data!.organization!.members!.pageInfo.endCursor!;
      for (const orderBy of [
        { field: 'NAME', direction: 'DESC' },
        { field: 'EMAIL', direction: 'ASC' },
        { field: 'JOINED_AT', direction: 'ASC' },
      ] as const) {
        const wrong = await h.run(
          OrganizationMembersScreenDocument,
          { id: organization.id, after: cursor, orderBy },
          admin,
        );
        expect(errorCodes(wrong)).toEqual(['BAD_USER_INPUT']);
      }
      // A renamed person moves in the list at once.
      const renamed = {
        ...people[6],
        token: await signDevelopmentToken(TEST_JWT_SECRET, {
          sub: people[6].sub,
          email: people[6].email,
          name: 'Aaron',
        }),
      };
      const after = await h.run(
        OrganizationMembersScreenDocument,
        { id: organization.id, first: 1, orderBy: { field: 'NAME', direction: 'ASC' } },
        renamed,
      );
      expect(after.data?.organization?.members?.edges[0].node.user.id).toBe(people[6].sub);
    });
  });

  describe('leaving below the organization, and handing over', () => {
    it('lets a person remove their own workspace or domain membership, and keeps their organization one', async () => {
      const world = await createWorld(h);
      const own = (person: Person, scopeId: string) =>
        h.database.db.getRepository(Membership).findOneBy({ userId: person.sub, scopeId });
      const wsMember = world.people.wsMember;
      const wsRow = (await own(wsMember, world.w1.id))!;
      expect(errorCodes(await h.run(RemoveMemberDocument, { memberId: wsRow.id }, wsMember))).toEqual([]);
      expect(await own(wsMember, world.w1.id)).toBeNull();
      expect(await own(wsMember, world.organization.id)).not.toBeNull();
      // Their own organization membership goes through leaveOrganization, not removeMember.
      const orgRow = (await own(wsMember, world.organization.id))!;
      const refused = await h.run(RemoveMemberDocument, { memberId: orgRow.id }, wsMember);
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.errors?.[0].extensions?.permission).toBe('MANAGE_MEMBERS');
      // Someone else's row in the same domain stays out of reach.
      const other = (await own(world.people.domainAdmin, world.d1.id))!;
      expect(errorCodes(await h.run(RemoveMemberDocument, { memberId: other.id }, world.people.domainMember))).toEqual([
        'FORBIDDEN',
      ]);
    });

    it('hands the organization over: the successor becomes ADMIN and the last ADMIN leaves, in one step', async () => {
      const world = await createWorld(h);
      const admin = world.people.orgAdmin;
      const leave = (who: Person, successorMemberId?: string | null) =>
        h.run(
          LeaveOrganizationWithSuccessorDocument,
          { organizationId: world.organization.id, successorMemberId },
          who,
        );
      const rowOf = (person: Person) =>
        h.database.db.getRepository(Membership).findOneBy({ userId: person.sub, scopeId: world.organization.id });
      expect(errorCodes(await leave(admin))).toEqual(['LAST_ADMIN']);
      // Not a member of this organization, a workspace membership, or themself: refused, nothing changes.
      const wsRow = await h.database.db
        .getRepository(Membership)
        .findOneBy({ userId: world.people.wsMember.sub, scopeId: world.w1.id });
      const elsewhere = await h.database.db
        .getRepository(Membership)
        .findOneBy({ userId: world.people.outsider.sub, scopeId: world.otherOrganization.id });
      for (const id of [wsRow!.id, elsewhere!.id, (await rowOf(admin))!.id, randomUUID(), 'not-an-id']) {
        const bad = await leave(admin, id);
        expect([id, errorCodes(bad), bad.errors?.[0].extensions?.field]).toEqual([
          id,
          ['BAD_USER_INPUT'],
          'successorMemberId',
        ]);
      }
      expect((await rowOf(admin))?.role).toBe('ADMIN');
      // Only an ADMIN may name a successor (it grants ADMIN).
      const accountantRow = await rowOf(world.people.orgAccounting);
      expect(errorCodes(await leave(world.people.orgMember, accountantRow!.id))).toEqual(['FORBIDDEN']);
      expect((await rowOf(world.people.orgMember))?.role).toBe('MEMBER');

      const successor = (await rowOf(world.people.orgMember))!;
      const handed = await leave(admin, successor.id);
      expect(handed.errors).toBeUndefined();
      expect(await rowOf(admin)).toBeNull();
      expect((await rowOf(world.people.orgMember))?.role).toBe('ADMIN');
    });
  });
});
