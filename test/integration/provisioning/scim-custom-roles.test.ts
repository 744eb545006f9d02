import { randomUUID } from 'node:crypto';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { DnsResponder } from '../../../src/dev/dns-responder';
import {
  AddEmailDomainDocument,
  CreateProvisioningTokenDocument,
  VerifyEmailDomainDocument,
} from '../../generated/graphql';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { addMember, createOrganization, signIn } from '../../support/factories';
import { errorCodes, type Harness, type Person, TEST_JWT_SECRET } from '../../support/harness';
import { listen } from '../../support/http';

/**
 * A directory names custom roles (docs/domain-rules.md §15, §18): in a User's `roles`, and in the
 * role a Group gives its members (the membership extension), held under the rules the GraphQL API
 * gives them by; an unknown role, another organization's, or one the scope does not accept is a
 * SCIM 400 `invalidValue` that writes nothing and tells nothing of other organizations.
 */

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const EXTENSION = 'urn:ietf:params:scim:schemas:extension:membership:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const CREATE_ROLE = `mutation($input: CreateCustomRoleInput!) { createCustomRole(input: $input) { id name } }`;
const DELETE_ROLE = `mutation($id: ID!, $reassign: ReassignCustomRoleInput) { deleteCustomRole(id: $id, reassign: $reassign) }`;
const ORG_MEMBERS = `query($id: ID!) { organization(id: $id) {
  members(first: 100) { nodes { role provisioned user { id } customRole { id name } } } } }`;
const WS_MEMBERS = `query($id: ID!) { workspace(id: $id) {
  members(first: 100) { nodes { role provisioned user { id } customRole { name } } } } }`;

