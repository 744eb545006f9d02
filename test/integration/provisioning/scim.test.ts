import { randomUUID } from 'node:crypto';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { ManualClock } from '../../../src/config/clock';
import { memberCountDrift } from '../../../src/db/membership-rows';
import { withOrganizationLock } from '../../../src/db/transaction';
import { DnsResponder } from '../../../src/dev/dns-responder';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { systemActor } from '../../../src/services/audit/audit.service';
import { grantMembership } from '../../../src/services/memberships/membership-grants';
import {
  AcceptInvitationDocument,
  AddEmailDomainDocument,
  CreateProvisioningTokenDocument,
  LeaveOrganizationDocument,
  MeDocument,
  OrganizationProvisioningDocument,
  ProvisioningAuditLogDocument,
  RevokeProvisioningTokenDocument,
  UpdateSeatLimitDocument,
  VerifyEmailDomainDocument,
  WorkspaceProvisionedMembersDocument,
} from '../../generated/graphql';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import { addMember, createDomain, createOrganization, createWorkspace, signIn } from '../../support/factories';
import { errorCodes, type Harness, type Person, TEST_JWT_SECRET } from '../../support/harness';
import { listen } from '../../support/http';
import { TestSmtpServer, tokenFromEmail } from '../../support/smtp';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

type Scim = (
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) => Promise<{ status: number; body: any; location: string | null; type: string | null }>;

/** A SCIM client of the server on loopback, as a directory is one: bearer token, scim+json. */
function scimClient(base: () => string, defaultToken: () => string): Scim {
  return async (method, path, body, token) => {
    const response = await fetch(`${base()}/scim/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token ?? defaultToken()}`,
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : null,
      location: response.headers.get('location'),
      type: response.headers.get('content-type'),
    };
  };
}

/** A person with a verified address at `domain` (signed in only when the test says so). */
async function personAt(label: string, domain: string): Promise<Person> {
  const suffix = randomUUID().slice(0, 8);
  const sub = `test|${label}-${suffix}`;
  const email = `${label}-${suffix}@${domain}`;
  const name = `${label} ${suffix}`;
  return { sub, email, name, token: await signDevelopmentToken(TEST_JWT_SECRET, { sub, email, name }) };
}

/**
 * A directory's organization: its ADMIN, a provisioning token, and an email domain it owns
 * (claimed and verified through the test's DNS server), where its directory speaks for people.
 */
async function makeDirectory(h: Harness, label: string, dns: DnsResponder) {
  const domain = `${label}-${randomUUID().slice(0, 8)}.example`;
  const admin = await personAt(`${label}admin`, domain);
  const organization = await createOrganization(h, admin, `${label} Inc`);
  const claimed = (await h.run(AddEmailDomainDocument, { input: { organizationId: organization.id, domain } }, admin))
    .data?.addEmailDomain;
  if (!claimed) throw new Error('could not claim the domain');
  dns.txt.set(claimed.verificationRecordName, [claimed.verificationRecordValue]);
  expect(errorCodes(await h.run(VerifyEmailDomainDocument, { id: claimed.id }, admin))).toEqual([]);
  const made = await h.run(
    CreateProvisioningTokenDocument,
    { input: { organizationId: organization.id, description: `${label} directory` } },
    admin,
  );
  const created = made.data?.createProvisioningToken;
  if (!created) throw new Error(JSON.stringify(made.errors));
  return {
    admin,
    organization,
    domain,
    token: created.token,
    tokenId: created.provisioningToken.id,
    /** Someone at the organization's own domain. */
    person: (name: string) => personAt(name, domain),
  };
}

const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER],
  userName,
  name: { givenName: 'Given', familyName: userName.split('@')[0] },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
  ...extra,
});

