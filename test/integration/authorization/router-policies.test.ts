import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { describeOnEachDatabase } from '../../support/each-database';
import { addMember } from '../../support/factories';
import { TEST_JWT_SECRET } from '../../support/harness';
import { apolloBody, hiveBody, useAuthorizationServer } from './authorization-support';

/** docs/authorization.md: `@policy` decisions for Apollo Router, Hive Router and a gateway hook, over HTTP. */
describeOnEachDatabase('authorization for the supergraph: routers’ policies', (kind) => {
  const { h, world, post, decide } = useAuthorizationServer(kind);

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
});
