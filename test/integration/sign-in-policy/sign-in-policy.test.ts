import { signDevelopmentToken } from '../../../src/auth/jwt';
import { describeOnEachDatabase, useHarness, useWorld } from '../../support/each-database';
import { type Person, TEST_JWT_SECRET } from '../../support/harness';
import { listen } from '../../support/http';

const SERVICE_TOKEN = 'service-token-0123456789abcdef';
const CONNECTION = 'acme-okta';

const SET_POLICY = `mutation($organizationId: ID!, $input: SignInPolicyInput!) {
  setSignInPolicy(organizationId: $organizationId, input: $input) {
    id
    signInPolicy { requireSso ssoConnection requireMfa updatedAt breakGlass { id user { id } } }
  }
}`;

interface SignIn {
  amr?: string[];
  sso?: string;
}

describeOnEachDatabase('the sign-in policy', (kind) => {
  const h = useHarness(kind, { AUTHZ_SERVICE_TOKENS: SERVICE_TOKEN });
  const world = useWorld(h);
  let base = '';
  beforeAll(async () => {
    base = (await listen(h.app)).url.replace(/\/graphql$/, '');
  });

  /** The same person with a really signed token carrying `amr` and the connection claim. */
  async function as(person: Person, signIn: SignIn = {}): Promise<Person> {
    const token = await signDevelopmentToken(TEST_JWT_SECRET, {
      sub: person.sub,
      email: person.email,
      name: person.name,
      amr: signIn.amr,
      ssoConnection: signIn.sso,
    });
    return { ...person, token };
  }
  /** The organization ADMIN signed in every way a policy of these tests asks for. */
  const strongAdmin = () => as(world.people.orgAdmin, { amr: ['pwd', 'hwk'], sso: CONNECTION });

  async function memberId(person: Person, organizationId = world.organization.id): Promise<string> {
    const [row] = await h.database.db.query(
      "SELECT id FROM memberships WHERE user_id = ? AND organization_id = ? AND scope = 'ORGANIZATION'",
      [person.sub, organizationId],
    );
    return row.id;
  }

  async function setPolicy(who: Person, input: Record<string, unknown>) {
    return h.run(SET_POLICY, { organizationId: world.organization.id, input }, who);
  }

  async function reset() {
    const result = await setPolicy(await strongAdmin(), { requireSso: false, requireMfa: false });
    expect(result.errors).toBeUndefined();
  }

  async function stored() {
    const [row] = await h.database.db.query(
      'SELECT require_sso, sso_connection, require_mfa, break_glass, sign_in_policy_updated_at FROM organizations WHERE id = ?',
      [world.organization.id],
    );
    return row;
  }

  async function events(action: string, actorId?: string): Promise<number> {
    const [row] = await h.database.db.query(
      `SELECT COUNT(*) AS n FROM audit_events WHERE organization_id = ? AND action = ?${actorId ? ' AND actor_id = ?' : ''}`,
      actorId ? [world.organization.id, action, actorId] : [world.organization.id, action],
    );
    return Number(row.n);
  }

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('refuses bad input with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const admin = await strongAdmin();
    const before = await stored();
    const changes = await events('SIGN_IN_POLICY_CHANGED');
    const members = await Promise.all(
      (['orgAdmin', 'orgMember', 'orgAccounting', 'wsAdmin'] as const).map((p) => memberId(world.people[p])),
    );
    const [workspaceMembership] = await h.database.db.query(
      "SELECT id FROM memberships WHERE user_id = ? AND scope = 'WORKSPACE'",
      [world.people.wsMember.sub],
    );
    const cases: [Record<string, unknown>, string][] = [
      [{ requireSso: true, requireMfa: false }, 'ssoConnection'],
      [{ requireSso: true, ssoConnection: '   ', requireMfa: false }, 'ssoConnection'],
      [{ requireSso: false, requireMfa: true, breakGlassMemberIds: members }, 'breakGlassMemberIds'],
      [
        {
          requireSso: false,
          requireMfa: true,
          breakGlassMemberIds: [await memberId(world.people.outsider, world.otherOrganization.id)],
        },
        'breakGlassMemberIds',
      ],
      [
        { requireSso: false, requireMfa: true, breakGlassMemberIds: ['00000000-0000-4000-8000-000000000000'] },
        'breakGlassMemberIds',
      ],
      [{ requireSso: false, requireMfa: true, breakGlassMemberIds: [workspaceMembership.id] }, 'breakGlassMemberIds'],
      [{ requireSso: false, requireMfa: true, breakGlassMemberIds: ['not-an-id'] }, 'breakGlassMemberIds'],
    ];
    for (const [input, field] of cases) {
      const result = await setPolicy(admin, input);
      expect({ input, error: result.errors?.[0]?.extensions }).toEqual({
        input,
        error: expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
      });
    }
    expect(await stored()).toEqual(before);
    expect(await events('SIGN_IN_POLICY_CHANGED')).toBe(changes);
  });

  it('refuses a policy that would shut out its own ADMIN (SIGN_IN_POLICY_LOCKOUT), unless they are break-glass', async () => {
    const before = await stored();
    const plain = await as(world.people.orgAdmin, { amr: ['pwd'] });
    const mfa = await setPolicy(plain, { requireSso: false, requireMfa: true });
    expect(mfa.errors?.[0]?.extensions).toMatchObject({ code: 'SIGN_IN_POLICY_LOCKOUT', required: ['MFA'] });
    const elsewhere = await as(world.people.orgAdmin, { amr: ['pwd', 'otp'], sso: 'another-connection' });
    const sso = await setPolicy(elsewhere, { requireSso: true, ssoConnection: CONNECTION, requireMfa: true });
    expect(sso.errors?.[0]?.extensions).toMatchObject({ code: 'SIGN_IN_POLICY_LOCKOUT', required: ['SSO'] });
    expect(await stored()).toEqual(before);

    const own = await memberId(world.people.orgAdmin);
    const asBreakGlass = await setPolicy(plain, { requireSso: false, requireMfa: true, breakGlassMemberIds: [own] });
    expect(asBreakGlass.errors).toBeUndefined();
    expect((asBreakGlass.data as any).setSignInPolicy.signInPolicy).toMatchObject({
      requireMfa: true,
      breakGlass: [{ id: own, user: { id: world.people.orgAdmin.sub } }],
    });
    await reset();
  });

  it('blocks a member without a second factor from the organization, its workspaces and domains on the next request', async () => {
    const { wsMember, domainMember, wsAdmin } = world.people;
    const workspace = `query($id: ID!) { workspace(id: $id) { name } }`;
    expect((await h.run(workspace, { id: world.w1.id }, wsMember)).errors).toBeUndefined();

    const set = await setPolicy(await strongAdmin(), { requireSso: false, requireMfa: true });
    expect(set.errors).toBeUndefined();
    expect((set.data as any).setSignInPolicy.signInPolicy).toMatchObject({
      requireSso: false,
      ssoConnection: null,
      requireMfa: true,
      breakGlass: [],
      updatedAt: expect.any(String),
    });
    expect(await events('SIGN_IN_POLICY_CHANGED', world.people.orgAdmin.sub)).toBeGreaterThan(0);

    // The same token as before: the policy applies from this request on, not at its expiry.
    const blocked = await h.run(workspace, { id: world.w1.id }, wsMember);
    expect((blocked.data as any)?.workspace ?? null).toBeNull();
    expect(blocked.errors?.[0]?.extensions).toEqual({
      code: 'SIGN_IN_POLICY',
      organizationId: world.organization.id,
      required: ['MFA'],
      requireSso: false,
      requireMfa: true,
      ssoConnection: null,
    });
    const domain = await h.run(`query($id: ID!) { domain(id: $id) { hostname } }`, { id: world.d1.id }, domainMember);
    expect(domain.errors?.[0]?.extensions?.code).toBe('SIGN_IN_POLICY');
    const organization = await h.run(
      `query($id: ID!) { organization(id: $id) { workspaces { id } } }`,
      { id: world.organization.id },
      wsMember,
    );
    expect(organization.errors?.[0]?.extensions).toMatchObject({ code: 'SIGN_IN_POLICY', required: ['MFA'] });
    const change = await h.run(
      `mutation($id: ID!) { updateWorkspace(id: $id, input: { name: "W1b" }) { name } }`,
      { id: world.w1.id },
      wsAdmin,
    );
    expect(change.errors?.[0]?.extensions?.code).toBe('SIGN_IN_POLICY');
    // What their memberships would not show stays NOT_FOUND: a blocked member learns nothing more.
    const unseen = await h.run(workspace, { id: world.w2.id }, wsMember);
    expect(unseen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // Still readable: which organization asks them to sign in again.
    const seen = await h.run(
      `query($id: ID!) { organization(id: $id) { id name viewerSignInRequired } me { organizations { nodes { name viewerSignInRequired } } } }`,
      { id: world.organization.id },
      wsMember,
    );
    expect(seen.errors).toBeUndefined();
    expect((seen.data as any).organization).toEqual({
      id: world.organization.id,
      name: 'Acme',
      viewerSignInRequired: true,
    });
    expect((seen.data as any).me.organizations.nodes).toEqual([{ name: 'Acme', viewerSignInRequired: true }]);

    // The same member signed in with a second factor passes.
    const withOtp = await as(wsMember, { amr: ['pwd', 'otp'] });
    const passes = await h.run(
      `query($id: ID!, $org: ID!) { workspace(id: $id) { name } organization(id: $org) { viewerSignInRequired } }`,
      { id: world.w1.id, org: world.organization.id },
      withOtp,
    );
    expect(passes.errors).toBeUndefined();
    expect(passes.data).toEqual({ workspace: { name: world.w1.name }, organization: { viewerSignInRequired: false } });
    // A password alone, or a knowledge factor, is no second factor.
    const pin = await h.run(workspace, { id: world.w1.id }, await as(wsMember, { amr: ['pwd', 'pin', 'kba'] }));
    expect(pin.errors?.[0]?.extensions?.code).toBe('SIGN_IN_POLICY');
    // Another organization of the same person is untouched.
    const outsider = await h.run(
      `query($id: ID!) { organization(id: $id) { name viewerSignInRequired } }`,
      { id: world.otherOrganization.id },
      world.people.outsider,
    );
    expect(outsider.data).toEqual({ organization: { name: 'Elsewhere', viewerSignInRequired: false } });
    await reset();
    expect((await h.run(workspace, { id: world.w1.id }, wsMember)).errors).toBeUndefined();
  });

  it('requires single sign-on through the named connection', async () => {
    await setPolicy(await strongAdmin(), { requireSso: true, ssoConnection: CONNECTION, requireMfa: false });
    const query = `query($id: ID!) { organization(id: $id) { viewerRole viewerSignInRequired } }`;
    const member = world.people.orgMember;
    for (const signIn of [{}, { sso: 'another-connection' }, { amr: ['pwd', 'mfa'] }]) {
      const result = await h.run(query, { id: world.organization.id }, await as(member, signIn));
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'SIGN_IN_POLICY',
        required: ['SSO'],
        requireSso: true,
        ssoConnection: CONNECTION,
      });
    }
    const right = await h.run(query, { id: world.organization.id }, await as(member, { sso: CONNECTION }));
    expect(right.errors).toBeUndefined();
    expect((right.data as any).organization).toEqual({ viewerRole: 'MEMBER', viewerSignInRequired: false });

    await setPolicy(await strongAdmin(), { requireSso: true, ssoConnection: CONNECTION, requireMfa: true });
    const both = await h.run(query, { id: world.organization.id }, await as(member));
    expect(both.errors?.[0]?.extensions).toMatchObject({
      required: ['SSO', 'MFA'],
      requireSso: true,
      requireMfa: true,
    });
    await reset();
  });

  it('lets break-glass members in without the policy, audited at most once an hour', async () => {
    const member = world.people.orgAccounting;
    const id = await memberId(member);
    const set = await setPolicy(await strongAdmin(), {
      requireSso: true,
      ssoConnection: CONNECTION,
      requireMfa: true,
      breakGlassMemberIds: [id],
    });
    expect((set.data as any).setSignInPolicy.signInPolicy.breakGlass).toEqual([{ id, user: { id: member.sub } }]);
    const query = `query($id: ID!) { organization(id: $id) { viewerRole viewerSignInRequired billingProfile { legalName } } }`;
    for (let i = 0; i < 3; i++) {
      const result = await h.run(query, { id: world.organization.id }, member);
      expect(result.errors).toBeUndefined();
      expect((result.data as any).organization).toMatchObject({
        viewerRole: 'ACCOUNTING',
        viewerSignInRequired: false,
      });
    }
    await h.app.signInBypasses.settled();
    expect(await events('SIGN_IN_POLICY_BYPASSED', member.sub)).toBe(1);
    // Someone who satisfies the policy bypasses nothing.
    const before = await events('SIGN_IN_POLICY_BYPASSED', world.people.orgAdmin.sub);
    await h.run(query, { id: world.organization.id }, await strongAdmin());
    await h.app.signInBypasses.settled();
    expect(await events('SIGN_IN_POLICY_BYPASSED', world.people.orgAdmin.sub)).toBe(before);
    // An hour later, the next bypass is audited again.
    const later = new Date(Date.now() + 61 * 60_000);
    const clock = h.config.clock;
    h.config.clock = { now: () => later };
    try {
      await h.run(query, { id: world.organization.id }, member);
      await h.app.signInBypasses.settled();
      expect(await events('SIGN_IN_POLICY_BYPASSED', member.sub)).toBe(2);
    } finally {
      h.config.clock = clock;
    }
    await reset();
  });

  it('decides the supergraph policies false for a blocked member, still in one statement', async () => {
    await setPolicy(await strongAdmin(), { requireSso: false, requireMfa: true });
    const member = world.people.wsMember;
    const decide = (who: Person) =>
      post(
        '/authorization/policies',
        { policies: ['READ@workspaceId', 'READ_MEMBERS'], variables: { workspaceId: world.w1.id } },
        { authorization: `Bearer ${who.token}` },
      );
    const { result, statements } = await h.statements.during(() => decide(member));
    expect(result.body.policies).toEqual({ 'READ@workspaceId': false, READ_MEMBERS: false });
    expect(statements).toBe(1);
    const strong = await decide(await as(member, { amr: ['pwd', 'swk'] }));
    expect(strong.body.policies).toEqual({ 'READ@workspaceId': true, READ_MEMBERS: true });

    // A service's check carries the person's sign-in; without it, the policy is not satisfied (fail closed).
    const check = (signIn?: unknown) =>
      post(
        '/authorization/check',
        { checks: [{ userId: member.sub, permission: 'READ', scope: { workspaceId: world.w1.id }, signIn }] },
        { authorization: `Bearer ${SERVICE_TOKEN}` },
      );
    const { result: refused, statements: checkStatements } = await h.statements.during(() => check());
    expect(checkStatements).toBe(1);
    expect(refused.body.results).toEqual([{ allowed: false, role: null, customRole: null, signInRequired: ['MFA'] }]);
    expect((await check({ amr: ['pwd', 'otp'] })).body.results).toEqual([
      { allowed: true, role: 'MEMBER', customRole: null },
    ]);
    expect((await check({ amr: 'otp' })).status).toBe(400);
    // In one call, each check stands by its own sign-in (what checks share is worked out per sign-in).
    const mixed = await post(
      '/authorization/check',
      {
        checks: [undefined, { amr: ['pwd', 'otp'] }, undefined, { amr: ['pwd'] }].map((signIn) => ({
          userId: member.sub,
          permission: 'READ',
          scope: { workspaceId: world.w1.id },
          signIn,
        })),
      },
      { authorization: `Bearer ${SERVICE_TOKEN}` },
    );
    expect(mixed.body.results.map((r: { allowed: boolean }) => r.allowed)).toEqual([false, true, false, false]);
    await reset();
    expect((await decide(member)).body.policies).toEqual({ 'READ@workspaceId': true, READ_MEMBERS: true });
  });

  it('shows the policy to those who may change the organization only', async () => {
    const member = world.people.orgMember;
    const read = await h.run(
      `query($id: ID!) { organization(id: $id) { signInPolicy { requireMfa } viewerSignInRequired } }`,
      { id: world.organization.id },
      member,
    );
    expect(read.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', permission: 'UPDATE' });
    expect((read.data as any).organization.viewerSignInRequired).toBe(false);
    const set = await setPolicy(member, { requireSso: false, requireMfa: false });
    expect(set.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const outsider = await setPolicy(world.people.outsider, { requireSso: false, requireMfa: false });
    expect(outsider.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