/** docs/domain-rules.md §15: the SCIM 2.0 service provider, over real HTTP, on each database. */
describeOnEachDatabase('SCIM provisioning', (kind) => {
  const clock = new ManualClock(new Date('2026-12-01T09:00:00Z'), { running: true });
  // A real DNS server (for verified email domains) and a real SMTP server (for invitation emails).
  const dns = new DnsResponder();
  const smtp = new TestSmtpServer();
  beforeAll(async () => {
    await dns.start();
    await smtp.start();
  });
  afterAll(async () => {
    await dns.stop();
    await smtp.stop();
  });
  const h = useHarness(
    kind,
    {
      // Read when the harness is made, after the servers above have their ports.
      get DNS_SERVERS() {
        return dns.address;
      },
      get SMTP_URL() {
        return smtp.url;
      },
      DNS_TIMEOUT_MS: '500',
    },
    { nudgeOutbox: false, clock },
  );
  let base = '';
  beforeAll(async () => {
    base = (await listen(h.app)).url.replace(/\/graphql$/, '');
  });
  const directory = (label: string) => makeDirectory(h, label, dns);
  let token = '';
  const scim = scimClient(
    () => base,
    () => token,
  );

  /** A person who has signed in (a user with that verified address). */
  async function signedIn(label: string, at?: { person(name: string): Promise<Person> }): Promise<Person> {
    const person = at ? await at.person(label) : await h.person(label);
    await signIn(h, person);
    return person;
  }

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
    const asBearer = await fetch(`${base}/graphql`, {
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
    token = (await directory('discovery')).token;
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
    token = dir.token;
    const created = await scim('POST', '/Users', user('Ada@Crud.Example', { externalId: 'okta-ada' }));
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.location).toBe(`${base}/scim/v2/Users/${id}`);
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
    token = (await directory('filters')).token;
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

  it('makes someone who never signed in a provisioned invitation, and a member at their first sign-in', async () => {
    const dir = await directory('firstsignin');
    token = dir.token;
    const group = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering' })).body;
    const address = `newhire-${kind}@${dir.domain}`;
    const created = await scim('POST', '/Users', user(address, { roles: [{ value: 'ACCOUNTING', primary: true }] }));
    expect(created.status).toBe(201);
    expect(
      (
        await scim('PATCH', `/Groups/${group.id}`, {
          schemas: [PATCH],
          Operations: [{ op: 'add', path: 'members', value: [{ value: created.body.id }] }],
        })
      ).status,
    ).toBe(200);
    const before = (await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)).data
      ?.organization;
    expect(before?.invitations).toEqual([
      expect.objectContaining({
        email: address,
        role: 'ACCOUNTING',
        status: 'PENDING',
        provisioned: true,
        viewerCan: { resend: false, revoke: true },
      }),
    ]);
    expect(before?.seatsUsed).toBe(2); // the ADMIN and the seat the invitation holds
    const [outbox] = await h.database.db.query('SELECT COUNT(*) AS n FROM outbox_emails WHERE organization_id = ?', [
      dir.organization.id,
    ]);
    expect(Number(outbox.n)).toBe(0); // no email, no link
    // They sign in with that verified address: a member, with the directory's role and groups.
    const sub = `test|newhire-${kind}`;
    await signIn(h, {
      sub,
      email: address,
      name: 'New Hire',
      token: await signDevelopmentToken(TEST_JWT_SECRET, { sub, email: address, name: 'New Hire' }),
    });
    const after = (await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)).data
      ?.organization;
    expect(after?.invitations).toEqual([]);
    expect(after?.members?.nodes.find((m) => m.user.id === sub)).toMatchObject({
      role: 'ACCOUNTING',
      provisioned: true,
    });
    expect(after?.seatsUsed).toBe(2);
    const workspace = (await h.run(WorkspaceProvisionedMembersDocument, { id: group.id }, dir.admin)).data?.workspace;
    expect(workspace?.members?.nodes).toEqual([{ role: 'MEMBER', provisioned: true, user: { id: sub } }]);
    // Every change in the log: from the directory, with the token's id.
    const log = (await h.run(ProvisioningAuditLogDocument, { id: dir.organization.id }, dir.admin)).data?.organization
      ?.auditLog?.nodes;
    const fromDirectory = log?.filter((e) => e.source === 'PROVISIONING') ?? [];
    expect(fromDirectory.map((e) => e.action).reverse()).toEqual([
      'WORKSPACE_CREATED',
      'INVITATION_CREATED',
      'INVITATION_ACCEPTED',
      'MEMBER_ADDED',
      'MEMBER_ADDED',
    ]);
    expect(new Set(fromDirectory.map((e) => e.provisioningTokenId))).toEqual(new Set([dir.tokenId]));
  });

  it('makes someone who has signed in a member at once; active false removes, true restores', async () => {
    const dir = await directory('signedin');
    token = dir.token;
    const person = await signedIn('signedinperson', dir);
    const created = await scim('POST', '/Users', user(person.email));
    const members = async () =>
      (await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)).data?.organization
        ?.members?.nodes ?? [];
    expect((await members()).find((m) => m.user.id === person.sub)).toMatchObject({
      role: 'MEMBER',
      provisioned: true,
    });
    const set = (active: unknown) =>
      scim('PATCH', `/Users/${created.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'active', value: active }],
      });
    expect((await set(false)).body.active).toBe(false);
    expect((await members()).some((m) => m.user.id === person.sub)).toBe(false);
    expect((await set(true)).body.active).toBe(true);
    expect((await members()).some((m) => m.user.id === person.sub)).toBe(true);
    // DELETE removes them too.
    expect((await scim('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    expect((await members()).some((m) => m.user.id === person.sub)).toBe(false);
  });

  it('follows the sequence Microsoft Entra ID sends', async () => {
    const dir = await directory('entra');
    token = dir.token;
    const person = await signedIn('entraperson', dir);
    // Entra looks for the user before creating it.
    const lookup = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${person.email}"`)}`);
    expect([lookup.status, lookup.body.totalResults, lookup.body.Resources]).toEqual([200, 0, []]);
    const created = await scim('POST', '/Users', {
      schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: person.email,
      active: true,
      displayName: 'Entra Person',
      emails: [{ primary: true, type: 'work', value: person.email }],
      meta: { resourceType: 'User' },
      name: { formatted: 'Entra Person', familyName: 'Person', givenName: 'Entra' },
      roles: [{ primary: 'True', type: 'WindowsAzureActiveDirectoryRole', value: 'MEMBER' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Finance', employeeNumber: '42' },
    });
    expect(created.status).toBe(201);
    expect(created.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual({
      department: 'Finance',
      employeeNumber: '42',
    });
    const id = created.body.id;
    // Capitalised ops, a value-filtered path, a path-less object, a role by its primary flag.
    const updated = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: person.email },
        { op: 'Replace', path: 'name.familyName', value: 'Updated' },
        { op: 'Add', value: { displayName: 'Entra Updated', title: 'Controller' } },
        { op: 'Replace', path: 'roles[primary eq "True"].value', value: 'ACCOUNTING' },
      ],
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      displayName: 'Entra Updated',
      title: 'Controller',
      name: { familyName: 'Updated' },
      roles: [{ value: 'ACCOUNTING', primary: true }],
    });
    const member = async () =>
      (
        await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)
      ).data?.organization?.members?.nodes.find((m) => m.user.id === person.sub);
    expect((await member())?.role).toBe('ACCOUNTING');
    // Soft delete: active as the string "False".
    const disabled = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect([disabled.status, disabled.body.active, await member()]).toEqual([200, false, undefined]);
    await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', value: { active: 'True' } }],
    });
    expect((await member())?.role).toBe('ACCOUNTING');
    // Groups: looked up without members, created, members added and removed by value lists.
    const none = await scim(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Finance"')}`,
    );
    expect(none.body.totalResults).toBe(0);
    const group = await scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Finance',
      externalId: 'g-fin',
      members: [],
    });
    expect([group.status, group.location]).toEqual([201, `${base}/scim/v2/Groups/${group.body.id}`]);
    const add = await scim('PATCH', `/Groups/${group.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: id }] }],
    });
    expect(add.body.members.map((m: { value: string }) => m.value)).toEqual([id]);
    const workspaceMembers = async () =>
      (await h.run(WorkspaceProvisionedMembersDocument, { id: group.body.id }, dir.admin)).data?.workspace?.members
        ?.nodes ?? [];
    expect(await workspaceMembers()).toEqual([{ role: 'MEMBER', provisioned: true, user: { id: person.sub } }]);
    const found = await scim(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('externalId eq "g-fin"')}`,
    );
    expect([found.body.totalResults, found.body.Resources[0].members]).toEqual([1, undefined]);
    const remove = await scim('PATCH', `/Groups/${group.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Remove', path: 'members', value: [{ value: id }] }],
    });
    expect([remove.status, remove.body.members]).toEqual([200, []]);
    expect(await workspaceMembers()).toEqual([]);
  });

  it('follows the sequence Okta sends', async () => {
    const dir = await directory('okta');
    token = dir.token;
    const alice = await signedIn('oktaalice', dir);
    const bob = await signedIn('oktabob', dir);
    const ids: string[] = [];
    for (const person of [alice, bob]) {
      const lookup = await scim(
        'GET',
        `/Users?filter=${encodeURIComponent(`userName eq "${person.email}"`)}&startIndex=1&count=100`,
      );
      expect(lookup.body.totalResults).toBe(0);
      ids.push((await scim('POST', '/Users', user(person.email, { locale: 'en-US', groups: [] }))).body.id);
    }
    // Okta updates a user with PUT of the whole resource.
    const current = (await scim('GET', `/Users/${ids[0]}`)).body;
    const put = await scim('PUT', `/Users/${ids[0]}`, {
      ...current,
      name: { givenName: 'Alice', familyName: 'Renamed' },
      displayName: 'Alice Renamed',
    });
    expect([put.status, put.body.displayName, put.body.id]).toEqual([200, 'Alice Renamed', ids[0]]);
    // A group with Alice; then one request removes her and adds Bob.
    const group = (
      await scim('POST', '/Groups', {
        schemas: [GROUP],
        displayName: 'Okta group',
        members: [{ value: ids[0], display: alice.email }],
      })
    ).body;
    const swapped = await scim('PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'remove', path: `members[value eq "${ids[0]}"]` },
        { op: 'add', path: 'members', value: [{ value: ids[1], display: bob.email }] },
      ],
    });
    expect(swapped.body.members.map((m: { value: string }) => m.value)).toEqual([ids[1]]);
    const inWorkspace = (
      await h.run(WorkspaceProvisionedMembersDocument, { id: group.id }, dir.admin)
    ).data?.workspace?.members?.nodes.map((m) => m.user.id);
    expect(inWorkspace).toEqual([bob.sub]);
    // Renaming the group renames the workspace.
    await scim('PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { id: group.id, displayName: 'Renamed group' } }],
    }).then((r) => expect(r.body.scimType).toBe('mutability'));
    expect(
      (
        await scim('PATCH', `/Groups/${group.id}`, {
          schemas: [PATCH],
          Operations: [{ op: 'replace', value: { displayName: 'Renamed group' } }],
        })
      ).body.displayName,
    ).toBe('Renamed group');
    // Deactivation: PATCH active false.
    const off = await scim('PATCH', `/Users/${ids[1]}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(off.body.active).toBe(false);
    const members = (
      await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)
    ).data?.organization?.members?.nodes.map((m) => m.user.id);
    expect(members).toEqual(expect.not.arrayContaining([bob.sub]));
    expect(members).toEqual(expect.arrayContaining([alice.sub]));
  });

  it('refuses to deprovision the last ADMIN (409 naming the reason) and to pass the seat limit (403)', async () => {
    const dir = await directory('limits');
    token = dir.token;
    const adminUser = await scim('POST', '/Users', user(dir.admin.email, { roles: [{ value: 'ADMIN' }] }));
    expect(adminUser.status).toBe(201);
    const refused = await scim('PATCH', `/Users/${adminUser.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect([refused.status, refused.body.scimType, refused.body.detail]).toEqual([
      409,
      'mutability',
      expect.stringMatching(/^LAST_ADMIN: /),
    ]);
    expect((await scim('GET', `/Users/${adminUser.body.id}`)).body.active).toBe(true);
    expect((await scim('DELETE', `/Users/${adminUser.body.id}`)).status).toBe(409);
    const demote = await scim(
      'PUT',
      `/Users/${adminUser.body.id}`,
      user(dir.admin.email, { roles: [{ value: 'MEMBER' }] }),
    );
    expect([demote.status, demote.body.detail]).toEqual([409, expect.stringMatching(/^LAST_ADMIN/)]);
    // A seat limit of 2: one more person fits (as an invitation), the next does not.
    expect(
      errorCodes(
        await h.run(UpdateSeatLimitDocument, { organizationId: dir.organization.id, seatLimit: 2 }, dir.admin),
      ),
    ).toEqual([]);
    expect((await scim('POST', '/Users', user(`second@${dir.domain}`))).status).toBe(201);
    const full = await scim('POST', '/Users', user(`third@${dir.domain}`));
    expect([full.status, full.body.detail]).toEqual([403, expect.stringMatching(/^SEAT_LIMIT_REACHED/)]);
    expect(
      (await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "third@${dir.domain}"`)}`)).body.totalResults,
    ).toBe(0);
  });

  it('deletes a group only without domains; a workspace deleted in the app leaves the list', async () => {
    const dir = await directory('groups');
    token = dir.token;
    const kept = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'With domains' })).body;
    await createDomain(h, dir.admin, kept.id, 'app.groups.example');
    const refused = await scim('DELETE', `/Groups/${kept.id}`);
    expect([refused.status, refused.body.scimType]).toEqual([409, 'mutability']);
    const gone = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Empty' })).body;
    expect((await scim('DELETE', `/Groups/${gone.id}`)).status).toBe(204);
    expect((await scim('GET', `/Groups/${gone.id}`)).status).toBe(404);
    const inApp = await createWorkspace(h, dir.admin, dir.organization.id, 'Made in the app');
    expect((await scim('GET', '/Groups')).body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual([
      'With domains',
      'Made in the app',
    ]);
    expect(
      (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Bad', members: [{ value: inApp.id }] })).body
        .scimType,
    ).toBe('invalidValue');
  });

  it('speaks only for its own domains: anyone else is emailed an invitation only they can accept, account or not (issue 34 #1)', async () => {
    const dir = await directory('oracle');
    token = dir.token;
    // Someone elsewhere with an account here (and an organization of their own), and an address without one.
    const victim = await signedIn('victim');
    const theirs = await createOrganization(h, victim, 'Victim Own');
    const stranger = `stranger-${randomUUID().slice(0, 8)}@example.test`;
    const body = (address: string) => ({
      schemas: [USER],
      userName: address,
      name: { givenName: 'Sent', familyName: 'ByDirectory' },
      emails: [{ value: address, type: 'work', primary: true }],
      roles: [{ value: 'ADMIN', primary: true }],
    });
    const asked = {
      victim: await scim('POST', '/Users', body(victim.email)),
      stranger: await scim('POST', '/Users', body(stranger)),
    };
    // Byte for byte the same answer but for the address, the id and the moments: nothing tells an account.
    const shape = (answer: Awaited<ReturnType<Scim>>, address: string) =>
      JSON.stringify({ status: answer.status, type: answer.type, location: answer.location, body: answer.body })
        .split(answer.body.id)
        .join('<id>')
        .split(address)
        .join('<address>')
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<moment>');
    expect(asked.victim.status).toBe(201);
    expect(shape(asked.victim, victim.email)).toBe(shape(asked.stranger, stranger));
    expect(JSON.stringify(asked.victim.body)).not.toContain(victim.name);
    for (const [who, address] of [
      ['victim', victim.email],
      ['stranger', stranger],
    ] as const) {
      const read = await scim('GET', `/Users/${asked[who].body.id}`);
      const listed = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${address}"`)}`);
      expect([read.body, listed.body.Resources]).toEqual([asked[who].body, [asked[who].body]]);
    }
    // Nobody enrolled: not in the organization's members, not in the victim's own list.
    const seen = (await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)).data
      ?.organization;
    expect(seen?.members?.nodes.map((m) => m.user.id)).toEqual([dir.admin.sub]);
    expect(JSON.stringify(seen)).not.toContain(victim.name);
    const mine = async (who: Person) =>
      (await h.run(MeDocument, {}, who)).data?.me?.organizations?.nodes.map((o) => o.id).sort();
    expect(await mine(victim)).toEqual([theirs.id]);
    // Both asked the same way: a PENDING invitation from the directory, and an email with its link.
    expect(seen?.invitations?.map((i) => [i.email, i.role, i.status, i.provisioned]).sort()).toEqual(
      [
        [victim.email, 'ADMIN', 'PENDING', true],
        [stranger, 'ADMIN', 'PENDING', true],
      ].sort(),
    );
    await h.app.outbox.runOnce();
    const [toVictim, toStranger] = [smtp.to(victim.email), smtp.to(stranger)];
    expect([toVictim.length, toStranger.length]).toEqual([1, 1]);
    expect(toVictim[0].subject).toBe(toStranger[0].subject);
    // Signing in does not enrol someone at an address the organization does not own…
    const strangerPerson = { sub: `test|stranger-${kind}`, email: stranger, name: 'Stranger', token: '' };
    strangerPerson.token = await signDevelopmentToken(TEST_JWT_SECRET, strangerPerson);
    await signIn(h, strangerPerson);
    expect(await mine(strangerPerson)).toEqual([]);
    // …and the link is theirs alone: another signed-in person cannot use it.
    const victimToken = tokenFromEmail(toVictim[0], h.config.appUrl);
    const other = await signedIn('other');
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: { token: victimToken } }, other))).toEqual([
      'EMAIL_MISMATCH',
    ]);
    // Their acceptance makes them members, with the directory's role, managed by it from then on.
    for (const [who, mail] of [
      [victim, toVictim[0]],
      [strangerPerson, toStranger[0]],
    ] as const) {
      const accepted = await h.run(
        AcceptInvitationDocument,
        { input: { token: tokenFromEmail(mail, h.config.appUrl) } },
        who,
      );
      expect(errorCodes(accepted)).toEqual([]);
    }
    expect(await mine(victim)).toEqual([theirs.id, dir.organization.id].sort());
    const after = (await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)).data
      ?.organization;
    expect(after?.invitations).toEqual([]);
    expect(
      after?.members?.nodes
        .filter((m) => m.user.id !== dir.admin.sub)
        .map((m) => [m.user.id, m.role, m.provisioned])
        .sort(),
    ).toEqual(
      [
        [victim.sub, 'ADMIN', true],
        [strangerPerson.sub, 'ADMIN', true],
      ].sort(),
    );
    const off = await scim('PATCH', `/Users/${asked.victim.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(off.status).toBe(200);
    expect(await mine(victim)).toEqual([theirs.id]);
  });

  it('takes away only what it gave: a workspace ADMIN given by a person outlasts the group (issue 34 #5)', async () => {
    const dir = await directory('given');
    token = dir.token;
    const person = await signedIn('givenadmin', dir);
    const workspace = await createWorkspace(h, dir.admin, dir.organization.id, 'Given');
    const until = new Date(clock.now().getTime() + 30 * 24 * 3600_000);
    await addMember(h, person, { kind: ScopeKind.ORGANIZATION, organizationId: dir.organization.id }, Role.MEMBER);
    await withOrganizationLock(
      h.database.db,
      dir.organization.id,
      (em) =>
        grantMembership(
          em,
          systemActor(clock.now()),
          person.sub,
          { kind: ScopeKind.WORKSPACE, organizationId: dir.organization.id, workspaceId: workspace.id },
          Role.ADMIN,
          'refuse',
          until,
        ),
      () => new Error('no organization'),
    );
    const held = async () => {
      const rows = await h.database.db.query(
        'SELECT role, expires_at, provisioned FROM memberships WHERE user_id = ? AND scope_id = ?',
        [person.sub, workspace.id],
      );
      return rows.map((r: { role: string; expires_at: unknown; provisioned: unknown }) => ({
        role: r.role,
        expires: r.expires_at !== null,
        provisioned: Boolean(r.provisioned),
      }));
    };
    const given = [{ role: 'ADMIN', expires: true, provisioned: false }];
    expect(await held()).toEqual(given);
    const id = (await scim('POST', '/Users', user(person.email))).body.id;
    const added = await scim('PATCH', `/Groups/${workspace.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }],
    });
    expect([added.status, added.body.members.map((m: { value: string }) => m.value)]).toEqual([200, [id]]);
    expect(await held()).toEqual(given);
    const removed = await scim('PATCH', `/Groups/${workspace.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }],
    });
    expect([removed.status, removed.body.members]).toEqual([200, []]);
    expect(await held()).toEqual(given);
    // The same through PUT, and the user's own PUT on the way.
    await scim('PUT', `/Groups/${workspace.id}`, { schemas: [GROUP], displayName: 'Given', members: [{ value: id }] });
    await scim('PUT', `/Users/${id}`, user(person.email, { displayName: 'Again' }));
    await scim('PUT', `/Groups/${workspace.id}`, { schemas: [GROUP], displayName: 'Given', members: [] });
    expect(await held()).toEqual(given);
  });

  it('answers paging and filters beyond its bounds with a SCIM 400, never a 500 (issue 34 #6)', async () => {
    const dir = await directory('bounds');
    token = dir.token;
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

  it('serializes a deprovisioning and a GraphQL change of the same organization: never without an ADMIN', async () => {
    for (let round = 0; round < 8; round++) {
      const dir = await directory(`race${round}`);
      const second = await signedIn(`racesecond${round}`);
      await addMember(h, second, { kind: ScopeKind.ORGANIZATION, organizationId: dir.organization.id }, Role.ADMIN);
      const provisioned = await scim(
        'POST',
        '/Users',
        user(dir.admin.email, { roles: [{ value: 'ADMIN' }] }),
        dir.token,
      );
      // At once: the directory deprovisions the first ADMIN; the second ADMIN leaves.
      const [deprovision, leave] = await Promise.all([
        scim(
          'PATCH',
          `/Users/${provisioned.body.id}`,
          { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] },
          dir.token,
        ),
        h.run(LeaveOrganizationDocument, { organizationId: dir.organization.id }, second),
      ]);
      const outcomes = [deprovision.status === 200, errorCodes(leave).length === 0];
      // Exactly one of them happened; the other was refused as the last ADMIN's.
      expect([round, outcomes.filter(Boolean).length]).toEqual([round, 1]);
      if (!outcomes[0]) expect(deprovision.body.detail).toMatch(/^LAST_ADMIN/);
      if (!outcomes[1]) expect(errorCodes(leave)).toEqual(['LAST_ADMIN']);
      const [admins] = await h.database.db.query(
        "SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ? AND role = 'ADMIN'",
        [dir.organization.id],
      );
      expect([round, Number(admins.n)]).toEqual([round, 1]);
      expect(await memberCountDrift(h.database.db)).toEqual([]);
    }
  });
});
