import { BillingProfile } from '../../entities/billing.entity';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import { createWorld, invite, scopeInput, type World } from '../support/factories';
import { createHarness, type Harness } from '../support/harness';
import { listen, type Post } from '../support/http';

/**
 * What a hostile client tries first, against the production server over HTTP. Each attempt is
 * refused (docs/domain-rules.md §9: GRAPHQL_VALIDATION_FAILED, HTTP 400, nothing executes) or harmless; none
 * gets INTERNAL_SERVER_ERROR.
 */
describe('attack suite (production mode, over HTTP)', () => {
  let h: Harness;
  let world: World;
  let post: Post;
  let token: string;

  beforeAll(async () => {
    h = await createHarness('sqlite', { NODE_ENV: 'production' });
    world = await createWorld(h);
    ({ post } = await listen(h.app));
    token = world.people.orgAdmin.token;
  });
  afterAll(() => h.close());

  const codes = (body: any): string[] => (body?.errors ?? []).map((e: any) => e.extensions?.code);

  async function refused(query: string, expectedMessage: RegExp) {
    const response = await post({ query }, token);
    expect(response.status).toBe(400);
    expect(codes(response.body)).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(response.body.errors)).toMatch(expectedMessage);
    expect(response.body.data).toBeUndefined();
    return response;
  }

  it('a depth bomb', async () => {
    let selection = 'id';
    for (let i = 0; i < 6; i++) selection = `workspaces { organization { ${selection} } }`;
    await refused(`{ organization(id: "${world.organization.id}") { ${selection} } }`, /depth/i);
  });

  it('an alias flood', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ');
    await refused(`{ ${aliases} }`, /alias/i);
  });

  it('a directive flood', async () => {
    await refused(`{ me { id ${'@include(if: true) '.repeat(51)} } }`, /directive/i);
  });

  it('a huge token count', async () => {
    await refused(`{ me { ${'__typename '.repeat(1000)} } }`, /tokens/i);
  });

  it('a query whose cost is over the limit', async () => {
    const query = `{ me { organizations(first: 100) { nodes { workspaces { domains {
      members(first: 100) { nodes { user { email displayName } role createdAt } } } } } } } }`;
    await refused(query, /cost/i);
  });

  it('a cost hidden in variables counts too', async () => {
    const query =
      'query($n: Int) { me { organizations(first: $n) { nodes { members(first: $n) { nodes { user { email } } } } } } }';
    const cheap = await post({ query, variables: { n: 5 } }, token);
    expect(cheap.status).toBe(200);
    const dear = await post({ query, variables: { n: 100 } }, token);
    expect(dear.status).toBe(400);
    expect(codes(dear.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('a batched array of operations', async () => {
    const response = await post([{ query: '{ me { id } }' }, { query: '{ me { id } }' }], token);
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('a 200 kB body', async () => {
    const name = 'x'.repeat(200_000);
    const before = await h.database.db.getRepository(Organization).count();
    const response = await post(
      { query: 'mutation($n: String!) { createOrganization(input: { name: $n }) { id } }', variables: { n: name } },
      token,
    );
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await h.database.db.getRepository(Organization).count()).toBe(before);
  });

  it('a malformed JSON body', async () => {
    const response = await post('{"query": ', token);
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('a field-suggestion probe learns nothing', async () => {
    const response = await post({ query: '{ organizaton(id: "x") { id } }' }, token);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).not.toMatch(/did you mean/i);
    expect(JSON.stringify(response.body)).not.toContain('organization');
  });

  it('introspection is off in production, but the federation SDL is served', async () => {
    const introspection = await post({ query: '{ __schema { types { name } } }' }, token);
    expect(introspection.status).toBe(400);
    expect(codes(introspection.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const service = await post({ query: '{ _service { sdl } }' });
    expect(service.body.data._service.sdl).toContain('type Organization');
  });

  it('_entities with the ids of another organization resolves to nothing', async () => {
    const stranger = world.people.outsider;
    const representations = [
      { __typename: 'Organization', id: world.organization.id },
      { __typename: 'Workspace', id: world.w1.id },
      { __typename: 'Domain', id: world.d1.id },
      { __typename: 'User', id: world.people.orgAdmin.sub },
    ];
    const query = `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Organization { name billingProfile { vatNumber } members { totalCount } }
      ... on Workspace { name } ... on Domain { hostname } ... on User { email } } }`;
    const response = await post({ query, variables: { r: representations } }, stranger.token);
    expect(response.body.data._entities).toEqual([null, null, null, null]);
    // Each with NOT_FOUND at its place, as for an id that does not exist: the router can report it.
    const places = response.body.errors.map((e: { path: [string, number] }) => e.path.join('/')).sort();
    expect(places).toEqual(['_entities/0', '_entities/1', '_entities/2', '_entities/3']);
    expect(codes(response.body)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
  });

  it('errors carry a request id header, and no stack', async () => {
    const response = await post({ query: `{ organization(id: "${world.otherOrganization.id}") { name } }` }, token);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(codes(response.body)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(response.body)).not.toMatch(/stack|at \w+ \(/);
  });

  const HOSTILE = [
    "Robert'); DROP TABLE organizations;--",
    '" OR 1=1 --',
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '${7*7} {{7*7}}',
    '\\x00 \\u0000 %00',
    '🦄 Ünïcödé – ‮RTL',
    "'; SELECT SLEEP(5); --",
  ];

  it.each(HOSTILE)('text input %j is stored and returned verbatim, or refused as BAD_USER_INPUT', async (text) => {
    const admin = world.people.orgAdmin;
    const orgId = world.organization.id;
    const calls: [string, Record<string, unknown>, (data: any) => unknown, unknown][] = [
      [
        'mutation($v: String!) { createOrganization(input: { name: $v }) { name } }',
        { v: text },
        (d) => d.createOrganization.name,
        text.trim(),
      ],
      [
        `mutation($v: String!) { updateWorkspace(id: "${world.w2.id}", input: { name: $v }) { name } }`,
        { v: text },
        (d) => d.updateWorkspace.name,
        text.trim(),
      ],
      [
        `mutation($v: String) { updateBillingProfile(organizationId: "${orgId}", input: { legalName: $v, city: $v, addressLine1: $v }) { legalName city addressLine1 } }`,
        { v: text },
        (d) => d.updateBillingProfile.legalName,
        text.trim(),
      ],
      [
        `mutation($v: String) { updateWorkspaceBilling(workspaceId: "${world.w1.id}", input: { costCenter: $v }) { costCenter } }`,
        { v: text.slice(0, 60) },
        (d) => d.updateWorkspaceBilling.costCenter,
        text.slice(0, 60).trim(),
      ],
      [
        `mutation($v: String!) { createDomain(input: { workspaceId: "${world.w1.id}", hostname: $v }) { hostname } }`,
        { v: text },
        () => undefined,
        '',
      ],
      [
        'mutation($v: String!) { inviteMember(input: { scope: { organizationId: "' +
          orgId +
          '" }, email: $v }) { id } }',
        { v: text },
        () => undefined,
        '',
      ],
      [
        `query($v: String) { organization(id: "${orgId}") { members(query: $v) { totalCount } } }`,
        { v: text },
        (d) => d.organization.members.totalCount,
        0,
      ],
      [
        `query($v: String) { organization(id: "${orgId}") { members(after: $v) { totalCount } } }`,
        { v: text },
        () => undefined,
        '',
      ],
      ['query($v: String!) { invitationByToken(token: $v) { email } }', { v: text }, () => undefined, ''],
      ['query($v: ID!) { workspace(id: $v) { id } }', { v: text }, () => undefined, ''],
      ['mutation($v: ID!) { removeMember(memberId: $v) }', { v: text }, () => undefined, ''],
      ['mutation($v: String!) { acceptInvitation(input: { token: $v }) { id } }', { v: text }, () => undefined, ''],
    ];
    const members = () => h.database.db.getRepository(Membership).countBy({ organizationId: orgId });
    const membersBefore = await members();
    for (const [query, variables, pick, expected] of calls) {
      const response = await post({ query, variables }, admin.token);
      const errorCodes = codes(response.body);
      expect(errorCodes).not.toContain('INTERNAL_SERVER_ERROR');
      if (errorCodes.length === 0 && expected !== '') expect(pick(response.body.data)).toEqual(expected);
      else if (errorCodes.length > 0) expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(errorCodes[0]);
    }
    // The text was stored as data, never run as SQL: the tables and their rows are all still there.
    expect(await h.database.db.getRepository(Organization).count()).toBeGreaterThan(0);
    expect(await members()).toBe(membersBefore);
    const profile = await h.database.db.getRepository(BillingProfile).findOneBy({ organizationId: orgId });
    expect(profile?.city).toBe(text.trim());
  });

  it('a hostile invitation token is NOT_FOUND like any unknown one', async () => {
    const { token: real } = await invite(
      h,
      world.people.orgAdmin,
      scopeInput.organization(world),
      'hostile-check@example.test',
    );
    const good = await post({
      query: 'query($t: String!) { invitationByToken(token: $t) { email } }',
      variables: { t: real },
    });
    expect(good.body.data.invitationByToken.email).toBe('hostile-check@example.test');
    const bad = await post({
      query: 'query($t: String!) { invitationByToken(token: $t) { email } }',
      variables: { t: `${real}' OR '1'='1` },
    });
    expect(codes(bad.body)).toEqual(['NOT_FOUND']);
  });
});
