import { Role, ScopeKind } from '../../../src/domain/enums';
import {
  CreateProvisioningTokenDocument,
  OrganizationProvisioningDocument,
  ProvisioningAuditLogDocument,
  RevokeProvisioningTokenDocument,
} from '../../generated/graphql';
import { describeOnEachDatabase } from '../../support/each-database';
import { addMember } from '../../support/factories';
import { errorCodes } from '../../support/harness';
import { ERROR, GROUP, PATCH, USER, user, useScimServer } from './scim-support';

/** docs/domain-rules.md §15: the SCIM 2.0 service provider, over real HTTP, on each database: its tokens and its protocol. */
describeOnEachDatabase('SCIM provisioning: tokens and the protocol', (kind) => {
  const { h, state, scim, directory } = useScimServer(kind);

  it('makes, lists and revokes tokens (MANAGE_PROVISIONING); the token reaches SCIM and its organization only', async () => {
    const { admin, organization, token: made, tokenId } = await directory('tokens');
    const member = await h.person('tokenmember');
    await addMember(h, member, { kind: ScopeKind.ORGANIZATION, organizationId: organization.id }, Role.MEMBER);
    expect(made).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(
      errorCodes(await h.run(CreateProvisioningTokenDocument, { input: { organizationId: organization.id } }, member)),
    ).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.run(RevokeProvisioningTokenDocument, { id: tokenId }, member))).toEqual(['NOT_FOUND']);
    // Listed without the token; its use recorded.
    expect((await scim('GET', '/Users', undefined, made)).status).toBe(200);
    const listed = (await h.run(OrganizationProvisioningDocument, { id: organization.id }, admin)).data?.organization;
    expect(listed?.provisioningTokens).toEqual([
      { id: tokenId, description: 'tokens directory', lastUsedAt: expect.any(String) },
    ]);
    expect(JSON.stringify(listed)).not.toContain(made);
    const [stored] = await h.database.db.query('SELECT token_hash FROM provisioning_tokens WHERE id = ?', [tokenId]);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    // Not a GraphQL credential.
    const asBearer = await fetch(`${state.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${made}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(asBearer.status).toBe(401);
    // Revoked, unknown and missing tokens are all 401 with a SCIM error body.
    expect((await h.run(RevokeProvisioningTokenDocument, { id: tokenId }, admin)).data?.revokeProvisioningToken).toBe(
      tokenId,
    );
    for (const bad of [made, 'scim_' + 'x'.repeat(43), '']) {
      const refused = await scim('GET', '/Users', undefined, bad);
      expect([refused.status, refused.body.schemas, refused.body.status]).toEqual([401, [ERROR], '401']);
    }
    const log = (await h.run(ProvisioningAuditLogDocument, { id: organization.id }, admin)).data?.organization?.auditLog
      ?.nodes;
    expect(log?.map((e) => e.action).filter((action) => action.startsWith('PROVISIONING'))).toEqual([
      'PROVISIONING_TOKEN_REVOKED',
      'PROVISIONING_TOKEN_CREATED',
    ]);
  });

  it('describes exactly what it supports', async () => {
    state.token = (await directory('discovery')).token;
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.type).toMatch(/^application\/scim\+json/);
    expect(config.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
    });
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body.Resources.map((t: { id: string; endpoint: string }) => [t.id, t.endpoint])).toEqual([
      ['User', '/Users'],
      ['Group', '/Groups'],
    ]);
    const schemas = await scim('GET', '/Schemas');
    const userSchema = schemas.body.Resources.find((s: { id: string }) => s.id === USER);
    expect(userSchema.attributes.map((a: { name: string }) => a.name)).toEqual([
      'userName',
      'externalId',
      'displayName',
      'name',
      'emails',
      'active',
      'roles',
    ]);
    expect((await scim('GET', `/Schemas/${GROUP}`)).body.attributes.map((a: { name: string }) => a.name)).toEqual([
      'displayName',
      'externalId',
      'members',
    ]);
    expect((await scim('POST', '/Bulk', { schemas: [] })).status).toBe(404);
  });

  it('creates, reads, lists, replaces, patches and deletes Users as RFC 7644 says', async () => {
    const dir = await directory('crud');
    state.token = dir.token;
    const created = await scim('POST', '/Users', user('Ada@Crud.Example', { externalId: 'okta-ada' }));
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.location).toBe(`${state.base}/scim/v2/Users/${id}`);
    expect(created.body).toMatchObject({
      schemas: [USER],
      userName: 'Ada@Crud.Example',
      externalId: 'okta-ada',
      active: true,
      roles: [{ value: 'MEMBER', primary: true }],
      meta: { resourceType: 'User', location: created.location },
    });
    expect(new Date(created.body.meta.created).toISOString()).toBe(created.body.meta.created);
    // userName is unique in the organization, whatever its case.
    const duplicate = await scim('POST', '/Users', user('ada@crud.example'));
    expect([duplicate.status, duplicate.body.scimType, duplicate.body.schemas]).toEqual([409, 'uniqueness', [ERROR]]);
    expect((await scim('GET', `/Users/${id}`)).body.userName).toBe('Ada@Crud.Example');
    expect((await scim('GET', '/Users/2819c223-7f76-453a-919d-413861904646')).status).toBe(404);

    // PUT replaces the resource.
    const replaced = await scim(
      'PUT',
      `/Users/${id}`,
      user('ada@crud.example', { displayName: 'Ada Lovelace', externalId: 'okta-ada', title: 'Countess' }),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ displayName: 'Ada Lovelace', title: 'Countess' });
    expect(replaced.body.meta.lastModified >= created.body.meta.lastModified).toBe(true);

    // PATCH: add, replace and remove; with and without path; with a value filter.
    const patch = (Operations: unknown[]) => scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations });
    expect(
      (await patch([{ op: 'add', path: 'emails', value: [{ value: 'ada@home.example', type: 'home' }] }])).body.emails,
    ).toEqual([
      { value: 'ada@crud.example', type: 'work', primary: true },
      { value: 'ada@home.example', type: 'home' },
    ]);
    expect(
      (await patch([{ op: 'replace', path: 'emails[type eq "home"].value', value: 'countess@home.example' }])).body
        .emails[1],
    ).toEqual({ value: 'countess@home.example', type: 'home' });
    expect(
      (await patch([{ op: 'replace', value: { displayName: 'A. Lovelace', nickName: 'Ada' } }])).body,
    ).toMatchObject({ displayName: 'A. Lovelace', nickName: 'Ada' });
    const removed = await patch([
      { op: 'remove', path: 'emails[type eq "home"]' },
      { op: 'remove', path: 'title' },
    ]);
    expect([removed.body.emails.length, removed.body.title]).toEqual([1, undefined]);
    // Removing what is not there changes nothing (a directory may repeat itself); no path is noTarget.
    const absent = await patch([{ op: 'remove', path: 'emails[type eq "fax"]' }]);
    expect([absent.status, absent.body.emails.length]).toEqual([200, 1]);
    const noTarget = await patch([{ op: 'remove' }]);
    expect([noTarget.status, noTarget.body.scimType]).toEqual([400, 'noTarget']);
    expect((await patch([{ op: 'replace', path: 'id', value: 'mine' }])).body.scimType).toBe('mutability');
    expect((await patch([{ op: 'move', path: 'title' }])).status).toBe(400);
    expect((await scim('PATCH', `/Users/${id}`, { Operations: [] })).body.scimType).toBe('invalidSyntax');
    expect((await scim('POST', '/Users', { schemas: [USER], displayName: 'no userName' })).body.scimType).toBe(
      'invalidValue',
    );
    expect((await scim('POST', '/Users', user('bad@crud.example', { roles: [{ value: 'OWNER' }] }))).status).toBe(400);

    // Another organization's id is unknown here.
    const other = await directory('crudother');
    expect((await scim('GET', `/Users/${id}`, undefined, other.token)).status).toBe(404);
    expect((await scim('DELETE', `/Users/${id}`, undefined, other.token)).status).toBe(404);

    // DELETE is 204, then the User is gone.
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await scim('GET', `/Users/${id}`)).status).toBe(404);
  });

  it('filters with every operator and pages 1-based; an unknown attribute or a bad filter is invalidFilter', async () => {
    state.token = (await directory('filters')).token;
    const ids: Record<string, string> = {};
    for (const [name, extra] of [
      ['alice@filters.example', { externalId: 'e-1', displayName: 'Alice Smith' }],
      ['bob@filters.example', { externalId: 'e-2', displayName: 'Bob Jones', active: false }],
      ['carol@other.example', { externalId: 'E-3', displayName: 'Carol Smith', emails: [{ value: 'c@alt.example' }] }],
    ] as const) {
      ids[name.split('@')[0]] = (await scim('POST', '/Users', user(name, extra))).body.id;
    }
    const found = async (filter: string) => {
      const answer = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect([filter, answer.status]).toEqual([filter, 200]);
      return answer.body.Resources.map((r: { userName: string }) => r.userName.split('@')[0]).sort();
    };
    const cases: [string, string[]][] = [
      ['userName eq "ALICE@filters.example"', ['alice']],
      ['userName ne "alice@filters.example"', ['bob', 'carol']],
      ['userName co "@filters"', ['alice', 'bob']],
      ['userName sw "car"', ['carol']],
      ['userName ew "other.example"', ['carol']],
      ['externalId eq "e-1"', ['alice']],
      ['externalId eq "e-3"', []],
      ['displayName co "smith"', ['alice', 'carol']],
      ['active eq false', ['bob']],
      ['active eq "True"', ['alice', 'carol']],
      ['emails.value eq "c@alt.example"', ['carol']],
      ['emails[value eq "bob@filters.example"]', ['bob']],
      ['emails co "alt"', ['carol']],
      ['externalId pr', ['alice', 'bob', 'carol']],
      ['meta.created gt "2000-01-01T00:00:00Z"', ['alice', 'bob', 'carol']],
      ['meta.lastModified lt "2000-01-01T00:00:00Z"', []],
      ['userName sw "a" or userName sw "b"', ['alice', 'bob']],
      ['not (displayName co "smith")', ['bob']],
      ['(userName sw "a" or userName sw "c") and displayName co "carol"', ['carol']],
      [`id eq "${ids.bob}"`, ['bob']],
    ];
    for (const [filter, expected] of cases) expect([filter, await found(filter)]).toEqual([filter, expected]);
    for (const filter of [
      'title pr and active eq true',
      'nickName eq "x"',
      'userName eq',
      'userName zz "x"',
      'emails[type eq "work"]',
    ]) {
      const refused = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect([filter, refused.status, refused.body.scimType]).toEqual([filter, 400, 'invalidFilter']);
    }
    const page = await scim('GET', '/Users?startIndex=2&count=1');
    expect([page.body.totalResults, page.body.startIndex, page.body.itemsPerPage]).toEqual([3, 2, 1]);
    expect(page.body.Resources[0].userName).toBe('bob@filters.example');
    const total = await scim('GET', '/Users?count=0');
    expect([total.body.totalResults, total.body.Resources]).toEqual([3, []]);
    expect((await scim('GET', '/Users?startIndex=0&count=500')).body.itemsPerPage).toBe(3);
  });

  it('answers paging and filters beyond its bounds with a SCIM 400, never a 500 (issue 34 #6)', async () => {
    const dir = await directory('bounds');
    state.token = dir.token;
    await scim('POST', '/Users', user(`someone@${dir.domain}`));
    for (const resource of ['/Users', '/Groups']) {
      for (const paging of [
        'startIndex=1e21',
        'count=1e21',
        'startIndex=2147483648',
        'count=2147483648',
        'count=-2147483648',
        'startIndex=99999999999999999999',
      ]) {
        const refused = await scim('GET', `${resource}?${paging}`);
        expect([resource, paging, refused.status, refused.body.scimType, refused.body.schemas]).toEqual([
          resource,
          paging,
          400,
          'invalidValue',
          [ERROR],
        ]);
      }
      expect((await scim('GET', `${resource}?startIndex=2147483647&count=2147483647`)).status).toBe(200);
      const attribute = resource === '/Users' ? 'userName' : 'displayName';
      const nested = (depth: number) => 'not ('.repeat(depth) + `${attribute} eq "x"` + ')'.repeat(depth);
      const long = (length: number) => {
        const head = `${attribute} eq "`;
        return head + 'a'.repeat(length - head.length - 1) + '"';
      };
      for (const [label, filter, status] of [
        ['1500 nots', nested(1500), 400],
        ['33 nots', nested(33), 400],
        ['32 nots', nested(32), 200],
        ['4097 characters', long(4097), 400],
        ['4096 characters', long(4096), 200],
      ] as const) {
        const answer = await scim('GET', `${resource}?filter=${encodeURIComponent(filter)}`);
        expect([resource, label, answer.status, answer.body.scimType]).toEqual([
          resource,
          label,
          status,
          status === 400 ? 'invalidFilter' : undefined,
        ]);
      }
    }
  });
});
