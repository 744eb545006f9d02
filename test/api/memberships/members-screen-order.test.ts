import { randomUUID } from 'node:crypto';
import { Membership } from '../../../entities/membership.entity';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { type ScopeRef } from '../../../src/domain/scope';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import {
  LeaveOrganizationWithSuccessorDocument,
  OrganizationMembersScreenDocument,
  type OrganizationMembersScreenQuery,
  RemoveMemberDocument,
} from '../../generated/graphql';
import { addMember, createOrganization, createWorld } from '../../support/factories';
import { errorCodes, type OperationResult, type Person, TEST_JWT_SECRET } from '../../support/harness';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';

/** The members screen's orders across pages, and leaving below the organization or handing it over. */
describeOnEachDatabase('the members screen: ordering and leaving', (kind) => {
  const h = useHarness(kind);

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
