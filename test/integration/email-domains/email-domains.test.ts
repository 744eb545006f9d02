import { randomUUID } from 'node:crypto';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import {
  AddEmailDomainDocument,
  JoinableOrganizationsDocument,
  JoinOrganizationDocument,
  OrganizationDocument,
  OrganizationEmailDomainsDocument,
  RemoveEmailDomainDocument,
  UpdateEmailDomainDocument,
  UpdateSeatLimitDocument,
  VerifyEmailDomainDocument,
} from '../../generated/graphql';
import { createOrganization, createWorld, type World } from '../../support/factories';
import { createHarness, errorCodes, type Harness, type Person, TEST_JWT_SECRET } from '../../support/harness';
import { DnsResponder } from '../../../src/dev/dns-responder';
import { describeOnEachDatabase } from '../../support/each-database';

/**
 * Verified email domains and joining by them (docs/domain-rules.md §13), verified against a real DNS server on
 * loopback that the test runs and tells what to answer.
 */
describeOnEachDatabase('email domains', (kind) => {
  let dns: DnsResponder;
  let h: Harness;
  let world: World;
  let domain: string;
  beforeAll(async () => {
    dns = await new DnsResponder().start();
    h = await createHarness(kind, { DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    await h.close();
    await dns.stop();
  });
  beforeEach(async () => {
    world = await createWorld(h);
    domain = `acme-${randomUUID().slice(0, 8)}.example`;
    dns.silent = false;
  });

  const admin = () => world.people.orgAdmin;
  const claim = async (who: Person = admin(), organizationId = world.organization.id, name = domain) =>
    h.run(AddEmailDomainDocument, { input: { organizationId, domain: name, enrollment: 'AUTO_JOIN' } }, who);
  const verify = (id: string, who: Person = admin()) => h.run(VerifyEmailDomainDocument, { id }, who);
  /** Someone signed in with an address, verified or not. */
  async function signedIn(email: string, emailVerified = true): Promise<Person> {
    const sub = `test|joiner-${randomUUID().slice(0, 8)}`;
    const token = await signDevelopmentToken(TEST_JWT_SECRET, { sub, email, name: 'Joiner', emailVerified });
    return { sub, email, name: 'Joiner', token };
  }
  /** Claims the domain, publishes its record and verifies it. */
  async function verified(): Promise<string> {
    const claimed = (await claim()).data!.addEmailDomain;
    dns.txt.set(claimed.verificationRecordName, ['v=spf1 -all', claimed.verificationRecordValue]);
    const result = await verify(claimed.id);
    expect(result.errors).toBeUndefined();
    return claimed.id;
  }

  it('claims a domain, then verifies it by the TXT record found in DNS', async () => {
    const claimed = await claim();
    expect(claimed.errors).toBeUndefined();
    const row = claimed.data!.addEmailDomain;
    expect(row).toMatchObject({
      domain,
      verified: false,
      verifiedAt: null,
      verificationRecordName: `_membership-verification.${domain}`,
      enrollment: 'AUTO_JOIN',
    });
    expect(row.verificationRecordValue).toMatch(/^membership-verification=[0-9a-f]{32}$/);
    dns.txt.set(row.verificationRecordName, [row.verificationRecordValue]);
    const done = await verify(row.id);
    expect(done.errors).toBeUndefined();
    expect(done.data!.verifyEmailDomain.verified).toBe(true);
    expect(dns.questions).toContain(`${row.verificationRecordName} TXT`);
    const listed = await h.run(OrganizationEmailDomainsDocument, { id: world.organization.id }, admin());
    expect(listed.data?.organization?.emailDomains?.map((d) => [d.domain, d.verified])).toEqual([[domain, true]]);
    const [event] = await h.database.db.query(
      "SELECT email FROM audit_events WHERE organization_id = ? AND action = 'EMAIL_DOMAIN_VERIFIED'",
      [world.organization.id],
    );
    expect(event.email).toBe(domain);
  });

  it('fails verification clearly for a missing record, a wrong value, and a server that does not answer', async () => {
    const row = (await claim()).data!.addEmailDomain;
    const failure = async () => {
      const result = await verify(row.id);
      return [errorCodes(result), result.errors?.[0].message];
    };
    // Nothing published at all: the name does not exist.
    expect(await failure()).toEqual([['VERIFICATION_FAILED'], expect.stringContaining('No TXT record')]);
    dns.txt.set(row.verificationRecordName, ['membership-verification=someone-elses']);
    expect(await failure()).toEqual([['VERIFICATION_FAILED'], expect.stringContaining('does not hold')]);
    dns.silent = true;
    expect(await failure()).toEqual([['VERIFICATION_FAILED'], expect.stringContaining('in time')]);
    const listed = await h.run(OrganizationEmailDomainsDocument, { id: world.organization.id }, admin());
    expect(listed.data?.organization?.emailDomains?.[0].verified).toBe(false);
  });

  it('refuses public mail providers, a second claim, and a domain another organization verified', async () => {
    const refusedNames = [
      'gmail.com',
      'Outlook.com',
      'not a domain',
      'localhost',
      // Public suffixes (the Public Suffix List, private suffixes included): anyone registers under them.
      'co.uk',
      'github.io',
      // A public provider's national domain, and a name under a provider's.
      'yahoo.co.jp',
      'sub.gmail.com',
      // "gmаil.com" with a Cyrillic а: a look-alike written in mixed scripts.
      'xn--gmil-63d.com',
    ];
    for (const name of refusedNames) {
      const result = await claim(admin(), world.organization.id, name);
      expect([name, errorCodes(result), result.errors?.[0].extensions?.field]).toEqual([
        name,
        ['BAD_USER_INPUT'],
        'domain',
      ]);
    }
    const [stored] = await h.database.db.query('SELECT COUNT(*) AS n FROM email_domains WHERE organization_id = ?', [
      world.organization.id,
    ]);
    expect(Number(stored.n)).toBe(0);
    // Names under an ordinary registered domain, and internationalised names in one script, may be claimed.
    for (const name of ['mail.acme.co.uk', 'xn--bcher-kva.de']) {
      expect([name, errorCodes(await claim(admin(), world.organization.id, name))]).toEqual([name, []]);
    }
    await verified();
    expect(errorCodes(await claim())).toEqual(['BAD_USER_INPUT']);
    const rival = await createOrganization(h, world.people.outsider, 'Rival');
    const theirs = (await claim(world.people.outsider, rival.id)).data!.addEmailDomain;
    dns.txt.set(theirs.verificationRecordName, [theirs.verificationRecordValue]);
    const refused = await verify(theirs.id, world.people.outsider);
    expect([errorCodes(refused), refused.errors?.[0].extensions?.field]).toEqual([['BAD_USER_INPUT'], 'domain']);
  });

  it('is managed with UPDATE on the organization; others cannot tell a claim exists', async () => {
    const id = (await claim()).data!.addEmailDomain.id;
    expect(errorCodes(await claim(world.people.orgMember))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await claim(world.people.outsider))).toEqual(['NOT_FOUND']);
    for (const who of [world.people.orgMember, world.people.orgAccounting, world.people.outsider]) {
      expect(errorCodes(await verify(id, who))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await h.run(RemoveEmailDomainDocument, { id }, who))).toEqual(['NOT_FOUND']);
    }
    const domains = await h.run(
      OrganizationEmailDomainsDocument,
      { id: world.organization.id },
      world.people.orgMember,
    );
    expect(errorCodes(domains)).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.run(RemoveEmailDomainDocument, { id }, admin()))).toEqual([]);
    expect(errorCodes(await verify(id))).toEqual(['NOT_FOUND']);
  });

  describe('joining by a verified domain', () => {
    const joinable = async (who: Person) =>
      (await h.run(JoinableOrganizationsDocument, {}, who)).data?.me?.joinableOrganizations;
    const join = (who: Person) => h.run(JoinOrganizationDocument, { organizationId: world.organization.id }, who);

    it('lets a verified address at an AUTO_JOIN domain see and join the organization as MEMBER', async () => {
      await verified();
      const joiner = await signedIn(`pat@${domain}`);
      expect(await joinable(joiner)).toEqual([{ id: world.organization.id, name: 'Acme' }]);
      // Its id and name, nothing else: the organization itself is still not theirs to read.
      expect(errorCodes(await h.run(OrganizationDocument, { id: world.organization.id }, joiner))).toEqual([
        'NOT_FOUND',
      ]);
      const joined = await join(joiner);
      expect(joined.errors).toBeUndefined();
      expect(joined.data?.joinOrganization).toMatchObject({ role: 'MEMBER', scope: 'ORGANIZATION' });
      expect(await joinable(joiner)).toEqual([]);
      expect(errorCodes(await join(joiner))).toEqual(['ALREADY_MEMBER']);
      const [event] = await h.database.db.query(
        "SELECT actor_id, subject_id FROM audit_events WHERE organization_id = ? AND action = 'MEMBER_JOINED_BY_EMAIL_DOMAIN'",
        [world.organization.id],
      );
      expect(event).toEqual({ actor_id: joiner.sub, subject_id: joiner.sub });
    });

    it('is NOT_FOUND for an unverified address, another domain, a subdomain, and enrollment NONE', async () => {
      const id = await verified();
      const cases: [string, Person][] = [
        ['unverified', await signedIn(`pat@${domain}`, false)],
        ['another domain', await signedIn(`pat@other-${domain}`)],
        ['a subdomain', await signedIn(`pat@mail.${domain}`)],
      ];
      for (const [label, who] of cases) {
        expect([label, await joinable(who)]).toEqual([label, []]);
        expect([label, errorCodes(await join(who))]).toEqual([label, ['NOT_FOUND']]);
      }
      expect(
        errorCodes(await h.run(UpdateEmailDomainDocument, { id, input: { enrollment: 'NONE' } }, admin())),
      ).toEqual([]);
      const closed = await signedIn(`sam@${domain}`);
      expect(await joinable(closed)).toEqual([]);
      expect(errorCodes(await join(closed))).toEqual(['NOT_FOUND']);
      // An unverified claim lets nobody in either.
      const unverifiedDomain = `unverified-${domain}`;
      await claim(admin(), world.organization.id, unverifiedDomain);
      expect(errorCodes(await join(await signedIn(`kim@${unverifiedDomain}`)))).toEqual(['NOT_FOUND']);
    });

    it('takes a seat, and stops at the limit', async () => {
      await verified();
      expect(
        errorCodes(
          await h.run(UpdateSeatLimitDocument, { organizationId: world.organization.id, seatLimit: 8 }, admin()),
        ),
      ).toEqual([]);
      expect(errorCodes(await join(await signedIn(`first@${domain}`)))).toEqual([]);
      expect(errorCodes(await join(await signedIn(`second@${domain}`)))).toEqual(['SEAT_LIMIT_REACHED']);
    });
  });
});
