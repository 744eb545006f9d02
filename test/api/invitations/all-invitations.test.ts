import { RevokeInvitationDocument } from '../../generated/graphql';
import { createWorld, invite, type World } from '../../support/factories';
import { createHarness, errorCodes, type Harness, type Person } from '../../support/harness';
import { describeOnEachDatabase } from '../../support/each-database';

const ALL = `query($id: ID!, $first: Int, $after: String, $status: [InvitationStatus!], $query: String) {
  organization(id: $id) { allInvitations(first: $first, after: $after, status: $status, query: $query) {
    totalCount edges { cursor node { id email scope status } } pageInfo { hasNextPage endCursor } } } }`;

/** docs/domain-rules.md §10: every invitation of the organization tree that the caller may see, in one list. */
describeOnEachDatabase('Organization.allInvitations', (kind) => {
  let h: Harness;
  let world: World;
  let ids: Record<'org' | 'w1' | 'd1' | 'w2' | 'd2', string>;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    world = await createWorld(h);
    const admin = world.people.orgAdmin;
    const to = (label: string) => `${label}-${world.organization.id.slice(0, 8)}@example.test`;
    ids = {
      org: (await invite(h, admin, { organizationId: world.organization.id }, to('org'))).invitation.id,
      w1: (await invite(h, admin, { workspaceId: world.w1.id }, to('w1'))).invitation.id,
      d1: (await invite(h, admin, { domainId: world.d1.id }, to('d1'))).invitation.id,
      w2: (await invite(h, admin, { workspaceId: world.w2.id }, to('w2'))).invitation.id,
      d2: (await invite(h, admin, { domainId: world.d2.id }, to('d2'))).invitation.id,
    };
  });

  async function list(who: Person, variables: Record<string, unknown> = {}) {
    const result = await h.run(ALL as never, { id: world.organization.id, first: 100, ...variables }, who);
    return { result, connection: (result.data as any)?.organization?.allInvitations };
  }
  const seen = async (who: Person, variables = {}) =>
    (await list(who, variables)).connection.edges.map((e: any) => e.node.id).sort();
  const idsOf = (...keys: (keyof typeof ids)[]) => keys.map((k) => ids[k]).sort();

  it('shows each caller the invitations of the scopes where they may invite, and nothing else', async () => {
    expect(await seen(world.people.orgAdmin)).toEqual(idsOf('org', 'w1', 'd1', 'w2', 'd2'));
    expect(await seen(world.people.wsAdmin)).toEqual(idsOf('w1', 'd1'));
    expect(await seen(world.people.domainAdmin)).toEqual(idsOf('d1'));
    for (const persona of ['orgMember', 'orgAccounting', 'wsMember', 'domainMember'] as const) {
      const { result, connection } = await list(world.people[persona]);
      expect([persona, result.errors, connection.totalCount, connection.edges]).toEqual([persona, undefined, 0, []]);
    }
    const outsider = await list(world.people.outsider);
    expect(errorCodes(outsider.result)).toEqual(['NOT_FOUND']);
  });

  it('filters by effective status and by a part of the address, and counts what it filters', async () => {
    const admin = world.people.orgAdmin;
    expect(errorCodes(await h.run(RevokeInvitationDocument, { id: ids.w2 }, admin))).toEqual([]);
    await h.database.db.query('UPDATE invitations SET expires_at = ? WHERE id = ?', [
      '2020-01-01 00:00:00.000',
      ids.d2,
    ]);
    expect(await seen(admin, { status: ['REVOKED'] })).toEqual(idsOf('w2'));
    expect(await seen(admin, { status: ['EXPIRED'] })).toEqual(idsOf('d2'));
    expect(await seen(admin, { status: ['PENDING'] })).toEqual(idsOf('org', 'w1', 'd1'));
    expect(await seen(admin, { status: ['EXPIRED', 'REVOKED'] })).toEqual(idsOf('w2', 'd2'));
    expect(await seen(admin, { query: 'W1-' })).toEqual(idsOf('w1'));
    const { connection } = await list(admin, { status: ['PENDING'], query: 'example.test' });
    expect(connection.totalCount).toBe(3);
  });

  it('pages newest first with cursors that hold, and refuses a bad first or cursor', async () => {
    const admin = world.people.orgAdmin;
    const all = (await list(admin)).connection.edges.map((e: any) => e.node.id);
    const paged: string[] = [];
    let after: string | null = null;
    do {
      const page: any = (await list(admin, { first: 2, after })).connection;
      expect(page.totalCount).toBe(5);
      paged.push(...page.edges.map((e: any) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(paged).toEqual(all);
    expect(errorCodes((await list(admin, { first: 0 })).result)).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes((await list(admin, { after: 'nonsense' })).result)).toEqual(['BAD_USER_INPUT']);
  });
});
