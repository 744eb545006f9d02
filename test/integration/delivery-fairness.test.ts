import type { DataSource } from 'typeorm';
import { ManualClock } from '../../src/config/clock';
import { openDatabase } from '../../src/db/data-source';
import { createLogger } from '../../src/observability/logger';
import { WebhookDispatcher } from '../../src/jobs/webhook-dispatcher';
import {
  CreateWebhookEndpointDocument,
  CreateWorkspaceDocument,
  DeleteWebhookEndpointDocument,
  InviteMemberDocument,
  RedeliverWebhookDocument,
  UpdateWebhookEndpointDocument,
} from '../generated/graphql';
import { createOrganization } from '../support/factories';
import { createHarness, errorCodes, type Harness, type Person } from '../support/harness';
import { waitFor } from '../support/processes';
import { TestSmtpServer } from '../support/smtp';
import { describeOnEachDatabase } from '../support/each-database';
import { webhookReceiver, type WebhookReceiver } from '../support/http';

/**
 * One tenant never holds up another (docs/domain-rules.md §12): an organization whose webhook receivers accept
 * the connection and never answer, or whose invitees' mailboxes never answer, holds two of an
 * instance's delivery slots, and another organization's delivery leaves at once. Receivers and
 * the SMTP server are real servers on loopback; the receivers' timeout is long (30 s), so a
 * dispatcher that waited for them would miss the bound by far.
 */

const POLL_MS = 200;
/** docs/domain-rules.md §12: within 2 seconds of its event, plus the poll interval. */
const BOUND_MS = 2000 + POLL_MS;

async function endpoint(h: Harness, admin: Person, organizationId: string, url: string) {
  const created = await h.run(CreateWebhookEndpointDocument, { input: { organizationId, url } }, admin);
  expect(created.errors).toBeUndefined();
  return created.data!.createWebhookEndpoint.endpoint.id;
}

const workspaceIn = (h: Harness, admin: Person, organizationId: string, name: string) =>
  h.run(CreateWorkspaceDocument, { input: { organizationId, name } }, admin);