describeOnEachDatabase('SCIM and custom roles', (kind) => {
  const dns = new DnsResponder();
  beforeAll(() => dns.start());
  afterAll(() => dns.stop());
  const h: Harness = useHarness(kind, {
    get DNS_SERVERS() {
      return dns.address;
    },
    DNS_TIMEOUT_MS: '500',
  });
  let base = '';
  beforeAll(async () => {
    base = (await listen(h.app)).url.replace(/\/graphql$/, '');
  });

  async function personAt(label: string, domain: string): Promise<Person> {
    const suffix = randomUUID().slice(0, 8);
    const sub = `test|${label}-${suffix}`;
    const email = `${label}-${suffix}@${domain}`;
    return { sub, email, name: label, token: await signDevelopmentToken(TEST_JWT_SECRET, { sub, email, name: label }) };
  }

  /** An organization with a verified email domain, a provisioning token, and custom roles. */
  async function directory(label: string) {
    const domain = `${label}-${randomUUID().slice(0, 8)}.example`;
    const admin = await personAt(`${label}admin`, domain);
    const organization = await createOrganization(h, admin, `${label} Inc`);
    const claimed = (await h.run(AddEmailDomainDocument, { input: { organizationId: organization.id, domain } }, admin))
      .data!.addEmailDomain;
    dns.txt.set(claimed.verificationRecordName, [claimed.verificationRecordValue]);
    expect(errorCodes(await h.run(VerifyEmailDomainDocument, { id: claimed.id }, admin))).toEqual([]);
    const token = (await h.run(CreateProvisioningTokenDocument, { input: { organizationId: organization.id } }, admin))
      .data!.createProvisioningToken.token;
    const role = async (name: string, baseRole = 'MEMBER', scope = 'ORGANIZATION', keys = ['READ_AUDIT_LOG']) => {
      const made = await h.run(
        CREATE_ROLE,
        { input: { organizationId: organization.id, name, baseRole, grants: [{ scope, keys }] } },
        admin,
      );
      expect(made.errors).toBeUndefined();
      return (made.data as any).createCustomRole as { id: string; name: string };
    };
    const scim = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}/scim/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    };
    const members = async () =>
      ((await h.run(ORG_MEMBERS, { id: organization.id }, admin)).data as any).organization.members.nodes as any[];
    const workspaceMembers = async (id: string) =>
      ((await h.run(WS_MEMBERS, { id }, admin)).data as any).workspace.members.nodes as any[];
    const signedIn = async (name: string) => {
      const person = await personAt(name, domain);
      await signIn(h, person);
      return person;
    };
    return { admin, organization, domain, role, scim, members, workspaceMembers, signedIn };
  }

  const user = (userName: string, roles?: unknown) => ({
    schemas: [USER],
    userName,
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...(roles === undefined ? {} : { roles }),
  });
  /** What the directory's writes left: rows it keeps, memberships, invitations, audit events. */
  const footprint = async (organizationId: string) => {
    const count = async (table: string) =>
      Number(
        (await h.database.db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE organization_id = ?`, [organizationId]))[0]
          .n,
      );
    return Promise.all(['scim_users', 'memberships', 'invitations', 'audit_events'].map(count));
  };

  it('gives a User the custom role its roles name (by name in any case, or by id), shown by name; the audit names it', async () => {
    const dir = await directory('named');
    const billing = await dir.role('Billing viewer', 'ACCOUNTING');
    const auditor = await dir.role('Auditor');
    const alice = await dir.signedIn('alice');
    const created = await dir.scim('POST', '/Users', user(alice.email, [{ value: 'billing VIEWER', primary: true }]));
    expect([created.status, created.body.roles]).toEqual([201, [{ value: 'Billing viewer', primary: true }]]);
    const held = () => dir.members().then((all) => all.find((m) => m.user.id === alice.sub));
    expect(await held()).toMatchObject({
      role: 'ACCOUNTING',
      provisioned: true,
      customRole: { id: billing.id, name: 'Billing viewer' },
    });
    const [event] = await h.database.db.query(
      "SELECT custom_role FROM audit_events WHERE organization_id = ? AND subject_id = ? AND action = 'MEMBER_ADDED'",
      [dir.organization.id, alice.sub],
    );
    expect(event.custom_role).toBe('Billing viewer');
    // By id; the list and the read show the name.
    const put = await dir.scim('PUT', `/Users/${created.body.id}`, user(alice.email, [{ value: auditor.id }]));
    expect(put.body.roles).toEqual([{ value: 'Auditor', primary: true }]);
    expect(await held()).toMatchObject({ role: 'MEMBER', customRole: { id: auditor.id } });
    const listed = await dir.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${alice.email}"`)}`);
    expect(listed.body.Resources[0].roles).toEqual([{ value: 'Auditor', primary: true }]);
    // A built-in role takes the custom role away.
    await dir.scim('PATCH', `/Users/${created.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'roles', value: [{ value: 'MEMBER', primary: true }] }],
    });
    expect(await held()).toMatchObject({ role: 'MEMBER', customRole: null });
    expect((await dir.scim('GET', `/Users/${created.body.id}`)).body.roles).toEqual([
      { value: 'MEMBER', primary: true },
    ]);
  });

  it("refuses an unknown role, another organization's and one the scope does not accept: 400 invalidValue, nothing written", async () => {
    const dir = await directory('refused');
    const other = await directory('elsewhere');
    const theirs = await other.role('Their secret role');
    const alice = await dir.signedIn('alice');
    const before = await footprint(dir.organization.id);
    const refusals = [];
    for (const value of ['Nobody has this', 'Their secret role', theirs.id]) {
      const refused = await dir.scim('POST', '/Users', user(alice.email, [{ value }]));
      expect([refused.status, refused.body.scimType]).toEqual([400, 'invalidValue']);
      refusals.push(refused.body.detail.replace(JSON.stringify(value), '<value>'));
    }
    // The same words for all three: nothing tells whether the role exists somewhere else.
    expect(new Set(refusals).size).toBe(1);
    expect(refusals[0]).not.toContain(other.organization.id);
    expect(await footprint(dir.organization.id)).toEqual(before);
    // A PATCH to an unknown role leaves the User and the membership as they were.
    const made = await dir.scim('POST', '/Users', user(alice.email, [{ value: 'MEMBER' }]));
    const kept = await footprint(dir.organization.id);
    const patched = await dir.scim('PATCH', `/Users/${made.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'roles[primary eq "True"].value', value: 'Their secret role' }],
    });
    expect([patched.status, patched.body.scimType]).toEqual([400, 'invalidValue']);
    expect(await footprint(dir.organization.id)).toEqual(kept);
    expect((await dir.scim('GET', `/Users/${made.body.id}`)).body.roles).toEqual([{ value: 'MEMBER', primary: true }]);
    // An ACCOUNTING-based role is held at organization scope only: no group gives it, nor a built-in ADMIN,
    // nor an unknown role or another organization's.
    const billing = await dir.role('Billing', 'ACCOUNTING');
    for (const role of [billing.name, 'ADMIN', 'Nobody has this', 'Their secret role', theirs.id]) {
      const group = await dir.scim('POST', '/Groups', {
        schemas: [GROUP, EXTENSION],
        displayName: `Refused ${role}`,
        [EXTENSION]: { role },
      });
      expect([group.status, group.body.scimType]).toEqual([400, 'invalidValue']);
    }
    expect((await dir.scim('GET', '/Groups')).body.totalResults).toBe(0);
  });

  it('takes a custom role in the shapes Entra ID and Okta send', async () => {
    const dir = await directory('dialects');
    await dir.role('Billing viewer', 'ACCOUNTING');
    await dir.role('Auditor');
    const [entra, okta] = [await dir.signedIn('entra'), await dir.signedIn('okta')];
    // Entra: an app role assignment as roles[primary eq "True"], booleans as strings; PATCH by that path.
    const created = await dir.scim('POST', '/Users', {
      ...user(entra.email),
      roles: [{ primary: 'True', type: 'WindowsAzureActiveDirectoryRole', value: 'Billing viewer' }],
    });
    expect(created.body.roles).toEqual([{ value: 'Billing viewer', primary: true }]);
    const patched = await dir.scim('PATCH', `/Users/${created.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'roles[primary eq "True"].value', value: 'Auditor' }],
    });
    expect(patched.body.roles).toEqual([{ value: 'Auditor', primary: true }]);
    // Okta: a string array attribute, and PUT of the whole resource.
    const made = await dir.scim('POST', '/Users', { ...user(okta.email), roles: ['Auditor'] });
    const put = await dir.scim('PUT', `/Users/${made.body.id}`, { ...made.body, roles: ['billing viewer'] });
    expect(put.body.roles).toEqual([{ value: 'Billing viewer', primary: true }]);
    const roles = Object.fromEntries((await dir.members()).map((m) => [m.user.id, [m.role, m.customRole?.name]]));
    expect([roles[entra.sub], roles[okta.sub]]).toEqual([
      ['MEMBER', 'Auditor'],
      ['ACCOUNTING', 'Billing viewer'],
    ]);
  });

  it('keeps the custom role on the invitation of someone who has not signed in, and gives it at their first sign-in', async () => {
    const dir = await directory('later');
    const auditor = await dir.role('Auditor');
    const bob = await personAt('bob', dir.domain);
    const created = await dir.scim('POST', '/Users', user(bob.email, [{ value: 'auditor' }]));
    expect(created.status).toBe(201);
    const [invitation] = await h.database.db.query(
      "SELECT role, custom_role_id FROM invitations WHERE organization_id = ? AND email = ? AND status = 'PENDING'",
      [dir.organization.id, bob.email],
    );
    expect(invitation).toEqual({ role: 'MEMBER', custom_role_id: auditor.id });
    await signIn(h, bob);
    expect((await dir.members()).find((m) => m.user.id === bob.sub)).toMatchObject({
      role: 'MEMBER',
      provisioned: true,
      customRole: { name: 'Auditor' },
    });
  });

  it("gives a Group's members the custom role it carries, follows it when it changes, and leaves a person's grant alone", async () => {
    const dir = await directory('groups');
    const support = await dir.role('Support', 'MEMBER', 'WORKSPACE', ['INVITE_MEMBERS']);
    const triage = await dir.role('Triage', 'MEMBER', 'WORKSPACE', ['INVITE_MEMBERS']);
    const alice = await dir.signedIn('alice');
    const ids = [(await dir.scim('POST', '/Users', user(alice.email))).body.id];
    const group = await dir.scim('POST', '/Groups', {
      schemas: [GROUP, EXTENSION],
      displayName: 'Support desk',
      members: [{ value: ids[0] }],
      [EXTENSION]: { role: 'support' },
    });
    expect([group.status, group.body.schemas, group.body[EXTENSION]]).toEqual([
      201,
      [GROUP, EXTENSION],
      { role: 'Support' },
    ]);
    expect(await dir.workspaceMembers(group.body.id)).toEqual([
      { role: 'MEMBER', provisioned: true, user: { id: alice.sub }, customRole: { name: 'Support' } },
    ]);
    // Entra's and Okta's way of changing an extension attribute: a PATCH with its full path.
    const changed = await dir.scim('PATCH', `/Groups/${group.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: `${EXTENSION}:role`, value: triage.id }],
    });
    expect([changed.status, changed.body[EXTENSION]]).toEqual([200, { role: 'Triage' }]);
    expect((await dir.workspaceMembers(group.body.id))[0].customRole).toEqual({ name: 'Triage' });
    // A workspace ADMIN given by a person, who then joins the group: their grant stays as it is.
    const bob = await dir.signedIn('bob');
    const workspace = {
      kind: ScopeKind.WORKSPACE as const,
      organizationId: dir.organization.id,
      workspaceId: group.body.id as string,
    };
    await addMember(h, bob, workspace, Role.ADMIN);
    ids.push((await dir.scim('POST', '/Users', user(bob.email))).body.id);
    const removed = await dir.scim('PATCH', `/Groups/${group.body.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'add', path: 'members', value: [{ value: ids[1] }] },
        { op: 'remove', path: `${EXTENSION}:role` },
      ],
    });
    expect([removed.status, removed.body[EXTENSION], removed.body.schemas]).toEqual([200, undefined, [GROUP]]);
    const after = await dir.workspaceMembers(group.body.id);
    expect(after.find((m) => m.user.id === alice.sub)).toMatchObject({ role: 'MEMBER', customRole: null });
    expect(after.find((m) => m.user.id === bob.sub)).toMatchObject({ role: 'ADMIN', provisioned: false });
    // Discovery names the extension.
    const type = await dir.scim('GET', '/ResourceTypes/Group');
    expect(type.body.schemaExtensions).toEqual([{ schema: EXTENSION, required: false }]);
    expect(support.id).not.toBe(triage.id);
  });

  it("moves the directory's Users and Groups with the holders when a custom role is deleted with reassign", async () => {
    const dir = await directory('moved');
    const old = await dir.role('Old desk', 'MEMBER', 'WORKSPACE', ['INVITE_MEMBERS']);
    const next = await dir.role('New desk', 'MEMBER', 'WORKSPACE', ['INVITE_MEMBERS']);
    const alice = await dir.signedIn('alice');
    const made = await dir.scim('POST', '/Users', user(alice.email, [{ value: 'Old desk' }]));
    const group = await dir.scim('POST', '/Groups', {
      schemas: [GROUP, EXTENSION],
      displayName: 'Desk',
      members: [{ value: made.body.id }],
      [EXTENSION]: { role: 'Old desk' },
    });
    const deleted = await h.run(DELETE_ROLE, { id: old.id, reassign: { customRoleId: next.id } }, dir.admin);
    expect(deleted.errors).toBeUndefined();
    expect((await dir.scim('GET', `/Users/${made.body.id}`)).body.roles).toEqual([
      { value: 'New desk', primary: true },
    ]);
    expect((await dir.scim('GET', `/Groups/${group.body.id}`)).body[EXTENSION]).toEqual({ role: 'New desk' });
    expect((await dir.members()).find((m) => m.user.id === alice.sub).customRole).toEqual({
      id: next.id,
      name: 'New desk',
    });
    // To the base role: the directory's rows follow too.
    expect(
      (await h.run(DELETE_ROLE, { id: next.id, reassign: { customRoleId: null } }, dir.admin)).errors,
    ).toBeUndefined();
    expect((await dir.scim('GET', `/Users/${made.body.id}`)).body.roles).toEqual([{ value: 'MEMBER', primary: true }]);
    expect((await dir.scim('GET', `/Groups/${group.body.id}`)).body[EXTENSION]).toBeUndefined();
  });
});
