import { SignJWT } from 'jose';
import { createApp, type App } from '../../src/http/app';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { Role, ScopeKind } from '../../src/domain/enums';
import {
  CreateDomainDocument,
  DeleteDomainDocument,
  InviteMemberDocument,
  MyPendingInvitationsDocument,
  OrganizationMembersDocument,
  UpdateOrganizationDocument,
} from '../generated/graphql';
import { type OpenedDatabase } from '../support/databases';
import { addMember, createOrganization, createWorld, signIn, type World } from '../support/factories';
import { memoryLogger } from '../support/log';
import { createHarness, errorCodes, type Harness, type Person, TEST_JWT_SECRET } from '../support/harness';
import { listen, type Post } from '../support/http';
import { describeOnEachDatabase, useHarness } from '../support/each-database';

/**
 * The red team's findings outside the races, one regression test each: every one failed on the
 * code before the fix.
 */
describe('red team, against a production server over HTTP', () => {
  let database: OpenedDatabase;
  let app: App;
  let post: Post;
  let world: World;
  let h: Harness;
  const { logger, lines: logged } = memoryLogger();

  beforeAll(async () => {
    h = await createHarness('sqlite', { NODE_ENV: 'production' });
    world = await createWorld(h);
    database = h.database;
    app = await createApp(h.config, database.db, logger);
    ({ post } = await listen(app));
  });
  afterAll(async () => {
    await app.apollo.stop();
    await h.close();
  });

  const token = () => world.people.orgAdmin.token;
  const codes = (body: any): string[] => (body?.errors ?? []).map((e: any) => e.extensions?.code);
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on Organization { id name members(first: 50) { nodes { role user { email } } } } } }`;

  it('_entities: at most 100 representations, and the selection costs once per representation', async () => {
    const many = Array.from({ length: 101 }, () => ({ __typename: 'Organization', id: world.organization.id }));
    const over = await post({ query: entities, variables: { r: many } }, token());
    expect(over.status).toBe(400);
    expect(codes(over.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(over.body.errors[0].message).toMatch(/101 representations; the limit is 100/);
    // 30 copies of a 50-member selection: under 5 000 once, far over it thirty times.
    const costly = await post({ query: entities, variables: { r: many.slice(0, 30) } }, token());
    expect(costly.status).toBe(400);
    expect(costly.body.errors[0].message).toMatch(/cost/i);
    const fine = await post({ query: entities, variables: { r: many.slice(0, 2) } }, token());
    expect(fine.body.errors).toBeUndefined();
    expect(fine.body.data._entities).toHaveLength(2);
  });

  it('no "Did you mean" through variables: neither enum values nor input fields', async () => {
    const enumValue = await post(
      {
        query: 'query($id: ID!, $r: Role) { organization(id: $id) { members(role: $r) { totalCount } } }',
        variables: { id: world.organization.id, r: 'ADMN' },
      },
      token(),
    );
    const inputField = await post(
      {
        query: 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id } }',
        variables: { i: { organizationId: world.organization.id, organizationI: 'x', name: 'W' } },
      },
      token(),
    );
    for (const response of [enumValue, inputField]) {
      expect(response.status).toBe(400);
      expect(codes(response.body)).toEqual(['BAD_USER_INPUT']);
      expect(JSON.stringify(response.body)).not.toMatch(/did you mean|ADMIN"|organizationId"\?/i);
    }
  });

  it('aliases of __typename count like any other', async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `t${i}: __typename`).join(' ');
    const over = await post({ query: `{ ${aliases(16)} }` }, token());
    expect(over.status).toBe(400);
    expect(codes(over.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const within = await post({ query: `{ ${aliases(15)} }` }, token());
    expect(within.body.errors).toBeUndefined();
  });

  it('client mistakes get their own codes and write no error to the log', async () => {
    const query = '{ me { id } }';
    const entitiesOnly = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }';
    const cases: [string, () => Promise<{ status: number; body: any }>, string][] = [
      [
        'unknown __typename',
        () => post({ query: entitiesOnly, variables: { r: [{ __typename: 'Nope', id: 'x' }] } }, token()),
        'BAD_USER_INPUT',
      ],
      [
        'missing __typename',
        () => post({ query: entitiesOnly, variables: { r: [{ id: 'x' }] } }, token()),
        'BAD_USER_INPUT',
      ],
      [
        'id: {}',
        () => post({ query: entitiesOnly, variables: { r: [{ __typename: 'Organization', id: {} }] } }, token()),
        'BAD_USER_INPUT',
      ],
      [
        'an unknown persisted query',
        () => post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }, token()),
        'PERSISTED_QUERY_NOT_FOUND',
      ],
      [
        'an unknown operationName',
        () => post({ query, operationName: 'Nope' }, token()),
        'OPERATION_RESOLUTION_FAILURE',
      ],
      ['a query that is not a string', () => post({ query: 42 }, token()), 'BAD_REQUEST'],
      ['an empty body', () => post('', token()), 'BAD_REQUEST'],
      [
        'a mutation over GET',
        () =>
          fetchJson(`?query=${encodeURIComponent('mutation { leaveOrganization(organizationId: "x") }')}`, {
            'apollo-require-preflight': 'true',
          }),
        'BAD_REQUEST',
      ],
      ['a GET without the CSRF header', () => fetchJson(`?query=${encodeURIComponent(query)}`, {}), 'BAD_REQUEST'],
      ['a JSON body without a query', () => post({ variables: {} }, token()), 'BAD_REQUEST'],
      ['a text/plain body', () => postRaw(JSON.stringify({ query }), 'text/plain'), 'BAD_REQUEST'],
      [
        'a form body',
        () => postRaw(`query=${encodeURIComponent(query)}`, 'application/x-www-form-urlencoded'),
        'BAD_REQUEST',
      ],
    ];
    async function postRaw(body: string, contentType: string) {
      const port = (app.httpServer.address() as { port: number }).port;
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': contentType, authorization: `Bearer ${token()}` },
        body,
      });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text) };
    }
    async function fetchJson(search: string, headers: Record<string, string>) {
      const url = (app.httpServer.address() as { port: number }).port;
      const response = await fetch(`http://127.0.0.1:${url}/graphql${search}`, { headers });
      return { status: response.status, body: await response.json() };
    }
    for (const [name, send, code] of cases) {
      logged.length = 0;
      const response = await send();
      expect([name, codes(response.body)]).toEqual([name, [code]]);
      expect([name, logged.filter((l) => l.level === 'error').map((l) => l.msg)]).toEqual([name, []]);
    }
  });

  it('tokens must expire, and within AUTH_MAX_TOKEN_HOURS (24)', async () => {
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const claims = { email: world.people.orgAdmin.email, email_verified: true };
    const forever = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuedAt()
      .sign(key);
    const twoDays = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('48h')
      .sign(key);
    const oneDay = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('24h')
      .sign(key);
    for (const refused of [forever, twoDays]) {
      const response = await post({ query: '{ me { id } }' }, refused);
      expect(response.status).toBe(401);
      expect(response.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    }
    expect((await post({ query: '{ me { id } }' }, oneDay)).body).toEqual({ data: { me: { id: 'x' } } });
  });
});

