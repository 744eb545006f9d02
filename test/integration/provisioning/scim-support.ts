import { randomUUID } from 'node:crypto';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { ManualClock } from '../../../src/config/clock';
import { DnsResponder } from '../../../src/dev/dns-responder';
import {
  AddEmailDomainDocument,
  CreateProvisioningTokenDocument,
  VerifyEmailDomainDocument,
} from '../../generated/graphql';
import type { TestDatabase } from '../../support/databases';
import { useHarness } from '../../support/each-database';
import { createOrganization, signIn } from '../../support/factories';
import { errorCodes, type Harness, type Person, TEST_JWT_SECRET } from '../../support/harness';
import { listen } from '../../support/http';
import { TestSmtpServer } from '../../support/smtp';

/** What the SCIM provisioning tests share (scim*.test.ts beside this file): the server, a client, a directory. */

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type Scim = (
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) => Promise<{ status: number; body: any; location: string | null; type: string | null }>;

/** A SCIM client of the server on loopback, as a directory is one: bearer token, scim+json. */
export function scimClient(base: () => string, defaultToken: () => string): Scim {
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
export async function personAt(label: string, domain: string): Promise<Person> {
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
export async function makeDirectory(h: Harness, label: string, dns: DnsResponder) {
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

export const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER],
  userName,
  name: { givenName: 'Given', familyName: userName.split('@')[0] },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
  ...extra,
});

/**
 * The server of a SCIM test on `kind`, with a real DNS server (for verified email domains) and a
 * real SMTP server (for invitation emails); `state.token` is the bearer `scim` sends by default.
 */
export function useScimServer(kind: TestDatabase) {
  const clock = new ManualClock(new Date('2026-12-01T09:00:00Z'), { running: true });
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
  /** The server's address on loopback (once its beforeAll ran), and the token `scim` sends unless told. */
  const state = { base: '', token: '' };
  beforeAll(async () => {
    state.base = (await listen(h.app)).url.replace(/\/graphql$/, '');
  });
  const directory = (label: string) => makeDirectory(h, label, dns);
  const scim = scimClient(
    () => state.base,
    () => state.token,
  );

  /** A person who has signed in (a user with that verified address). */
  async function signedIn(label: string, at?: { person(name: string): Promise<Person> }): Promise<Person> {
    const person = at ? await at.person(label) : await h.person(label);
    await signIn(h, person);
    return person;
  }
  return { h, clock, smtp, state, scim, directory, signedIn };
}
