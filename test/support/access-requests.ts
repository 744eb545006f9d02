import { randomUUID } from 'node:crypto';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { ManualClock } from '../../src/config/clock';
import { DnsResponder } from '../../src/dev/dns-responder';
import type { TestDatabase } from './databases';
import { createOrganization, signIn } from './factories';
import { createHarness, type Harness, type Person, TEST_JWT_SECRET } from './harness';

/**
 * What the tests of requests to join share (docs/domain-rules.md §20): the whole server on a
 * clock the tests move, a real DNS server on loopback to verify email domains against, people
 * signed in again at the clock's moment on every call, and an organization with a verified
 * REQUEST domain.
 */

export const REQUEST_FIELDS = `id status scope message reason createdAt expiresAt decidedAt
  requester { id email } decidedBy { id } organization { id name } workspace { id } domain { id }`;

export const REQUEST_ACCESS = `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { ${REQUEST_FIELDS} } }`;
export const APPROVE = `mutation($input: ApproveAccessRequestInput!) {
  approveAccessRequest(input: $input) { id role expiresAt customRole { id name } user { id email } }
}`;
export const DENY = `mutation($id: ID!, $reason: String) { denyAccessRequest(id: $id, reason: $reason) { ${REQUEST_FIELDS} } }`;
export const WITHDRAW = `mutation($id: ID!) { withdrawAccessRequest(id: $id) { ${REQUEST_FIELDS} } }`;
export const ORGANIZATION_REQUESTS = `query($id: ID!, $status: AccessRequestStatus, $first: Int, $after: String) {
  organization(id: $id) {
    accessRequests(status: $status, first: $first, after: $after) {
      edges { cursor node { ${REQUEST_FIELDS} } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
export const MY_REQUESTS = `query($status: AccessRequestStatus) {
  me { accessRequests(status: $status) { ${REQUEST_FIELDS} } joinableOrganizations { id name viewerJoinMode } }
}`;

export interface RequestsHarness {
  h: Harness;
  clock: ManualClock;
  dns: DnsResponder;
  /** Runs as `who`, signed in again at the clock's moment (tokens expire by that clock). */
  run(query: string, variables: Record<string, unknown>, who: Person | null): ReturnType<Harness['run']>;
  /** Someone signed in with an address at `domain`. */
  personAt(domain: string, options?: { emailVerified?: boolean }): Promise<Person>;
  /** A new organization (its ADMIN made here) with a verified email domain of the given enrollment. */
  organizationWithDomain(enrollment?: 'REQUEST' | 'AUTO_JOIN'): Promise<{ id: string; admin: Person; domain: string }>;
  count(sql: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function requestsHarness(kind: TestDatabase, env: Record<string, string> = {}): Promise<RequestsHarness> {
  const dns = await new DnsResponder().start();
  const clock = new ManualClock(Date.now(), { running: true });
  const h = await createHarness(
    kind,
    { DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '300', WEBHOOKS_ALLOW_PRIVATE: 'true', ...env },
    { nudgeOutbox: false, clock },
  );
  const run: RequestsHarness['run'] = async (query, variables, who) =>
    h.run(query, variables, who && { ...who, token: await tokenOf(who) });
  const verified = new Map<string, boolean>();
  async function tokenOf(who: Person): Promise<string> {
    return signDevelopmentToken(TEST_JWT_SECRET, {
      sub: who.sub,
      email: who.email,
      name: who.name,
      emailVerified: verified.get(who.sub) ?? true,
      issuedAt: clock.now(),
    });
  }
  return {
    h,
    clock,
    dns,
    run,
    async personAt(domain, options = {}) {
      const suffix = randomUUID().slice(0, 8);
      const person = { sub: `test|asker-${suffix}`, email: `asker-${suffix}@${domain}`, name: `Asker ${suffix}` };
      verified.set(person.sub, options.emailVerified ?? true);
      const made = { ...person, token: '' };
      made.token = await tokenOf(made);
      await signIn(h, made);
      return made;
    },
    async organizationWithDomain(enrollment = 'REQUEST') {
      const admin = await h.signIn(await h.person('requests-admin'));
      const organization = await createOrganization(h, admin, `Org ${randomUUID().slice(0, 6)}`);
      const domain = `req-${randomUUID().slice(0, 8)}.example`;
      const claimed = await run(
        `mutation($input: AddEmailDomainInput!) { addEmailDomain(input: $input) { id verificationRecordName verificationRecordValue } }`,
        { input: { organizationId: organization.id, domain, enrollment } },
        admin,
      );
      const claim = (claimed.data as any).addEmailDomain;
      dns.txt.set(claim.verificationRecordName, [claim.verificationRecordValue]);
      const result = await run(
        `mutation($id: ID!) { verifyEmailDomain(id: $id) { verified } }`,
        { id: claim.id },
        admin,
      );
      if ((result.data as any)?.verifyEmailDomain?.verified !== true) throw new Error(JSON.stringify(result.errors));
      return { id: organization.id, admin, domain };
    },
    async count(sql, params) {
      const [row] = await h.database.db.query(sql, params);
      return Number(Object.values(row as object)[0]);
    },
    async close() {
      await h.close();
      await dns.stop();
    },
  };
}
