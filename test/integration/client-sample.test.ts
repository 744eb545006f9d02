import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import {
  allMemberEmails,
  describeInvitation,
  GraphQLRequestError,
  join,
  request,
  type ScreenInvitation,
} from '../../examples/client/client';
import { ClientOrganizationInvitationsDocument } from '../../examples/client/generated';
import { createWorld, invite, scopeInput } from '../support/factories';
import { createHarness, type Harness, TEST_JWT_SECRET } from '../support/harness';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/** The frontend SDK sample works against the real server over HTTP, not only compiles. */
describe('the typed client sample', () => {
  let h: Harness;
  let endpoint: string;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    await new Promise<void>((resolve) => h.app.httpServer.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(h.app.httpServer.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => h.close());

  it('pages through members and joins with an invitation link', async () => {
    const world = await createWorld(h);
    const newcomer = await h.person('newcomer');
    const { token } = await invite(h, world.people.orgAdmin, scopeInput.organization(world), newcomer.email);
    expect(await join(endpoint, newcomer.token, token)).toBe('Acme');
    const emails = await allMemberEmails(endpoint, world.people.orgAdmin.token, world.organization.id);
    expect(emails).toHaveLength(8);
    expect(emails).toContain(newcomer.email);
  });

  it('keeps each error code, and the data that did resolve', async () => {
    const world = await createWorld(h);
    const failure = await request(endpoint, world.people.orgMember.token, ClientOrganizationInvitationsDocument, {
      id: world.organization.id,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GraphQLRequestError);
    expect((failure as GraphQLRequestError).errors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect((failure as GraphQLRequestError).data).toEqual({
      organization: { id: world.organization.id, invitations: null },
    });
  });

  it("`npm run client` prints a plain member's organizations, and codes on errors", async () => {
    const world = await createWorld(h);
    const cli = (token: string) =>
      run('npx', ['tsx', 'examples/client/main.ts', '--endpoint', endpoint, '--token', token], { cwd: ROOT }).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const member = await cli(world.people.orgMember.token);
    expect(member.code).toBe(0);
    expect(member.stdout).toContain(`signed in as ${world.people.orgMember.email}`);
    expect(member.stdout).toContain('Acme — your role: MEMBER');
    expect(member.stdout).toContain(`member ${world.people.orgAdmin.email}`);
    expect(member.stdout).not.toContain('invited ');
    // A plain member gets no buttons.
    expect(member.stdout).not.toContain('[');

    // The ADMIN's page: the buttons the server allows, the "why", and the invitations tab.
    const newcomer = `newcomer-${world.organization.id.slice(0, 8)}@example.test`;
    await invite(h, world.people.orgAdmin, scopeInput.workspace(world), newcomer);
    const admin = await cli(world.people.orgAdmin.token);
    expect(admin.code).toBe(0);
    expect(admin.stdout).toContain(
      `member ${world.people.orgMember.email} MEMBER [change role (ADMIN/ACCOUNTING/MEMBER), remove]`,
    );
    // The last ADMIN's own row offers nothing that would take the ADMIN away.
    expect(admin.stdout).toContain(`member ${world.people.orgAdmin.email} ADMIN\n`);
    expect(admin.stdout).toContain(`invited ${newcomer} as MEMBER (pending, email queued) [resend, revoke]`);
    // The workspace ADMIN's organization row is a MEMBER one, which they cannot change there.
    const wsAdmin = await cli(world.people.wsAdmin.token);
    expect(wsAdmin.stdout).toContain(`member ${world.people.wsAdmin.email} MEMBER\n`);
    expect(wsAdmin.stdout).toContain(`invited ${newcomer} as MEMBER (pending, email queued) [resend, revoke]`);
    const expired = await new SignJWT({ email: 'x@example.test' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const refused = await cli(expired);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('UNAUTHENTICATED (TOKEN_EXPIRED)');
  });

  it('says an email handed to SMTP or to the log was sent, not delivered (issue 37, stumble 11)', () => {
    const invitation = (status: 'PENDING' | 'DELIVERED' | 'FAILED' | null): ScreenInvitation => ({
      id: 'i',
      email: 'ann@example.test',
      role: 'MEMBER',
      scope: 'ORGANIZATION',
      status: 'PENDING',
      expiresAt: '2026-12-31T00:00:00.000Z',
      invitedBy: null,
      delivery: status ? { status, attempts: 1, lastAttemptAt: null } : null,
      viewerCan: { resend: false, revoke: false },
    });
    expect(describeInvitation(invitation('DELIVERED'))).toBe(
      'invited ann@example.test as MEMBER (pending, email sent (to SMTP, or to the server log without SMTP_URL))',
    );
    expect(describeInvitation(invitation('FAILED'))).toContain('email not sent');
    expect(describeInvitation(invitation(null))).toContain('no email');
  });
});
