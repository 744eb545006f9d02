import { Invitation } from '../../../entities/invitation.entity';
import { ManualClock } from '../../../src/config/clock';
import {
  InvitationsInboxDocument,
  type InvitationsInboxQuery,
  InviterEmailDocument,
  MyInvitationsWithInviterDocument,
  RevokeInvitationDocument,
} from '../../generated/graphql';
import { createWorld, invite, type World } from '../../support/factories';
import { createHarness, errorCodes, type Harness, type Person } from '../../support/harness';
import { TestSmtpServer } from '../../support/smtp';
import { describeOnEachDatabase } from '../../support/each-database';

type Row = NonNullable<NonNullable<InvitationsInboxQuery['organization']>['allInvitations']>['nodes'][number];

/**
 * The pending-invitations tab (docs/domain-rules.md §10): what the caller may do to each invitation, whether its
 * email went out — against a real SMTP server on loopback — and who sent it.
 */
describeOnEachDatabase('the invitations inbox', (kind) => {
  let smtp: TestSmtpServer;
  let h: Harness;
  let world: World;
  // Retries fall due when the test moves this clock, never while a run is still going: runs with
  // the wall clock (rows keep their order) and retries wait a minute or two of it.
  const clock = new ManualClock(Date.now(), { running: true });
  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    h = await createHarness(
      kind,
      { SMTP_URL: smtp.url, MAIL_RETRY_BASE_MS: '60000', MAIL_RETRY_MAX_MS: '120000' },
      { nudgeOutbox: false, clock },
    );
  });
  afterAll(async () => {
    await h.close();
    await smtp.stop();
  });
  beforeEach(async () => {
    world = await createWorld(h);
    smtp.refusing = false;
    smtp.rejecting = false;
    // The dispatcher runs only when a test says so: deliver what earlier tests left behind.
    while ((await h.app.outbox.runOnce()) > 0);
  });

  async function inbox(who: Person, status?: ('PENDING' | 'EXPIRED' | 'REVOKED')[]): Promise<Map<string, Row>> {
    const result = await h.run(InvitationsInboxDocument, { id: world.organization.id, first: 100, status }, who);
    expect(result.errors).toBeUndefined();
    return new Map(result.data!.organization!.allInvitations!.nodes.map((n) => [n.id, n]));
  }

  it('moves delivery from PENDING to DELIVERED, and to FAILED when the server refuses the mailbox for good', async () => {
    const admin = world.people.orgAdmin;
    const tag = world.organization.id.slice(0, 8);
    const sent = await invite(h, admin, { organizationId: world.organization.id }, `sent-${tag}@example.test`);
    expect((await inbox(admin)).get(sent.invitation.id)?.delivery).toEqual({
      status: 'PENDING',
      attempts: 0,
      lastAttemptAt: null,
    });
    expect(await h.app.outbox.runOnce()).toBe(1);
    const delivered = (await inbox(admin)).get(sent.invitation.id)!.delivery!;
    expect(delivered).toMatchObject({ status: 'DELIVERED', attempts: 1 });
    expect(Date.now() - new Date(delivered.lastAttemptAt!).getTime()).toBeLessThan(60_000);
    expect(smtp.messages.some((m) => m.subject?.includes('invited you'))).toBe(true);

    // A temporary refusal keeps it PENDING, with the attempt counted.
    smtp.refusing = true;
    const retried = await invite(h, admin, { workspaceId: world.w1.id }, `retried-${tag}@example.test`);
    expect(await h.app.outbox.runOnce()).toBe(0);
    expect((await inbox(admin)).get(retried.invitation.id)?.delivery).toMatchObject({
      status: 'PENDING',
      attempts: 1,
    });
    // A mailbox refused for good (550): FAILED at once, not retried.
    smtp.refusing = false;
    smtp.rejecting = true;
    const refused = await invite(h, admin, { domainId: world.d1.id }, `refused-${tag}@example.test`);
    clock.advance(121_000);
    await h.app.outbox.runOnce();
    const failed = (await inbox(admin)).get(refused.invitation.id)!.delivery!;
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1 });
    const attempts = smtp.attempts;
    clock.advance(121_000);
    await h.app.outbox.runOnce();
    expect((await inbox(admin)).get(refused.invitation.id)?.delivery?.attempts).toBe(1);
    expect(smtp.attempts - attempts).toBeLessThanOrEqual(1); // only the retried one may try again

    // Revoked before it went out: the email is withdrawn, and no delivery is shown.
    smtp.rejecting = false;
    smtp.refusing = true;
    const withdrawn = await invite(
      h,
      admin,
      { organizationId: world.organization.id },
      `withdrawn-${tag}@example.test`,
    );
    expect(errorCodes(await h.run(RevokeInvitationDocument, { id: withdrawn.invitation.id }, admin))).toEqual([]);
    expect((await inbox(admin, ['REVOKED'])).get(withdrawn.invitation.id)?.delivery).toBeNull();
  });

  it('says per invitation whether the caller may resend or revoke it', async () => {
    const admin = world.people.orgAdmin;
    const tag = world.organization.id.slice(0, 8);
    const pending = await invite(h, admin, { workspaceId: world.w1.id }, `p-${tag}@example.test`);
    const expired = await invite(h, admin, { domainId: world.d1.id }, `e-${tag}@example.test`);
    const revoked = await invite(h, admin, { workspaceId: world.w2.id }, `r-${tag}@example.test`);
    await h.database.db
      .getRepository(Invitation)
      .update({ id: expired.invitation.id }, { expiresAt: new Date(Date.now() - 1000) });
    expect(errorCodes(await h.run(RevokeInvitationDocument, { id: revoked.invitation.id }, admin))).toEqual([]);

    const all = await inbox(admin, ['PENDING', 'EXPIRED', 'REVOKED']);
    expect(all.get(pending.invitation.id)?.viewerCan).toEqual({ resend: true, revoke: true });
    expect(all.get(expired.invitation.id)?.viewerCan).toEqual({ resend: true, revoke: false });
    expect(all.get(revoked.invitation.id)?.viewerCan).toEqual({ resend: false, revoke: false });
    // A workspace ADMIN sees W1's and D1's, and may act on them; W2's is not in their list.
    const theirs = await inbox(world.people.wsAdmin, ['PENDING', 'EXPIRED', 'REVOKED']);
    expect([...theirs.keys()].sort()).toEqual([pending.invitation.id, expired.invitation.id].sort());
    expect(theirs.get(expired.invitation.id)?.viewerCan).toEqual({ resend: true, revoke: false });
  });

  it('lets the invitee read who invited them — the name and the address the email shows', async () => {
    const invitee = await h.person('invitee');
    const sent = await invite(h, world.people.wsAdmin, { workspaceId: world.w1.id }, invitee.email);
    const mine = await h.run(MyInvitationsWithInviterDocument, {}, invitee);
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.me?.pendingInvitations).toEqual([
      {
        id: sent.invitation.id,
        invitedBy: { id: world.people.wsAdmin.sub, displayName: world.people.wsAdmin.name },
        delivery: { status: 'PENDING' },
      },
    ]);
    const email = await h.run(InviterEmailDocument, {}, invitee);
    expect(email.errors).toBeUndefined();
    expect(email.data?.me?.pendingInvitations).toEqual([{ invitedBy: { email: world.people.wsAdmin.email } }]);
    // Once answered, the inviter is a stranger again (unless they now share the organization).
    const stranger = await h.person('stranger');
    expect((await h.run(MyInvitationsWithInviterDocument, {}, stranger)).data?.me?.pendingInvitations).toEqual([]);
  });
});
