import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { describeOnEachDatabase, useHarness, useWorld } from '../../support/each-database';
import { addMember } from '../../support/factories';
import { type Harness, type Person, TEST_JWT_SECRET } from '../../support/harness';
import { listen } from '../../support/http';

/** The declarations a billing and a sites subgraph would make (docs/authorization.md's example). */
const DECLARATIONS = [
  {
    key: 'invoices:read',
    description: 'Read invoices',
    scopes: ['ORGANIZATION', 'WORKSPACE'],
    roles: ['ADMIN', 'ACCOUNTING'],
  },
  { key: 'sites:deploy', description: 'Deploy a site', scopes: ['WORKSPACE', 'DOMAIN'], roles: ['ADMIN'] },
  { key: 'sites:read', scopes: ['DOMAIN'], roles: ['MEMBER', 'ADMIN'] },
];
const folder = mkdtempSync(join(tmpdir(), 'permissions-'));
const PERMISSIONS_FILE = join(folder, 'permissions.json');
writeFileSync(PERMISSIONS_FILE, JSON.stringify(DECLARATIONS));
const SERVICE_TOKEN = 'service-token-0123456789abcdef';

/** A request body as Apollo Router's coprocessor sends it at the SupergraphRequest stage. */
function apolloBody(policies: string[], variables: Record<string, unknown>, token: string | null) {
  return {
    version: 1,
    stage: 'SupergraphRequest',
    control: 'continue',
    id: '1b19c05fdafc521016df33148ad63c1b',
    headers: {
      'content-type': ['application/json'],
      ...(token ? { authorization: [`Bearer ${token}`] } : {}),
    },
    body: { query: 'query Invoices($workspaceId: ID!) { invoices(workspaceId: $workspaceId) { id } }', variables },
    context: {
      entries: {
        'apollo::authorization::required_policies': Object.fromEntries(policies.map((p) => [p, null])),
        'apollo::supergraph::operation_kind': 'query',
      },
    },
    method: 'POST',
  };
}

/** The same for Hive Router's graphql.analysis stage. */
function hiveBody(policies: string[], variables: Record<string, unknown>, token: string | null) {
  return {
    version: 1,
    stage: 'graphql.analysis',
    control: 'continue',
    id: 'd7d3b8a4-7f5c-4e1f-9b0e-8a2b3c4d5e6f',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: { query: 'query Invoices($workspaceId: ID!) { invoices(workspaceId: $workspaceId) { id } }', variables },
    context: { 'hive::authorization::required_policies': Object.fromEntries(policies.map((p) => [p, null])) },
  };
}

