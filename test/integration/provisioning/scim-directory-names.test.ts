import { randomUUID } from 'node:crypto';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { DnsResponder } from '../../../src/dev/dns-responder';
import {
  AddEmailDomainDocument,
  CreateProvisioningTokenDocument,
  CreateWorkspaceDocument,
  VerifyEmailDomainDocument,
} from '../../generated/graphql';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import { createOrganization, signIn } from '../../support/factories';
import { errorCodes, type Harness, type Person, TEST_JWT_SECRET } from '../../support/harness';
import { listen } from '../../support/http';

/**
 * The name a directory sends (SCIM `displayName`, docs/domain-rules.md §15) shows as
 * `directoryName` on the person's provisioned invitation and, once they sign in, on their
 * membership: only in the organization whose directory sent it, only to who may read them.
 */

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PEOPLE = `query($id: ID!) { organization(id: $id) {
  invitations { email provisioned directoryName }
  members(first: 100) { nodes { directoryName user { id displayName } } } } }`;

describeOnEachDatabase('directory names', (kind) => {
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

  async function person(label: string, domain: string, name?: string): Promise<Person> {
    const sub = `test|${label}-${randomUUID().slice(0, 8)}`;
    const email = `${label}@${domain}`;
    return { sub, email, name: name ?? '', token: await signDevelopmentToken(TEST_JWT_SECRET, { sub, email, name }) };
  }

  /** An organization whose directory may provision addresses at `domain`. */
  async function directory(label: string, domain: string, verify = true) {
    const admin = await person(`${label}-admin`, `${label}.example`, 'Admin');
    const organization = await createOrganization(h, admin, `${label} Inc`);
    const claimed = (await h.run(AddEmailDomainDocument, { input: { organizationId: organization.id, domain } }, admin))
      .data!.addEmailDomain;
    if (verify) {
      dns.txt.set(claimed.verificationRecordName, [claimed.verificationRecordValue]);
      expect(errorCodes(await h.run(VerifyEmailDomainDocument, { id: claimed.id }, admin))).toEqual([]);
    }
    const token = (await h.run(CreateProvisioningTokenDocument, { input: { organizationId: organization.id } }, admin))
      .data!.createProvisioningToken.token;
    const provision = async (userName: string, displayName: string) => {
      const response = await fetch(`${base}/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: [USER],
          userName,
          displayName,
          emails: [{ value: userName, primary: true }],
          active: true,
        }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    /** A directory group (a workspace) with these SCIM users as its members. */
    const group = async (displayName: string, members: string[]) => {
      const response = await fetch(`${base}/scim/v2/Groups`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName,
          members: members.map((value) => ({ value })),
        }),
      });
      expect(response.status).toBe(201);
    };
    const people = async (viewer: Person = admin) => h.run(PEOPLE, { id: organization.id }, viewer);
    return { admin, organization, provision, group, people };
  }

  it("shows the directory's name on the pending invitation, then on the membership after a nameless first sign-in", async () => {
    const domain = `names-${randomUUID().slice(0, 8)}.example`;
    const acme = await directory('acme', domain);
    const newHire = await person('new.hire', domain);
    await acme.provision(newHire.email, 'Ada Lovelace');

    const before = (await acme.people()).data as any;
    expect(before.organization.invitations).toEqual([
      { email: newHire.email, provisioned: true, directoryName: 'Ada Lovelace' },
    ]);
    // The admin invited by hand carries no directory name.
    expect(before.organization.members.nodes).toEqual([
      { directoryName: null, user: { id: acme.admin.sub, displayName: 'Admin' } },
    ]);

    await signIn(h, newHire); // the token names nobody
    const after = (await acme.people()).data as any;
    expect(after.organization.invitations).toEqual([]);
    expect(after.organization.members.nodes).toContainEqual({
      directoryName: 'Ada Lovelace',
      user: { id: newHire.sub, displayName: null },
    });
  });

  it("names people in the audit log by the directory's name, and finds them by it", async () => {
    const domain = `log-${randomUUID().slice(0, 8)}.example`;
    const acme = await directory('log', domain);
    const newHire = await person('log.hire', domain);
    const scimId = await acme.provision(newHire.email, 'Katherine Johnson');
    await signIn(h, newHire); // the token names nobody
    // A group of the directory is marked as one; a workspace made by a person is not.
    await acme.group('Flight research', [scimId]);
    await h.run(
      CreateWorkspaceDocument,
      { input: { organizationId: acme.organization.id, name: 'By hand' } },
      acme.admin,
    );
    const workspaces = await h.run(
      'query($id: ID!) { organization(id: $id) { workspaces { name directoryGroup } } }',
      { id: acme.organization.id },
      acme.admin,
    );
    expect((workspaces.data as any).organization.workspaces).toEqual(
      expect.arrayContaining([
        { name: 'Flight research', directoryGroup: true },
        { name: 'By hand', directoryGroup: false },
      ]),
    );
    const read = await h.run(
      `query($id: ID!) { organization(id: $id) {
        auditLog(first: 50) { nodes { action scope email actor { id } subject { id } actorDirectoryName subjectDirectoryName } }
        auditLogPeople(search: "johnson") { id displayName } } }`,
      { id: acme.organization.id },
      acme.admin,
    );
    expect(read.errors).toBeUndefined();
    const nodes = (read.data as any).organization.auditLog.nodes as any[];
    // Invited by address before they signed in: named through the address the directory gave.
    expect(nodes.find((e) => e.action === 'INVITATION_CREATED')).toMatchObject({
      email: newHire.email,
      subject: null,
      subjectDirectoryName: 'Katherine Johnson',
    });
    // Joined on the directory's word at their sign-in: actor and subject, both named.
    expect(
      nodes.find((e) => e.action === 'MEMBER_ADDED' && e.scope === 'ORGANIZATION' && e.subject?.id === newHire.sub),
    ).toMatchObject({
      actor: { id: newHire.sub },
      actorDirectoryName: 'Katherine Johnson',
      subjectDirectoryName: 'Katherine Johnson',
    });
    // The admin's own events name no directory name.
    expect(nodes.find((e) => e.action === 'ORGANIZATION_CREATED')).toMatchObject({ actorDirectoryName: null });
    // Found by the name only their directory gave.
    expect((read.data as any).organization.auditLogPeople).toEqual([{ id: newHire.sub, displayName: null }]);
    // The export names them the same way, and its CSV puts the name where the person gave none.
    const exported = async (format: string) =>
      (
        await fetch(`${base}/audit/export?organizationId=${acme.organization.id}&format=${format}`, {
          headers: { authorization: `Bearer ${acme.admin.token}` },
        })
      ).text();
    const lines = (await exported('ndjson'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.find((e) => e.action === 'INVITATION_CREATED')).toMatchObject({
      subject: null,
      subjectDirectoryName: 'Katherine Johnson',
    });
    expect(await exported('csv')).toContain(`${newHire.sub},${newHire.email},Katherine Johnson,`);
  });

  it("never shows another organization's directory name, nor anything to who may not read the members", async () => {
    const domain = `two-${randomUUID().slice(0, 8)}.example`;
    const first = await directory('first', domain);
    // A second organization provisions the same address under another name (its domain unverified:
    // the directory may still provision, the person is simply not linked by it).
    const second = await directory('second', domain, false);
    const grace = await person('grace', domain);
    await first.provision(grace.email, 'Grace Hopper');
    await second.provision(grace.email, 'Amazing Grace');

    const seen = async (dir: typeof first) =>
      ((await dir.people()).data as any).organization.invitations.map((i: any) => i.directoryName);
    expect(await seen(first)).toEqual(['Grace Hopper']);
    expect(await seen(second)).toEqual(['Amazing Grace']);

    await signIn(h, grace);
    const member = (((await first.people()).data as any).organization.members.nodes as any[]).find(
      (m) => m.user.id === grace.sub,
    );
    expect(member.directoryName).toBe('Grace Hopper');

    // An outsider reads nothing of the organization's people, names included.
    const outsider = await person('outsider', 'elsewhere.example', 'Outsider');
    await signIn(h, outsider);
    const refused = await first.people(outsider);
    expect(JSON.stringify(refused.data ?? null)).not.toContain('Grace');
    expect(errorCodes(refused).length).toBeGreaterThan(0);
  });
});
