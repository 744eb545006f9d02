import { randomUUID } from 'node:crypto';
import { Role, ScopeKind } from '../../src/domain/enums';
import {
  DomainMembersDocument,
  EntitiesDocument,
  MeTreeDocument,
  OrganizationMembersDocument,
  OrganizationMembersScreenDocument,
  OrganizationTreeMembersDocument,
  WorkspaceMembersScreenDocument,
  WorkspaceWithMembersDocument,
} from '../generated/graphql';
import { addMember, createDomain, createOrganization, createWorkspace, type World } from '../support/factories';
import { errorCodes, TEST_JWT_SECRET, type Person } from '../support/harness';
import { seedOrganization } from '../../bench/dataset';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { describeOnEachDatabase, useHarness, useWorld } from '../support/each-database';

/**
 * SQL statements per request must not grow with the data (no N+1). Each figure is measured,
 * then compared across sizes; the absolute ceilings are the performance issue's goals.
 */
describeOnEachDatabase('round trips', (kind) => {
  const h = useHarness(kind);
  const world = useWorld(h);

  async function statements(
    who: Person,
    run: () => Promise<{ errors?: readonly { extensions?: Record<string, unknown> }[] }>,
    allowed: string[] = [],
  ) {
    await run(); // the first request of a person also writes their user record
    const { result, statements, queries } = await h.statements.during(run);
    // Only the errors the case expects (NOT_FOUND for the references the caller may not see).
    for (const error of result.errors ?? []) expect(allowed).toContain(error.extensions?.code);
    return { statements, queries };
  }

  describe('_entities costs one statement per entity type, whatever the list length', () => {
    const representations = (typename: string, known: string[], length: number) =>
      Array.from({ length }, (_, i) => ({ __typename: typename, id: i < known.length ? known[i] : randomUUID() }));

    it.each([
      ['Organization', (w: World) => [w.organization.id, w.otherOrganization.id]],
      ['Workspace', (w: World) => [w.w1.id, w.w2.id]],
      ['Domain', (w: World) => [w.d1.id, w.d1b.id, w.d2.id]],
      ['User', (w: World) => [w.people.orgAdmin.sub, w.people.wsMember.sub, w.people.outsider.sub]],
    ] as const)('%s', async (typename, known) => {
      const who = world.people.wsMember;
      const counts: number[] = [];
      for (const length of [1, 10, 100]) {
        const reps = representations(typename, known(world), length);
        const run = () => h.run(EntitiesDocument, { representations: reps }, who);
        counts.push((await statements(who, run, ['NOT_FOUND'])).statements);
        const result = await run();
        const entities = result.data!._entities as ({ id: string } | null)[];
        expect(entities).toHaveLength(length);
        // In the order asked; null where missing or not visible, with NOT_FOUND at its index.
        entities.forEach((entity, i) => expect(entity === null || entity.id === reps[i].id).toBe(true));
        const missing = entities.flatMap((entity, i) => (entity === null ? [i] : []));
        const places = (result.errors ?? []).map((e) => e.path?.[1] as number).sort((a, b) => a - b);
        expect(places).toEqual(missing);
        expect((result.errors ?? []).every((e) => e.path?.[0] === '_entities')).toBe(true);
      }
      // One reference may be answered from what the viewer's memberships brought along; from
      // there on, the count does not grow with the list.
      expect(counts[0]).toBeLessThanOrEqual(counts[1]);
      expect(counts[2]).toBe(counts[1]);
      expect(counts[2]).toBeLessThanOrEqual(3);
    });

    it('a mixed list costs at most one statement per type, plus the viewer’s memberships', async () => {
      const reps = [
        { __typename: 'Organization', id: world.organization.id },
        { __typename: 'Workspace', id: world.w1.id },
        { __typename: 'Domain', id: world.d1.id },
        { __typename: 'Domain', id: world.d1b.id },
        { __typename: 'User', id: world.people.orgAdmin.sub },
      ];
      const { statements: n } = await statements(world.people.orgAdmin, () =>
        h.run(EntitiesDocument, { representations: reps }, world.people.orgAdmin),
      );
      // viewer memberships, organizations, workspaces, domains, the user's memberships, users
      expect(n).toBeLessThanOrEqual(6);
    });
  });

  it('me { organizations { workspaces { domains { members } } } } costs the same for a large and a larger tree', async () => {
    const small = await h.person('small-tree');
    const medium = await h.person('medium-tree');
    const large = await h.person('large-tree');
    const build = async (who: Person, organizations: number, workspaces: number, domains: number) => {
      for (let o = 0; o < organizations; o++) {
        const org = await createOrganization(h, who, `Org ${o}`);
        for (let w = 0; w < workspaces; w++) {
          const ws = await createWorkspace(h, who, org.id, `WS ${w}`);
          for (let d = 0; d < domains; d++) {
            const domain = await createDomain(h, who, ws.id, `d${d}.w${w}.o${o}.example.com`);
            const member = await h.person('tree-member');
            const scope = {
              kind: ScopeKind.DOMAIN,
              organizationId: org.id,
              workspaceId: ws.id,
              domainId: domain.id,
            } as const;
            await addMember(h, member, scope, Role.MEMBER);
          }
        }
      }
    };
    await build(small, 1, 1, 1);
    await build(medium, 2, 2, 3);
    await build(large, 3, 3, 3);
    const smallCost = await statements(small, () => h.run(MeTreeDocument, {}, small));
    const mediumCost = await statements(medium, () => h.run(MeTreeDocument, {}, medium));
    const largeCost = await statements(large, () => h.run(MeTreeDocument, {}, large));
    const tree = (await h.run(MeTreeDocument, {}, large)).data!.me!.organizations!.nodes;
    expect(tree.flatMap((o) => o.workspaces.flatMap((w) => w.domains))).toHaveLength(27);
    // The viewer's memberships (with their organizations); the workspaces with their domains; the
    // members lists — up to 8 scopes a branch each, past that their sizes and the small ones
    // ranked together in one statement — whatever the number of scopes.
    expect(mediumCost.statements).toBe(smallCost.statements);
    expect(largeCost.statements).toBe(mediumCost.statements);
    expect(largeCost.statements).toBe(3);
  });

  it('a tree reads its domains’ members pages ahead, as each domain would answer alone', async () => {
    const domainIds = [world.d1.id, world.d1b.id, world.d2.id];
    for (const [i, id] of domainIds.entries()) {
      const scope = {
        kind: ScopeKind.DOMAIN,
        organizationId: world.organization.id,
        workspaceId: i < 2 ? world.w1.id : world.w2.id,
        domainId: id,
      } as const;
      await addMember(h, await h.person('ahead-admin'), scope, Role.ADMIN);
      await addMember(h, await h.person('ahead-member'), scope, Role.MEMBER);
    }
    const alone = async (who: Person, id: string, first: number, role: Role | null) => {
      const result = await h.run(DomainMembersDocument, { id, first, role }, who);
      const members = result.data?.domain?.members;
      return members ? { totalCount: members.totalCount, ids: members.nodes.map((n) => n.user.id) } : null;
    };
    for (const who of [world.people.orgAdmin, world.people.wsMember, world.people.domainAdmin]) {
      for (const [first, role] of [
        [1, null],
        [3, null],
        [2, Role.ADMIN],
      ] as const) {
        const run = () => h.run(OrganizationTreeMembersDocument, { id: world.organization.id, first, role }, who);
        const { statements: n } = await statements(who, run);
        const tree = (await run()).data!.organization!.workspaces.flatMap((w) => w.domains);
        expect(tree.length).toBeGreaterThan(0);
        for (const domain of tree) {
          const members = domain.members && {
            totalCount: domain.members.totalCount,
            ids: domain.members.nodes.map((m) => m.user.id),
          };
          expect(members).toEqual(await alone(who, domain.id, first, role));
        }
        // The viewer's memberships, the workspaces with their domains, every members page.
        expect(n).toBeLessThanOrEqual(3);
      }
    }
    // Arguments the field refuses: each members field says so; the tree above it is answered.
    const refused = await h.run(
      OrganizationTreeMembersDocument,
      { id: world.organization.id, first: 0 },
      world.people.orgAdmin,
    );
    const domains = refused.data!.organization!.workspaces.flatMap((w) => w.domains);
    expect(domains.length).toBeGreaterThanOrEqual(3);
    expect(domains.every((d) => d.members === null)).toBe(true);
    expect(errorCodes(refused)).toEqual(domains.map(() => 'BAD_USER_INPUT'));
    expect(refused.errors!.every((e) => e.path?.at(-1) === 'members')).toBe(true);
  });

  it('a members page costs the same for 3 members and for 60, and on page 2', async () => {
    const owner = await h.person('pages');
    const few = await createOrganization(h, owner, 'Few');
    const many = await createOrganization(h, owner, 'Many');
    for (let i = 0; i < 2; i++)
      await addMember(h, await h.person('few'), { kind: ScopeKind.ORGANIZATION, organizationId: few.id }, Role.MEMBER);
    for (let i = 0; i < 59; i++)
      await addMember(
        h,
        await h.person('many'),
        { kind: ScopeKind.ORGANIZATION, organizationId: many.id },
        Role.MEMBER,
      );
    const page = (id: string, after?: string | null) => () =>
      h.run(OrganizationMembersDocument, { id, first: 20, after }, owner);
    const fewCost = await statements(owner, page(few.id));
    const manyCost = await statements(owner, page(many.id));
    const second = (await page(many.id)()).data!.organization!.members!.pageInfo.endCursor;
    const secondCost = await statements(owner, page(many.id, second));
    expect(manyCost.statements).toBe(fewCost.statements);
    expect(secondCost.statements).toBe(fewCost.statements);
    // The viewer's memberships (with their organizations) and the page with its users and total,
    // in one statement: the operation's first need, read with the access it is decided by.
    expect(manyCost.statements).toBe(1);
    expect(manyCost.queries[0]).toMatch(/UNION ALL/);
  });

  it('a members page read with the viewer’s access answers exactly as one read after it, allowed or refused', async () => {
    const owner = await h.person('ahead-owner');
    const organization = await createOrganization(h, owner, 'Ahead');
    const member = await h.person('ahead-member');
    await addMember(h, member, { kind: ScopeKind.ORGANIZATION, organizationId: organization.id }, Role.MEMBER);
    const outsider = await h.person('ahead-outsider');
    const variables = { id: organization.id, first: 5 };
    // Without the operation, the scope reads the memberships alone and the page when the field asks.
    const plain = async (who: Person) => {
      const contextValue = await h.app.contextFor(`Bearer ${who.token}`);
      const response = await h.app.apollo.executeOperation(
        { query: OrganizationMembersDocument as never, variables },
        { contextValue },
      );
      return response.body.kind === 'single' ? response.body.singleResult : null;
    };
    for (const who of [owner, member, outsider]) {
      const ahead = await h.run(OrganizationMembersDocument, variables, who);
      const after = await plain(who);
      expect({ data: ahead.data, errors: ahead.errors }).toEqual({ data: after?.data, errors: after?.errors });
    }
    const refused = await h.statements.during(() => h.run(OrganizationMembersDocument, variables, outsider));
    expect(refused.result.data?.organization ?? null).toBeNull();
    expect(refused.result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // The page was read (in the same statement as the outsider's memberships), and never answered.
    expect(refused.queries[0]).toMatch(/UNION ALL/);
    expect(JSON.stringify(refused.result)).not.toContain(member.email);
  });

  it('a members screen page (viewerCan, effectiveRole, accessSources) costs the same for 3 rows and 100', async () => {
    const owner = await h.person('screen');
    const costs: number[] = [];
    for (const size of [3, 100]) {
      const organization = await createOrganization(h, owner, `Screen ${size}`);
      const workspace = await createWorkspace(h, owner, organization.id, 'Screen');
      const ws = { kind: ScopeKind.WORKSPACE, organizationId: organization.id, workspaceId: workspace.id } as const;
      for (let i = 1; i < size; i++) await addMember(h, await h.person('row'), ws, i % 3 ? Role.MEMBER : Role.ADMIN);
      for (const run of [
        () =>
          h.run(
            OrganizationMembersScreenDocument,
            { id: organization.id, first: 100, orderBy: { field: 'NAME', direction: 'ASC' } },
            owner,
          ),
        () => h.run(WorkspaceMembersScreenDocument, { id: workspace.id, first: 100 }, owner),
      ]) {
        const rows = (await run()).data;
        expect(rows).toBeTruthy();
        costs.push((await statements(owner, run)).statements);
      }
    }
    expect(costs.slice(2)).toEqual(costs.slice(0, 2));
    // The viewer's memberships, the page, the rows' people's memberships, the organization's ADMINs.
    expect(Math.max(...costs)).toBeLessThanOrEqual(4);
  });

  it('a workspace with its domains and members costs the same in an organization of 10 and of 1 000', async () => {
    const costs: number[] = [];
    for (const size of [10, 1_000]) {
      const org = await seedOrganization(h.database.db, size, `rt${size}-${kind}`);
      const token = await signDevelopmentToken(TEST_JWT_SECRET, {
        sub: org.adminSub,
        email: `m0-rt${size}-${kind}@bench.example`,
        name: 'Admin',
      });
      const admin: Person = { sub: org.adminSub, email: `m0-rt${size}-${kind}@bench.example`, name: 'Admin', token };
      const run = () => h.run(WorkspaceWithMembersDocument, { id: org.workspaceId }, admin);
      costs.push((await statements(admin, run)).statements);
      expect((await run()).data?.workspace?.domains).toHaveLength(5);
    }
    expect(costs[1]).toBe(costs[0]);
    expect(costs[0]).toBeLessThanOrEqual(4);
  });
});