describeOnEachDatabase('red team,', (kind) => {
  const h = useHarness(kind, { INVITATIONS_PER_HOUR: '5' });

  /** A person with a display name of our choosing, signed in once so that the user record exists. */
  async function named(name: string, email: string): Promise<Person> {
    const person = { sub: `test|${email}`, email, name, token: '' };
    person.token = await signDevelopmentToken(TEST_JWT_SECRET, { sub: person.sub, email, name });
    await signIn(h, person);
    return person;
  }

  it('the invitation limit cannot be reset by deleting what was invited into', async () => {
    const world = await createWorld(h);
    const admin = world.people.wsAdmin;
    const results: string[] = [];
    for (let round = 0; round < 2; round++) {
      const domain = await h.run(
        CreateDomainDocument,
        { input: { workspaceId: world.w1.id, hostname: `round${round}.example.com` } },
        admin,
      );
      const domainId = domain.data!.createDomain.id;
      for (let i = 0; i < 4; i++) {
        const invited = await h.run(
          InviteMemberDocument,
          { input: { scope: { domainId }, email: `r${round}-${i}@example.test`, role: 'MEMBER' } },
          admin,
        );
        results.push(errorCodes(invited)[0] ?? 'ok');
        if (errorCodes(invited)[0] === 'RATE_LIMITED') {
          const retryAfter = invited.errors![0].extensions!.retryAfter as number;
          expect(retryAfter).toBeGreaterThan(0);
          expect(retryAfter).toBeLessThanOrEqual(3600);
        }
      }
      expect(errorCodes(await h.run(DeleteDomainDocument, { id: domainId }, admin))).toEqual([]);
    }
    expect(results).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('names count code points, are NFC, and refuse controls and bidirectional overrides', async () => {
    const admin = await h.person('namer');
    const organizationId = (await createOrganization(h, admin, 'Names')).id;
    const rename = (name: string) => h.run(UpdateOrganizationDocument, { id: organizationId, input: { name } }, admin);
    const sixtyEmoji = '🎉'.repeat(60);
    expect((await rename(sixtyEmoji)).data?.updateOrganization.name).toBe(sixtyEmoji);
    expect(errorCodes(await rename('🎉'.repeat(101)))).toEqual(['BAD_USER_INPUT']);
    expect((await rename('Cafe\u0301')).data?.updateOrganization.name).toBe('Caf\u00e9');
    for (const bad of ['Next\u0085Line', 'abc\u202Etxt.exe', 'iso\u2066late', 'bell\u0007']) {
      const result = await rename(bad);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0].extensions!.field).toBe('name');
    }
  });

  it('member search folds case and accents beyond ASCII, the same on both databases', async () => {
    const admin = await h.person('searcher');
    const organizationId = (await createOrganization(h, admin, 'Search')).id;
    const emile = await named('Émile Ångström', `emile-${kind}@corp.example`);
    await addMember(h, emile, { kind: ScopeKind.ORGANIZATION, organizationId }, Role.MEMBER);
    const found = async (query: string) =>
      (await h.run(OrganizationMembersDocument, { id: organizationId, query }, admin)).data?.organization?.members
        ?.totalCount;
    for (const query of ['ÉMILE', 'émile', 'Ångström', 'ÅNGSTRÖM', 'ÉMI å', 'angstrom', 'Emile Angstrom'])
      expect([query, await found(query)]).toEqual([query, 1]);
    // Words are found by their beginning, not anywhere inside (docs/domain-rules.md §3).
    for (const query of ['ile', 'ström', 'Émile Ångströmm']) expect([query, await found(query)]).toEqual([query, 0]);
  });

  it('émile@ and emile@ are two addresses: neither blocks nor sees the other’s invitation', async () => {
    const admin = await h.person('inviter');
    const organizationId = (await createOrganization(h, admin, 'Accents')).id;
    const invite = (email: string) =>
      h.run(InviteMemberDocument, { input: { scope: { organizationId }, email, role: 'MEMBER' } }, admin);
    expect(errorCodes(await invite(`emile-${kind}@corp.com`))).toEqual([]);
    expect(errorCodes(await invite(`émile-${kind}@corp.com`))).toEqual([]);
    const accented = await named('Émile', `émile-${kind}@corp.com`);
    const mine = await h.run(MyPendingInvitationsDocument, {}, accented);
    expect(mine.data?.me?.pendingInvitations).toHaveLength(1);
  });

  it('a bare domain member reads the workspace’s id, name and organization, not when it was created', async () => {
    const world = await createWorld(h);
    const query = `query($id: ID!) { workspace(id: $id) { id name organization { id } } }`;
    const createdAt = `query($id: ID!) { workspace(id: $id) { createdAt } }`;
    const member = world.people.domainMember;
    expect((await h.run(query as never, { id: world.w1.id }, member)).data).toMatchObject({
      workspace: { id: world.w1.id, name: 'W1' },
    });
    expect(errorCodes(await h.run(createdAt as never, { id: world.w1.id }, member))).toEqual(['FORBIDDEN']);
    for (const reader of [world.people.wsMember, world.people.orgAccounting, world.people.orgAdmin]) {
      const result = await h.run(createdAt as never, { id: world.w1.id }, reader);
      expect(result.errors).toBeUndefined();
    }
  });
});