describeOnEachDatabase('authorization for the supergraph', (kind) => {
  const h = useHarness(kind, { PERMISSIONS_FILE, AUTHZ_SERVICE_TOKENS: `other-service-token-000000,${SERVICE_TOKEN}` });
  const world = useWorld(h);
  let base = '';
  beforeAll(async () => {
    base = (await listen(h.app)).url.replace(/\/graphql$/, '');
  });

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any = text;
    try {
      json = JSON.parse(text);
    } catch {
      // left as text: the assertion shows it
    }
    return { status: response.status, body: json };
  }

  async function decide(who: Person | null, policies: string[], variables: Record<string, unknown> = {}) {
    const answer = await post('/authorization/policies', apolloBody(policies, variables, who?.token ?? null));
    expect(answer.status).toBe(200);
    return answer.body.context.entries['apollo::authorization::required_policies'] as Record<string, boolean>;
  }

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

  it('decides Apollo Router policies: KEY, KEY@variable, lists, unknown ids and names, and answers the same JSON', async () => {
    const { w1, w2, d1, organization, otherOrganization } = world;
    const sent = apolloBody(['invoices:read@workspaceId'], { workspaceId: w1.id }, world.people.orgAccounting.token);
    const answer = await post('/authorization/policies', sent);
    expect(answer.status).toBe(200);
    // The same JSON back, every policy decided.
    expect(answer.body).toEqual({
      ...sent,
      context: {
        entries: {
          ...sent.context.entries,
          'apollo::authorization::required_policies': { 'invoices:read@workspaceId': true },
        },
      },
    });

    const acc = world.people.orgAccounting;
    expect(
      await decide(
        acc,
        [
          'invoices:read',
          'invoices:read@ids',
          'invoices:read@organizationId',
          'invoices:read@otherId',
          'invoices:read@domainId',
          'invoices:read@missing',
          'sites:deploy',
          'READ_BILLING@workspaceId',
          'not a policy',
          'unknown:key@workspaceId',
        ],
        {
          workspaceId: w2.id,
          ids: [w1.id, w2.id],
          organizationId: organization.id,
          otherId: otherOrganization.id,
          domainId: d1.id,
        },
      ),
    ).toEqual({
      'invoices:read': true,
      'invoices:read@ids': true,
      'invoices:read@organizationId': true,
      'invoices:read@otherId': false,
      // invoices:read is not declared at DOMAIN.
      'invoices:read@domainId': false,
      'invoices:read@missing': false,
      'sites:deploy': false,
      'READ_BILLING@workspaceId': true,
      'not a policy': false,
      'unknown:key@workspaceId': false,
    });
    // A workspace MEMBER elsewhere: nothing of billing; the domain members' key on their domains only.
    expect(
      await decide(
        world.people.wsMember,
        ['invoices:read@workspaceId', 'invoices:read', 'sites:read@domainId', 'sites:read@other'],
        {
          workspaceId: w1.id,
          domainId: d1.id,
          other: world.d2.id,
        },
      ),
    ).toEqual({
      'invoices:read@workspaceId': false,
      'invoices:read': false,
      'sites:read@domainId': true,
      'sites:read@other': false,
    });
    // A list must be held in every one of its scopes.
    expect(await decide(world.people.wsAdmin, ['sites:deploy@ids'], { ids: [w1.id, w2.id] })).toEqual({
      'sites:deploy@ids': false,
    });
    expect(await decide(world.people.wsAdmin, ['sites:deploy@ids'], { ids: [w1.id] })).toEqual({
      'sites:deploy@ids': true,
    });
  });

  it('decides false for every policy without valid credentials, and for a token that has expired', async () => {
    const policies = ['invoices:read', 'READ@organizationId'];
    const variables = { organizationId: world.organization.id };
    expect(await decide(null, policies, variables)).toEqual({ 'invoices:read': false, 'READ@organizationId': false });
    const forged = { ...world.people.orgAdmin, token: `${world.people.orgAdmin.token.slice(0, -4)}AAAA` };
    expect(await decide(forged, policies, variables)).toEqual({ 'invoices:read': false, 'READ@organizationId': false });
    const now = Math.floor(h.config.clock.now().getTime() / 1000);
    const expired = await signDevelopmentToken(TEST_JWT_SECRET, {
      sub: world.people.orgAdmin.sub,
      email: world.people.orgAdmin.email,
      emailVerified: true,
      issuedAt: new Date((now - 7200) * 1000),
      ttlSeconds: 3600,
    });
    expect(await decide({ ...world.people.orgAdmin, token: expired }, policies, variables)).toEqual({
      'invoices:read': false,
      'READ@organizationId': false,
    });
  });

  it('answers the routers’ documented request bodies (test/fixtures/coprocessor) with their documented answers', async () => {
    const fixture = (name: string) =>
      JSON.parse(readFileSync(join(__dirname, '../../fixtures/coprocessor', name), 'utf8'));
    const token = world.people.orgAccounting.token;
    const apollo = fixture('apollo-supergraph-request.json');
    apollo.headers.authorization = [`Bearer ${token}`];
    apollo.body.variables.workspaceId = world.w1.id;
    const apolloExpected = fixture('apollo-supergraph-response.json');
    const apolloAnswer = await post('/authorization/policies', apollo);
    expect(apolloAnswer.status).toBe(200);
    expect(Object.keys(apolloAnswer.body).sort()).toEqual(Object.keys(apolloExpected).sort());
    expect(apolloAnswer.body.context.entries).toEqual({
      ...apolloExpected.context.entries,
      'apollo::authorization::required_policies': { 'invoices:read@workspaceId': true },
    });
    expect({ ...apolloAnswer.body, context: null, headers: null, body: null }).toEqual({
      ...apolloExpected,
      context: null,
      headers: null,
      body: null,
    });

    const hive = fixture('hive-graphql-analysis-request.json');
    hive.headers.authorization = [`Bearer ${world.people.wsMember.token}`];
    hive.body.variables.workspaceId = world.w1.id;
    const hiveAnswer = await post('/authorization/policies', hive);
    expect(hiveAnswer).toEqual({ status: 200, body: fixture('hive-graphql-analysis-response.json') });
  });

  it('speaks Hive Router’s graphql.analysis stage and the plain shape of a gateway hook', async () => {
    const hive = await post(
      '/authorization/policies',
      hiveBody(
        ['invoices:read@workspaceId', 'sites:deploy'],
        { workspaceId: world.w1.id },
        world.people.orgAccounting.token,
      ),
    );
    expect(hive.status).toBe(200);
    expect(hive.body).toMatchObject({
      version: 1,
      control: 'continue',
      context: {
        'hive::authorization::required_policies': { 'invoices:read@workspaceId': true, 'sites:deploy': false },
      },
    });
    const plain = await post(
      '/authorization/policies',
      { policies: ['invoices:read@workspaceId'], variables: { workspaceId: world.w2.id } },
      { authorization: `Bearer ${world.people.wsMember.token}` },
    );
    expect(plain).toEqual({ status: 200, body: { policies: { 'invoices:read@workspaceId': false } } });
  });

  it('answers a body that is not the protocol’s JSON with 400 and never a decision of true', async () => {
    const token = world.people.orgAdmin.token;
    const bad: unknown[] = [
      'not json',
      '[]',
      { stage: 'SupergraphRequest', context: {} },
      { stage: 'SupergraphRequest', context: { entries: { 'apollo::authorization::required_policies': ['READ'] } } },
      { stage: 'graphql.analysis', context: { entries: {} } },
      { stage: 'RouterRequest', context: { entries: {} } },
      { policies: 'READ' },
      { policies: ['READ'], variables: [] },
      apolloBody(['READ'], {}, token).body && { ...apolloBody(['READ'], {}, token), body: { variables: 'x' } },
    ];
    for (const body of bad) {
      const answer = await post('/authorization/policies', body, { authorization: `Bearer ${token}` });
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.errors[0].extensions.code).toMatch(/BAD_USER_INPUT|GRAPHQL_PARSE_FAILED/);
      expect(JSON.stringify(answer.body)).not.toContain('true');
    }
  });

  it('reads the database once for all the decisions of a request, and a removal is denied on the very next one', async () => {
    const person = await h.person('billing-clerk');
    const scope = { kind: ScopeKind.ORGANIZATION, organizationId: world.organization.id } as const;
    await addMember(h, person, scope, Role.ACCOUNTING);
    const policies = Array.from({ length: 10 }, (_, i) => (i % 2 ? `invoices:read@w${i}` : 'invoices:read'));
    const variables = Object.fromEntries(
      policies.map((_, i) => [`w${i}`, i % 3 ? world.w1.id : [world.w1.id, world.w2.id]]),
    );
    // Settle what signing in started in the background (it reads the person's memberships once).
    await decide(person, ['READ']);
    const { result, statements, queries } = await h.statements.during(() => decide(person, policies, variables));
    expect(Object.values(result).every(Boolean)).toBe(true);
    expect({ statements, queries }).toEqual({ statements: 1, queries: [expect.stringContaining('UNION ALL')] });

    const members = await h.run(
      `query($id: ID!) { organization(id: $id) { members(first: 100) { nodes { id user { id } } } } }`,
      { id: world.organization.id },
      world.people.orgAdmin,
    );
    const member = (members.data as any).organization.members.nodes.find((m: any) => m.user.id === person.sub);
    const removed = await h.run(
      `mutation($id: ID!) { removeMember(memberId: $id) }`,
      { id: member.id },
      world.people.orgAdmin,
    );
    expect(removed.errors).toBeUndefined();
    expect(await decide(person, ['invoices:read@w'], { w: world.w1.id })).toEqual({ 'invoices:read@w': false });
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
