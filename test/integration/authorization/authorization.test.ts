import { Role, ScopeKind } from '../../../src/domain/enums';
import { describeOnEachDatabase } from '../../support/each-database';
import { type Harness, type Person } from '../../support/harness';
import { listen } from '../../support/http';
import { SERVICE_TOKEN, useAuthorizationServer } from './authorization-support';

/** docs/authorization.md: the permission keys, built-in and declared, and the checks other services ask for. */
describeOnEachDatabase('authorization for the supergraph', (kind) => {
  const { h, world, post } = useAuthorizationServer(kind);

  it('lists every key, built-in and declared, with its scope kinds', async () => {
    const result = await h.run('{ permissions { key description scopes builtIn } }', {}, world.people.orgMember);
    const keys = (result.data as any).permissions as { key: string; scopes: string[]; builtIn: boolean }[];
    expect(keys.find((k) => k.key === 'READ_BILLING')).toMatchObject({
      builtIn: true,
      scopes: ['ORGANIZATION', 'WORKSPACE'],
    });
    expect(keys.find((k) => k.key === 'invoices:read')).toMatchObject({
      builtIn: false,
      scopes: ['ORGANIZATION', 'WORKSPACE'],
      description: 'Read invoices',
    });
    expect(keys.filter((k) => !k.builtIn).map((k) => k.key)).toEqual(['invoices:read', 'sites:deploy', 'sites:read']);
    const anonymous = await h.run('{ permissions { key } }', {}, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('gives declared keys by role and inheritance, as the built-in ones (viewerPermissionKeys, explainAccess)', async () => {
    const query = `query($id: ID!) { workspace(id: $id) { viewerPermissionKeys } }`;
    const keysOf = async (who: Person) =>
      ((await h.run(query, { id: world.w1.id }, who)).data as any)?.workspace?.viewerPermissionKeys as string[];
    // Organization ACCOUNTING holds invoices:read on every workspace, as it holds READ_BILLING.
    expect(await keysOf(world.people.orgAccounting)).toEqual([
      'READ',
      'READ_BILLING',
      'UPDATE_BILLING',
      'invoices:read',
    ]);
    expect(await keysOf(world.people.orgAdmin)).toEqual(expect.arrayContaining(['invoices:read', 'sites:deploy']));
    // Declared for ADMIN at WORKSPACE: a workspace's own ADMIN holds it too (unlike READ_BILLING, which §2 gives
    // only through organization ADMIN).
    expect(await keysOf(world.people.wsAdmin)).toEqual(expect.arrayContaining(['sites:deploy', 'invoices:read']));
    expect(await keysOf(world.people.wsMember)).toEqual(['READ', 'READ_MEMBERS']);
    // A workspace MEMBER holds sites:read (declared for MEMBER at DOMAIN) on the workspace's domains.
    const domain = await h.run(
      `query($id: ID!) { domain(id: $id) { viewerPermissionKeys } }`,
      { id: world.d1b.id },
      world.people.wsMember,
    );
    expect((domain.data as any).domain.viewerPermissionKeys).toEqual(['READ', 'READ_MEMBERS', 'sites:read']);
    const explained = await h.run(
      `query($userId: ID!, $scope: ScopeInput!) { explainAccess(userId: $userId, scope: $scope) { permissionKeys } }`,
      { userId: world.people.orgAccounting.sub, scope: { workspaceId: world.w2.id } },
      world.people.orgAdmin,
    );
    expect((explained.data as any).explainAccess.permissionKeys).toContain('invoices:read');
  });

  it('checks for services: in order, with the role there, behind a service token', async () => {
    const checks = [
      { userId: world.people.orgAccounting.sub, permission: 'invoices:read', scope: { workspaceId: world.w2.id } },
      { userId: world.people.wsMember.sub, permission: 'invoices:read', scope: { workspaceId: world.w1.id } },
      { userId: world.people.wsAdmin.sub, permission: 'sites:deploy', scope: { domainId: world.d1b.id } },
      { userId: world.people.wsAdmin.sub, permission: 'MANAGE_MEMBERS', scope: { workspaceId: world.w1.id } },
      // An id of the wrong kind, and one naming nothing.
      { userId: world.people.orgAdmin.sub, permission: 'READ', scope: { domainId: world.w1.id } },
      { userId: world.people.orgAdmin.sub, permission: 'READ', scope: { organizationId: 'no-such-organization' } },
      { userId: 'nobody', permission: 'READ', scope: { organizationId: world.organization.id } },
    ];
    const auth = { authorization: `Bearer ${SERVICE_TOKEN}` };
    const answer = await post('/authorization/check', { checks }, auth);
    expect(answer).toEqual({
      status: 200,
      body: {
        results: [
          { allowed: true, role: Role.ACCOUNTING, customRole: null },
          { allowed: false, role: Role.MEMBER, customRole: null },
          { allowed: true, role: Role.ADMIN, customRole: null },
          { allowed: true, role: Role.ADMIN, customRole: null },
          { allowed: false, role: null, customRole: null },
          { allowed: false, role: null, customRole: null },
          { allowed: false, role: null, customRole: null },
        ],
      },
    });
    expect((await post('/authorization/check', { checks })).status).toBe(401);
    expect(
      (await post('/authorization/check', { checks }, { authorization: `Bearer ${world.people.orgAdmin.token}` }))
        .status,
    ).toBe(401);
    const malformed: unknown[] = [
      {},
      { checks: 'x' },
      { checks: [{ userId: 'u', permission: 'READ' }] },
      { checks: [{ userId: 'u', permission: 'Not A Key', scope: { organizationId: 'o' } }] },
      { checks: [{ userId: 'u', permission: 'READ', scope: { organizationId: 'o', workspaceId: 'w' } }] },
      { checks: Array.from({ length: 101 }, () => checks[0]) },
      'not json',
    ];
    for (const body of malformed) {
      const refused = await post('/authorization/check', body, auth);
      expect({ body, status: refused.status, code: refused.body.errors?.[0]?.extensions?.code }).toEqual({
        body,
        status: 400,
        code: 'BAD_USER_INPUT',
      });
    }
    const { statements } = await h.statements.during(() =>
      post('/authorization/check', { checks: Array.from({ length: 100 }, (_, i) => checks[i % checks.length]) }, auth),
    );
    expect(statements).toBe(1);
  });

  it('pages through the scopes where the caller holds a key (accessibleScopes)', async () => {
    const query = `query($permission: String!, $kind: ScopeKind!, $first: Int, $after: String) {
      accessibleScopes(permission: $permission, kind: $kind, first: $first, after: $after) {
        edges { cursor node { kind id name organizationId } } pageInfo { hasNextPage endCursor } } }`;
    const page = async (who: Person, permission: string, kind: ScopeKind, first = 50, after: string | null = null) =>
      (await h.run(query, { permission, kind, first, after }, who)).data as any;
    const ids = (data: any) => data.accessibleScopes.edges.map((e: any) => e.node.id);
    expect(ids(await page(world.people.orgAccounting, 'invoices:read', ScopeKind.WORKSPACE))).toEqual([
      world.w1.id,
      world.w2.id,
    ]);
    expect(ids(await page(world.people.wsMember, 'invoices:read', ScopeKind.WORKSPACE))).toEqual([]);
    expect(ids(await page(world.people.wsAdmin, 'sites:deploy', ScopeKind.DOMAIN))).toEqual([
      world.d1.id,
      world.d1b.id,
    ]);
    const first = await page(world.people.orgAdmin, 'sites:deploy', ScopeKind.DOMAIN, 2);
    expect(first.accessibleScopes.pageInfo.hasNextPage).toBe(true);
    const second = await page(
      world.people.orgAdmin,
      'sites:deploy',
      ScopeKind.DOMAIN,
      2,
      first.accessibleScopes.pageInfo.endCursor,
    );
    expect([...ids(first), ...ids(second)]).toEqual([world.d1.id, world.d1b.id, world.d2.id]);
    expect(second.accessibleScopes.pageInfo.hasNextPage).toBe(false);
    expect(first.accessibleScopes.edges[0].node).toEqual({
      kind: 'DOMAIN',
      id: world.d1.id,
      name: 'd1.example.com',
      organizationId: world.organization.id,
    });
    const bad = await h.run(query, { permission: 'Not a key', kind: 'WORKSPACE' }, world.people.orgAdmin);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('without AUTHZ_SERVICE_TOKENS', () => {
  let h: Harness;
  beforeAll(async () => {
    const { createHarness } = await import('../../support/harness');
    h = await createHarness('sqlite');
  });
  afterAll(() => h.close());
  it('has no check endpoint (404, JSON)', async () => {
    const base = (await listen(h.app)).url.replace(/\/graphql$/, '');
    const response = await fetch(`${base}/authorization/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_TOKEN}` },
      body: JSON.stringify({ checks: [] }),
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
  });
});
