import { ManualClock } from '../../../src/config/clock';
import { DataSource } from 'typeorm';
import { Membership } from '../../../entities/membership.entity';
import { OutboxEmail } from '../../../entities/outbox-email.entity';
import { dataSourceOptions } from '../../../src/db/data-source';
import { createApp } from '../../../src/http/app';
import { createLogger } from '../../../src/observability/logger';
import { OutboxDispatcher } from '../../../src/jobs/email-dispatcher';
import { createMailTransport } from '../../../src/outbound/mail-transport';
import { AcceptInvitationDocument, InviteMemberDocument } from '../../generated/graphql';
import { createWorld, scopeInput, type World } from '../../support/factories';
import { createHarness, type Harness, type Person } from '../../support/harness';
import { freeTcpPort } from '../../support/processes';
import { TestSmtpServer, tokenFromEmail } from '../../support/smtp';
import { describeOnEachDatabase } from '../../support/each-database';

const APP_URL = 'https://app.example.test';
const settings = (smtpUrl: string) => ({
  SMTP_URL: smtpUrl,
  APP_URL,
  MAIL_FROM: 'Acme Membership <members@example.test>',
  MAIL_RETRY_BASE_MS: '30',
});

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeOnEachDatabase('invitation emails over SMTP', (kind) => {
  describe('delivery and joining, for each scope and role', () => {
    let smtp: TestSmtpServer;
    let h: Harness;
    let world: World;
    beforeAll(async () => {
      smtp = await new TestSmtpServer().start();
      h = await createHarness(kind, settings(smtp.url), {});
      h.app.outbox.start();
      world = await createWorld(h);
    });
    afterAll(async () => {
      await h.close();
      await smtp.stop();
    });

    const cases = [
      ['organization', 'ADMIN'],
      ['organization', 'ACCOUNTING'],
      ['organization', 'MEMBER'],
      ['workspace', 'ADMIN'],
      ['workspace', 'MEMBER'],
      ['domain', 'ADMIN'],
      ['domain', 'MEMBER'],
    ] as const;

    it.each(cases)('%s %s: the email arrives, its link joins', async (scope, role) => {
      const invitee: Person = await h.person(`${scope}-${role.toLowerCase()}`);
      const invited = await h.run(
        InviteMemberDocument,
        { input: { scope: scopeInput[scope](world), email: invitee.email, role } },
        world.people.orgAdmin,
      );
      expect(invited.errors).toBeUndefined();

      const [mail] = await until('the email', async () =>
        smtp.to(invitee.email).length ? smtp.to(invitee.email) : null,
      );
      expect(mail.subject).toBe(`${world.people.orgAdmin.name} invited you to join Acme`);
      expect(mail.from?.text).toContain('members@example.test');
      const token = tokenFromEmail(mail, APP_URL);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(mail.html).toContain(`${APP_URL}/invitations/accept?token=${token}`);
      expect(mail.text).toContain(role);

      const accepted = await h.run(AcceptInvitationDocument, { input: { token } }, invitee);
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data?.acceptInvitation).toMatchObject({
        role,
        scope: scope.toUpperCase(),
        user: { id: invitee.sub },
      });
      const held = await h.database.db.getRepository(Membership).findBy({ userId: invitee.sub });
      expect(held.map((m) => `${m.scope}:${m.role}`).sort()).toEqual(
        scope === 'organization'
          ? [`ORGANIZATION:${role}`]
          : [`${scope.toUpperCase()}:${role}`, 'ORGANIZATION:MEMBER'].sort(),
      );

      // Once sent, the stored copy holds no usable token.
      const stored = await until('the outbox row marked SENT', async () => {
        const row = await h.database.db
          .getRepository(OutboxEmail)
          .findOneBy({ invitationId: invited.data!.inviteMember.id });
        return row?.status === 'SENT' ? row : null;
      });
      expect(stored.textBody).not.toContain(token);
      expect(stored.htmlBody).not.toContain(token);
      expect(smtp.to(invitee.email)).toHaveLength(1);
    });
  });

  it('an SMTP outage loses nothing: the invitation exists, and the email arrives once SMTP is back', async () => {
    const port = await freeTcpPort();
    // The retry delays run on a clock the test moves: a slow machine must not make a retry due early.
    const clock = new ManualClock();
    const h = await createHarness(kind, settings(`smtp://127.0.0.1:${port}`), { nudgeOutbox: false, clock });
    let smtp: TestSmtpServer | null = null;
    try {
      const world = await createWorld(h);
      const invitee = await h.person('patient');
      const invited = await h.run(
        InviteMemberDocument,
        { input: { scope: scopeInput.workspace(world), email: invitee.email } },
        world.people.orgAdmin,
      );
      expect(invited.data?.inviteMember.status).toBe('PENDING');

      expect(await h.app.outbox.runOnce()).toBe(0);
      const row = await h.database.db
        .getRepository(OutboxEmail)
        .findOneByOrFail({ invitationId: invited.data!.inviteMember.id });
      expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
      expect(row.lastError).toBeTruthy();
      expect(row.nextAttemptAt.getTime()).toBeGreaterThan(clock.now().getTime());

      smtp = await new TestSmtpServer().start(port);
      smtp.refusing = true; // back, but refusing for a while: another retry
      expect(await h.app.outbox.runOnce()).toBe(0);
      expect((await h.database.db.getRepository(OutboxEmail).findOneByOrFail({ id: row.id })).attempts).toBe(1);
      clock.advance(31);
      expect(await h.app.outbox.runOnce()).toBe(0);
      expect((await h.database.db.getRepository(OutboxEmail).findOneByOrFail({ id: row.id })).attempts).toBe(2);

      smtp.refusing = false;
      await until('delivery', async () => {
        clock.advance(60_000);
        return (await h.app.outbox.runOnce()) === 1;
      });
      const [mail] = smtp.to(invitee.email);
      const accepted = await h.run(
        AcceptInvitationDocument,
        { input: { token: tokenFromEmail(mail, APP_URL) } },
        invitee,
      );
      expect(accepted.errors).toBeUndefined();
      expect(await h.app.outbox.runOnce()).toBe(0);
      expect(smtp.to(invitee.email)).toHaveLength(1);
    } finally {
      await h.close();
      await smtp?.stop();
    }
  });

  it('keeps retrying past the old give-up point while the invitation is pending, then delivers once', async () => {
    const smtp = await new TestSmtpServer().start();
    smtp.refusing = true;
    const h = await createHarness(kind, { ...settings(smtp.url), MAIL_RETRY_BASE_MS: '1', MAIL_RETRY_MAX_MS: '5' });
    try {
      const world = await createWorld(h);
      const invitee = await h.person('outage');
      const invited = await h.run(
        InviteMemberDocument,
        { input: { scope: scopeInput.organization(world), email: invitee.email } },
        world.people.orgAdmin,
      );
      const id = invited.data!.inviteMember.id;
      // The old rule gave up after 8 attempts (MAIL_MAX_ATTEMPTS) and redacted the link.
      const refused = await until(
        'twelve refused attempts',
        async () => {
          await h.app.outbox.runOnce();
          const row = await h.database.db.getRepository(OutboxEmail).findOneByOrFail({ invitationId: id });
          return row.attempts >= 12 ? row : null;
        },
        30_000,
      );
      expect(refused.status).toBe('PENDING');
      expect(refused.textBody).toMatch(/token=[A-Za-z0-9_-]{20,}/);
      expect(smtp.messages).toHaveLength(0);

      smtp.refusing = false;
      await until('delivery', async () => (await h.app.outbox.runOnce()) === 1);
      for (let i = 0; i < 3; i++) await h.app.outbox.runOnce();
      const [mail, ...more] = smtp.to(invitee.email);
      expect(more).toHaveLength(0);
      const sent = await h.database.db.getRepository(OutboxEmail).findOneByOrFail({ invitationId: id });
      expect(sent.status).toBe('SENT');
      expect(mail.messageId).toBe(`<${sent.id}@example.test>`);
      const accepted = await h.run(
        AcceptInvitationDocument,
        { input: { token: tokenFromEmail(mail, APP_URL) } },
        invitee,
      );
      expect(accepted.errors).toBeUndefined();
    } finally {
      await h.close();
      await smtp.stop();
    }
  });

  it('gives up the email of an invitation that has expired, keeping no token and sending nothing', async () => {
    const smtp = await new TestSmtpServer().start();
    smtp.refusing = true;
    const h = await createHarness(kind, { ...settings(smtp.url), MAIL_RETRY_BASE_MS: '1', MAIL_RETRY_MAX_MS: '5' });
    try {
      const world = await createWorld(h);
      const invited = await h.run(
        InviteMemberDocument,
        { input: { scope: scopeInput.organization(world), email: 'late@example.test' } },
        world.people.orgAdmin,
      );
      const id = invited.data!.inviteMember.id;
      await h.app.outbox.runOnce();
      await h.database.db.query('UPDATE invitations SET expires_at = ? WHERE id = ?', ['2020-01-01 00:00:00.000', id]);
      smtp.refusing = false;
      const row = await until('the email given up', async () => {
        await h.app.outbox.runOnce();
        const current = await h.database.db.getRepository(OutboxEmail).findOneByOrFail({ invitationId: id });
        return current.status === 'FAILED' ? current : null;
      });
      expect(row.textBody).not.toMatch(/token=[A-Za-z0-9_-]{20,}/);
      expect(smtp.messages).toHaveLength(0);
    } finally {
      await h.close();
      await smtp.stop();
    }
  });

  it('a send slower than the lease keeps its claim: a second dispatcher does not send the email again', async () => {
    const smtp = await new TestSmtpServer().start();
    smtp.delayMs = 1200;
    const h = await createHarness(kind, settings(smtp.url));
    const dispatcher = () =>
      new OutboxDispatcher(
        h.database.db,
        createMailTransport(h.config, createLogger({ silent: true })),
        h.config,
        createLogger({ silent: true }),
        { leaseMs: 300 },
      );
    const [first, second] = [dispatcher(), dispatcher()];
    try {
      const world = await createWorld(h);
      const invitee = await h.person('slow');
      await h.run(
        InviteMemberDocument,
        { input: { scope: scopeInput.organization(world), email: invitee.email } },
        world.people.orgAdmin,
      );
      const sending = first.runOnce();
      // The first dispatcher holds the claim before the second starts looking.
      await until('the first claim', async () => {
        const [row] = await h.database.db.query('SELECT claim_token FROM outbox_emails WHERE recipient = ?', [
          invitee.email,
        ]);
        return row?.claim_token;
      });
      // While the first send sits on the slow server (four leases long), the second keeps looking.
      let takenBySecond = 0;
      const deadline = Date.now() + 1500;
      while (Date.now() < deadline) {
        takenBySecond += await second.runOnce();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await sending).toBe(1);
      expect(takenBySecond).toBe(0);
      expect(smtp.to(invitee.email)).toHaveLength(1);
    } finally {
      await first.stop();
      await second.stop();
      await h.close();
      await smtp.stop();
    }
  });

  it("an email written under another APP_URL (npm run seed) leads to the sending server's (issue 37, stumble 7)", async () => {
    const smtp = await new TestSmtpServer().start();
    // Written by a seed that ran with the default APP_URL; sent by a server with its own.
    const h = await createHarness(
      kind,
      { ...settings(smtp.url), APP_URL: 'http://localhost:3000' },
      { nudgeOutbox: false },
    );
    const sender = new OutboxDispatcher(
      h.database.db,
      createMailTransport(h.config, createLogger({ silent: true })),
      { ...h.config, appUrl: APP_URL },
      createLogger({ silent: true }),
    );
    try {
      const world = await createWorld(h);
      const invitee = await h.person('seeded');
      await h.run(
        InviteMemberDocument,
        { input: { scope: scopeInput.organization(world), email: invitee.email } },
        world.people.orgAdmin,
      );
      const [stored] = await h.database.db.getRepository(OutboxEmail).findBy({ recipient: invitee.email });
      expect(stored.textBody).toContain('http://localhost:3000/invitations/accept?token=');
      expect(await sender.runOnce()).toBe(1);
      const [mail] = smtp.to(invitee.email);
      const token = tokenFromEmail(mail, APP_URL);
      expect(mail.text).toContain(`Accept the invitation: ${APP_URL}/invitations/accept?token=${token}`);
      expect(mail.html).toContain(`href="${APP_URL}/invitations/accept?token=${token}"`);
      expect(`${mail.text}${mail.html}`).not.toContain('localhost:3000');
      const accepted = await h.run(AcceptInvitationDocument, { input: { token } }, invitee);
      expect(accepted.errors).toBeUndefined();
    } finally {
      await sender.stop();
      await h.close();
      await smtp.stop();
    }
  });

  it('two server instances on one outbox deliver each email exactly once', async () => {
    const smtp = await new TestSmtpServer().start();
    const h = await createHarness(kind, settings(smtp.url));
    // A second server instance: on MySQL/MariaDB with its own connection pool on the same database.
    // The embedded SQLite serves one process (better-sqlite3 is synchronous: a second connection
    // in the same process would block the event loop on the first one's lock), so there both
    // instances share the process's connection and race on the claims alone.
    const secondDb = kind === 'sqlite' ? h.database.db : new DataSource(dataSourceOptions(h.database.url));
    if (!secondDb.isInitialized) await secondDb.initialize();
    const second = await createApp(h.config, secondDb, createLogger({ silent: true }), { nudgeOutbox: false });
    try {
      const world = await createWorld(h);
      const emails = Array.from({ length: 24 }, (_, i) => `queue-${i}@example.test`);
      for (const email of emails) {
        await h.run(
          InviteMemberDocument,
          { input: { scope: scopeInput.organization(world), email } },
          world.people.orgAdmin,
        );
      }
      await Promise.all(
        [h.app.outbox, second.outbox].map(async (outbox) => {
          for (let round = 0; round < 5; round++) await outbox.runOnce();
        }),
      );
      for (const email of emails) expect(smtp.to(email)).toHaveLength(1);
      const sent = await h.database.db.getRepository(OutboxEmail).countBy({ status: 'SENT' as never });
      expect(sent).toBe(emails.length);
    } finally {
      await second.outbox.stop();
      await second.apollo.stop();
      if (secondDb !== h.database.db) await secondDb.destroy();
      await h.close();
      await smtp.stop();
    }
  });
});
