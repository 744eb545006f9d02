import { Role, ScopeKind } from '../../../src/domain/enums';
import {
  MeDocument,
  MyOrganizationsDocument,
  OrganizationMembersDocument,
  OrganizationWorkspacesDocument,
  WorkspaceDomainsDocument,
  WorkspaceMembersDocument,
} from '../../generated/graphql';
import { addMember, createOrganization, createWorld, type World } from '../../support/factories';
import { errorCodes, type Person } from '../../support/harness';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';

describeOnEachDatabase('members lists and visibility', (kind) => {
  const h = useHarness(kind);

  describe('visibility of lists', () => {
    let world: World;
    beforeAll(async () => {
      world = await createWorld(h);
    });

    const workspaceNames = async (who: Person | null) =>
      (await h.run(OrganizationWorkspacesDocument, { id: world.organization.id }, who)).data?.organization?.workspaces
        .map((w) => w.name)
        .sort();
    const domainNames = async (who: Person | null) =>
      (await h.run(WorkspaceDomainsDocument, { id: world.w1.id }, who)).data?.workspace?.domains
        .map((d) => d.hostname)
        .sort();

    it('Organization.workspaces: all for ADMIN and ACCOUNTING, readable ones for the others', async () => {
      const { people } = world;
      expect(await workspaceNames(people.orgAdmin)).toEqual(['W1', 'W2']);
      expect(await workspaceNames(people.orgAccounting)).toEqual(['W1', 'W2']);
      expect(await workspaceNames(people.orgMember)).toEqual([]);
      expect(await workspaceNames(people.wsAdmin)).toEqual(['W1']);
      expect(await workspaceNames(people.wsMember)).toEqual(['W1']);
      expect(await workspaceNames(people.domainMember)).toEqual(['W1']);
    });

    it('Workspace.domains: a bare domain member sees only their own domains', async () => {
      const { people } = world;
      expect(await domainNames(people.orgAdmin)).toEqual(['d1.example.com', 'd1b.example.com']);
      expect(await domainNames(people.wsMember)).toEqual(['d1.example.com', 'd1b.example.com']);
      expect(await domainNames(people.domainMember)).toEqual(['d1.example.com']);
      expect(await domainNames(people.domainAdmin)).toEqual(['d1.example.com']);
      expect(await domainNames(people.orgAccounting)).toEqual([]);
    });

    it('every workspace or domain member also shows in Organization.members', async () => {
      const result = await h.run(OrganizationMembersDocument, { id: world.organization.id }, world.people.orgAdmin);
      const emails = result.data?.organization?.members?.edges.map((e) => e.node.user.email).sort();
      const expected = Object.entries(world.people)
        .filter(([persona]) => persona !== 'outsider')
        .map(([, p]) => p.email)
        .sort();
      expect(emails).toEqual(expected);
      const roles = Object.fromEntries(
        result.data!.organization!.members!.edges.map((e) => [e.node.user.email, e.node.role]),
      );
      expect(roles[world.people.wsAdmin.email]).toBe('MEMBER');
      expect(roles[world.people.orgAccounting.email]).toBe('ACCOUNTING');
    });

    it('me.organizations lists the caller’s organizations, direct or implied', async () => {
      const result = await h.run(MeDocument, {}, world.people.domainMember);
      expect(result.data?.me?.organizations?.nodes.map((o) => o.name)).toEqual(['Acme']);
      expect(result.data?.me?.organizations?.totalCount).toBe(1);
    });
  });

  describe('pagination, filters and search', () => {
    let admin: Person;
    let organizationId: string;
    let people: Person[];

    beforeAll(async () => {
      admin = await h.person('admin');
      organizationId = (await createOrganization(h, admin, 'Paged')).id;
      people = [];
      for (let i = 0; i < 7; i++) {
        // Distinct creation instants, so that the expected order is the insertion order.
        await new Promise((resolve) => setTimeout(resolve, 3));
        const person = await h.person(i % 2 === 0 ? 'even' : 'odd');
        await addMember(
          h,
          person,
          { kind: ScopeKind.ORGANIZATION, organizationId },
          i === 3 ? Role.ACCOUNTING : Role.MEMBER,
        );
        people.push(person);
      }
    });

    const page = (variables: {
      first?: number;
      after?: string | null;
      role?: 'ADMIN' | 'ACCOUNTING' | 'MEMBER';
      query?: string;
    }) => h.run(OrganizationMembersDocument, { id: organizationId, ...variables }, admin);

    it('walks every member exactly once, in creation order, with a stable cursor', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const result = await page({ first: 3, after });
        expect(result.errors).toBeUndefined();
        const members = result.data!.organization!.members!;
        expect(members.totalCount).toBe(8);
        seen.push(...members.edges.map((e) => e.node.user.email));
        pages++;
        if (!members.pageInfo.hasNextPage) break;
        after = members.pageInfo.endCursor ?? null;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual([admin.email, ...people.map((p) => p.email)]);
    });

    it('defaults to 50 and accepts 1 and 100', async () => {
      expect((await page({})).data?.organization?.members?.edges).toHaveLength(8);
      expect((await page({ first: 1 })).data?.organization?.members?.edges).toHaveLength(1);
      expect((await page({ first: 100 })).data?.organization?.members?.edges).toHaveLength(8);
    });

    it('filters by role, and totalCount counts the filtered set', async () => {
      const admins = (await page({ role: 'ADMIN' })).data!.organization!.members!;
      expect(admins.totalCount).toBe(1);
      expect(admins.edges.map((e) => e.node.user.email)).toEqual([admin.email]);
      const accounting = (await page({ role: 'ACCOUNTING' })).data!.organization!.members!;
      expect(accounting.edges.map((e) => e.node.user.email)).toEqual([people[3].email]);
    });

    it('searches email and display name, case-insensitively, as a substring', async () => {
      const odd = (await page({ query: 'ODD-' })).data!.organization!.members!;
      expect(odd.totalCount).toBe(3);
      expect(odd.edges.map((e) => e.node.user.email)).toEqual([people[1], people[3], people[5]].map((p) => p.email));
      const byName = (await page({ query: people[4].name.toUpperCase() })).data!.organization!.members!;
      expect(byName.edges.map((e) => e.node.user.email)).toEqual([people[4].email]);
      const combined = (await page({ query: 'odd', role: 'ACCOUNTING' })).data!.organization!.members!;
      expect(combined.totalCount).toBe(1);
    });

    it('treats LIKE wildcards in the search as plain characters', async () => {
      expect((await page({ query: '%' })).data!.organization!.members!.totalCount).toBe(0);
      expect((await page({ query: '_' })).data!.organization!.members!.totalCount).toBe(0);
    });

    it('refuses first 0 and 101 and a forged cursor with BAD_USER_INPUT', async () => {
      for (const variables of [{ first: 0 }, { first: 101 }, { first: -5 }, { after: 'not-a-cursor' }]) {
        const result = await page(variables);
        expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.data?.organization?.members).toBeNull();
      }
    });

    it('me.organizations pages too', async () => {
      const person = await h.person('multi');
      const ids: string[] = [];
      for (const name of ['One', 'Two', 'Three']) ids.push((await createOrganization(h, person, name)).id);
      const first = await h.run(MyOrganizationsDocument, { first: 2 }, person);
      const connection = first.data!.me!.organizations!;
      expect(connection.totalCount).toBe(3);
      expect(connection.edges.map((e) => e.node.id)).toEqual(ids.slice(0, 2));
      expect(connection.pageInfo.hasNextPage).toBe(true);
      const second = await h.run(MyOrganizationsDocument, { first: 2, after: connection.pageInfo.endCursor }, person);
      expect(second.data!.me!.organizations!.edges.map((e) => e.node.id)).toEqual([ids[2]]);
      expect(second.data!.me!.organizations!.pageInfo.hasNextPage).toBe(false);
    });
  });

  it('Workspace.members lists workspace memberships only, with their workspace', async () => {
    const world = await createWorld(h);
    const result = await h.run(WorkspaceMembersDocument, { id: world.w1.id }, world.people.wsMember);
    const members = result.data!.workspace!.members!;
    expect(members.nodes.map((n) => n.user.email).sort()).toEqual(
      [world.people.wsAdmin.email, world.people.wsMember.email].sort(),
    );
    expect(members.nodes.every((n) => n.scope === 'WORKSPACE' && n.workspace?.id === world.w1.id)).toBe(true);
  });
});