describeOnEachDatabase('fair delivery', (kind) => {
  describe('webhooks', () => {
    let h: Harness;
    let second: { db: DataSource; dispatcher: WebhookDispatcher } | null = null;
    const receivers: WebhookReceiver[] = [];

    beforeAll(async () => {
      h = await createHarness(kind, {
        WEBHOOKS_ALLOW_PRIVATE: 'true',
        WEBHOOK_TIMEOUT_MS: '30000',
        OUTBOX_POLL_MS: String(POLL_MS),
        WEBHOOK_MAX_ENDPOINTS: '6',
      });
    });
    afterAll(async () => {
      await Promise.all(receivers.map((r) => r.close()));
      await second?.dispatcher.stop();
      await second?.db.destroy();
      await h.close();
    });

    it(`another organization's delivery leaves within ${BOUND_MS} ms while one organization's receivers all hang`, async () => {
      // On MariaDB, two instances deliver from the same database, each with its own pool.
      if (kind === 'mysql') {
        const db = await openDatabase(h.database.url);
        second = { db, dispatcher: new WebhookDispatcher(db, h.config, createLogger({ silent: true })) };
      }
      const stalling = await h.person('stalling');
      const stalled = await createOrganization(h, stalling, 'Tarpit');
      const tarpits = await Promise.all(Array.from({ length: 6 }, () => webhookReceiver(() => 'hang')));
      receivers.push(...tarpits);
      for (const tarpit of tarpits) await endpoint(h, stalling, stalled.id, tarpit.url);
      const healthy = await h.person('healthy');
      const other = await createOrganization(h, healthy, 'Healthy');
      const good = await webhookReceiver();
      receivers.push(good);
      await endpoint(h, healthy, other.id, good.url);

      h.app.webhooks.start();
      second?.dispatcher.start();
      // Many events for the tarpit organization: its deliveries hang in every slot they are given.
      for (let i = 0; i < 4; i++) expect((await workspaceIn(h, stalling, stalled.id, `T${i}`)).errors).toBeUndefined();
      await waitFor('the tarpits to be holding slots', async () =>
        tarpits.reduce((n, t) => n + t.received.length, 0) >= 2 ? true : null,
      );

      const committed = Date.now();
      expect((await workspaceIn(h, healthy, other.id, 'Fine')).errors).toBeUndefined();
      await waitFor(
        "the healthy organization's delivery",
        async () => good.received.some((m) => JSON.parse(m.body).type === 'WORKSPACE_CREATED'),
        10_000,
      );
      const arrived = good.received.find((m) => JSON.parse(m.body).type === 'WORKSPACE_CREATED')!.at;
      expect(arrived - committed).toBeLessThan(BOUND_MS);
      // The tarpit organization never had more than two calls in flight per instance.
      const inFlight = tarpits.reduce((n, t) => n + t.received.length, 0);
      expect(inFlight).toBeLessThanOrEqual(2 * (second ? 2 : 1));
    });

    it('an organization has at most WEBHOOK_MAX_ENDPOINTS endpoints', async () => {
      const admin = await h.person('many-hooks');
      const organization = await createOrganization(h, admin, 'Many hooks');
      const ids = [];
      for (let i = 0; i < 6; i++) ids.push(await endpoint(h, admin, organization.id, `http://127.0.0.1:9/hook/${i}`));
      const refused = await h.run(
        CreateWebhookEndpointDocument,
        { input: { organizationId: organization.id, url: 'http://127.0.0.1:9/hook/7' } },
        admin,
      );
      expect([errorCodes(refused), refused.errors?.[0].message]).toEqual([
        ['BAD_USER_INPUT'],
        expect.stringContaining('at most 6'),
      ]);
      const [held] = await h.database.db.query(
        'SELECT COUNT(*) AS n FROM webhook_endpoints WHERE organization_id = ?',
        [organization.id],
      );
      expect(Number(held.n)).toBe(6);
      expect(errorCodes(await h.run(DeleteWebhookEndpointDocument, { id: ids[0] }, admin))).toEqual([]);
      await endpoint(h, admin, organization.id, 'http://127.0.0.1:9/hook/again');
    });
  });

  describe('invitation emails', () => {
    let h: Harness;
    let smtp: TestSmtpServer;

    beforeAll(async () => {
      smtp = await new TestSmtpServer().start();
      smtp.stallWhen = (address) => address.startsWith('stalled-');
      h = await createHarness(kind, { SMTP_URL: smtp.url, OUTBOX_POLL_MS: String(POLL_MS) });
    });
    afterAll(async () => {
      await smtp.stop();
      await h.close();
    });

    it(`another organization's email leaves within ${BOUND_MS} ms while one organization's recipients all stall`, async () => {
      const slow = await h.person('slow-inviter');
      const slowOrganization = await createOrganization(h, slow, 'Slow recipients');
      for (let i = 0; i < 6; i++) {
        const invited = await h.run(
          InviteMemberDocument,
          { input: { scope: { organizationId: slowOrganization.id }, email: `stalled-${i}@example.test` } },
          slow,
        );
        expect(invited.errors).toBeUndefined();
      }
      h.app.outbox.start();
      await waitFor('the stalled recipients to be holding slots', async () => (smtp.attempts >= 2 ? true : null));

      const quick = await h.person('quick-inviter');
      const quickOrganization = await createOrganization(h, quick, 'Quick recipients');
      const committed = Date.now();
      expect(
        (
          await h.run(
            InviteMemberDocument,
            { input: { scope: { organizationId: quickOrganization.id }, email: 'prompt@example.test' } },
            quick,
          )
        ).errors,
      ).toBeUndefined();
      await waitFor('the prompt email', async () => (smtp.to('prompt@example.test').length > 0 ? true : null), 10_000);
      expect(Date.now() - committed).toBeLessThan(BOUND_MS);
      // Two of the slow organization's emails at most were in flight at once.
      expect(smtp.attempts).toBeLessThanOrEqual(3);
    });
  });

  describe('endpoints that keep failing', () => {
    let h: Harness;
    let clock: ManualClock;
    const receivers: WebhookReceiver[] = [];
    const HOUR = 3600_000;

    beforeAll(async () => {
      clock = new ManualClock();
      h = await createHarness(
        kind,
        {
          WEBHOOKS_ALLOW_PRIVATE: 'true',
          WEBHOOK_MAX_ATTEMPTS: '2',
          WEBHOOK_RETRY_BASE_MS: '1000',
          WEBHOOK_DISABLE_AFTER_HOURS: '72',
        },
        { nudgeOutbox: false, clock },
      );
    });
    afterAll(async () => {
      await Promise.all(receivers.map((r) => r.close()));
      await h.close();
    });

    const deliveriesTo = (endpointId: string) =>
      h.database.db.query(
        "SELECT id, event_id, action, status, attempts FROM webhook_deliveries WHERE endpoint_id = ? AND action = 'WORKSPACE_CREATED' ORDER BY created_at, id",
        [endpointId],
      ) as Promise<{ id: string; event_id: string; action: string; status: string; attempts: number }[]>;
    const enabled = async (endpointId: string) =>
      Boolean(
        (await h.database.db.query('SELECT enabled FROM webhook_endpoints WHERE id = ?', [endpointId]))[0].enabled,
      );

    it(`are disabled after ${72} hours of failures, with WEBHOOK_ENDPOINT_DISABLED; a failed delivery is redelivered`, async () => {
      let failing = true;
      const broken = await webhookReceiver(() => (failing ? 500 : 200));
      const watcher = await webhookReceiver();
      receivers.push(broken, watcher);
      let admin = await h.person('hook-owner');
      const organization = await createOrganization(h, admin, 'Failing hooks');
      const brokenId = await endpoint(h, admin, organization.id, broken.url);
      const watcherId = await endpoint(h, admin, organization.id, watcher.url);

      // Every attempt fails: the delivery ends FAILED after two attempts; the endpoint is kept.
      expect((await workspaceIn(h, admin, organization.id, 'First')).errors).toBeUndefined();
      await h.app.webhooks.runOnce();
      clock.advance(2000);
      await h.app.webhooks.runOnce();
      const [first] = await deliveriesTo(brokenId);
      expect(first).toMatchObject({ action: 'WORKSPACE_CREATED', status: 'FAILED', attempts: 2 });
      expect(await enabled(brokenId)).toBe(true);

      // 71 hours of failures later: still enabled.
      clock.advance(71 * HOUR);
      admin = await h.signIn(admin); // tokens expire by the clock too
      expect((await workspaceIn(h, admin, organization.id, 'Second')).errors).toBeUndefined();
      await h.app.webhooks.runOnce();
      expect(await enabled(brokenId)).toBe(true);

      // Past 72 hours: the next failure disables it, once, with an event the other endpoint receives.
      clock.advance(2 * HOUR);
      expect((await workspaceIn(h, admin, organization.id, 'Third')).errors).toBeUndefined();
      await h.app.webhooks.runOnce();
      clock.advance(2000);
      await h.app.webhooks.runOnce();
      expect(await enabled(brokenId)).toBe(false);
      const events = await h.database.db.query(
        "SELECT actor_id, source FROM audit_events WHERE organization_id = ? AND action = 'WEBHOOK_ENDPOINT_DISABLED'",
        [organization.id],
      );
      expect(events).toEqual([{ actor_id: null, source: 'SYSTEM' }]);
      expect(watcher.received.map((m) => JSON.parse(m.body).type)).toContain('WEBHOOK_ENDPOINT_DISABLED');
      // What was queued for it ends FAILED rather than waiting for an endpoint that will not be called.
      expect((await deliveriesTo(brokenId)).map((d) => d.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
      const callsOf = (eventId: string) => broken.received.filter((m) => m.headers['webhook-id'] === eventId).length;
      const calls = callsOf(first.event_id);

      // Redelivering needs the endpoint enabled again; then the same event goes out with its own id.
      const redeliver = () => h.run(RedeliverWebhookDocument, { deliveryId: first.id }, admin);
      expect(errorCodes(await redeliver())).toEqual(['BAD_USER_INPUT']);
      expect(
        errorCodes(await h.run(UpdateWebhookEndpointDocument, { id: brokenId, input: { enabled: true } }, admin)),
      ).toEqual([]);
      failing = false;
      const queued = await redeliver();
      expect(queued.data?.redeliverWebhook).toMatchObject({ id: first.id, status: 'PENDING', attempts: 0 });
      await h.app.webhooks.runOnce();
      expect(callsOf(first.event_id)).toBe(calls + 1);
      expect((await deliveriesTo(brokenId))[0]).toMatchObject({ status: 'DELIVERED', attempts: 1 });
      // Only a FAILED delivery is redelivered; the watcher's endpoint never failed.
      expect(errorCodes(await redeliver())).toEqual(['BAD_USER_INPUT']);
      expect(await enabled(watcherId)).toBe(true);
    });
  });
});
