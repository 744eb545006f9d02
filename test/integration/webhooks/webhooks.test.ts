import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WebhookDelivery } from '../../../entities/webhook.entity';
import { dataSourceOptions } from '../../../src/db/data-source';
import { createLogger } from '../../../src/observability/logger';
import { WebhookDispatcher } from '../../../src/jobs/webhook-dispatcher';
import { CreateWorkspaceDocument, DeleteOrganizationDocument } from '../../generated/graphql';
import { createOrganization, createWorld } from '../../support/factories';
import { createHarness, errorCodes, type Harness, type Person } from '../../support/harness';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import { type ReceivedCall, webhookReceiver } from '../../support/http';

const CREATE = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id url actions enabled createdAt } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { id enabled actions } }`;
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { id } } }`;
const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`;
const DELIVERIES = `query($id: ID!) { organization(id: $id) { webhookEndpoints { id deliveries(first: 50) {
  nodes { eventId action status attempts responseStatus lastAttemptAt nextAttemptAt } } } } }`;

/** Verifies a delivery the way the specification says a receiver should, with nothing of ours. */
function verify(secret: string, message: ReceivedCall): boolean {
  const id = String(message.headers['webhook-id']);
  const timestamp = String(message.headers['webhook-timestamp']);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${message.body}`).digest('base64');
  return String(message.headers['webhook-signature'])
    .split(' ')
    .some((signature) => signature === `v1,${expected}`);
}

describeOnEachDatabase('webhooks', (kind) => {
  const h = useHarness(kind, {
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    WEBHOOK_RETRY_BASE_MS: '1',
    WEBHOOK_MAX_ATTEMPTS: '3',
    WEBHOOK_TIMEOUT_MS: '300',
  });

  async function endpoint(admin: Person, organizationId: string, url: string, actions: string[] = []) {
    const created = await h.run(CREATE as never, { input: { organizationId, url, actions } }, admin);
    expect(created.errors).toBeUndefined();
    return (created.data as any).createWebhookEndpoint as { secret: string; endpoint: { id: string } };
  }
  const drain = async (dispatcher = h.app.webhooks, rounds = 30) => {
    for (let i = 0; i < rounds; i++) {
      await dispatcher.runOnce();
      const [row] = await h.database.db.query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'PENDING'");
      if (Number(row.n) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('delivers every event signed as the specification says, with the event as its body', async () => {
    const target = await webhookReceiver();
    try {
      const admin = await h.person('hooked');
      const organization = await createOrganization(h, admin, 'Hooked');
      const { secret } = await endpoint(admin, organization.id, target.url);
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const workspace = await h.run(
        CreateWorkspaceDocument,
        { input: { organizationId: organization.id, name: 'W' } },
        admin,
      );
      await drain();
      const messages = target.received.filter((m) => JSON.parse(m.body).type === 'WORKSPACE_CREATED');
      expect(messages).toHaveLength(1);
      const [message] = messages;
      expect(verify(secret, message)).toBe(true);
      expect(message.headers['content-type']).toBe('application/json');
      const body = JSON.parse(message.body);
      expect(body).toMatchObject({
        type: 'WORKSPACE_CREATED',
        data: {
          id: message.headers['webhook-id'],
          action: 'WORKSPACE_CREATED',
          actorId: admin.sub,
          scope: 'WORKSPACE',
          organizationId: organization.id,
          workspaceId: workspace.data!.createWorkspace.id,
          domainId: null,
        },
      });
      expect(Math.abs(Number(message.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
      const [event] = await h.database.db.query('SELECT id FROM audit_events WHERE id = ?', [body.data.id]);
      expect(event).toBeDefined();
    } finally {
      await target.close();
    }
  });

  it('retries a failing receiver with the same webhook-id: 500, 500, then 200 is three attempts', async () => {
    const target = await webhookReceiver((n) => (n <= 2 ? 500 : 200));
    try {
      const admin = await h.person('retried');
      const organization = await createOrganization(h, admin, 'Retried');
      await endpoint(admin, organization.id, target.url, ['WORKSPACE_CREATED']);
      await h.run(CreateWorkspaceDocument, { input: { organizationId: organization.id, name: 'W' } }, admin);
      await drain();
      expect(target.received).toHaveLength(3);
      expect(new Set(target.received.map((m) => m.headers['webhook-id'])).size).toBe(1);
      const listed = await h.run(DELIVERIES as never, { id: organization.id }, admin);
      expect((listed.data as any).organization.webhookEndpoints[0].deliveries.nodes).toEqual([
        expect.objectContaining({
          action: 'WORKSPACE_CREATED',
          status: 'DELIVERED',
          attempts: 3,
          responseStatus: 200,
          nextAttemptAt: null,
        }),
      ]);
    } finally {
      await target.close();
    }
  });

  it('gives up on a receiver that never answers after WEBHOOK_MAX_ATTEMPTS', async () => {
    const target = await webhookReceiver(() => 'hang');
    try {
      const admin = await h.person('silent');
      const organization = await createOrganization(h, admin, 'Silent');
      await endpoint(admin, organization.id, target.url, ['WORKSPACE_CREATED']);
      await h.run(CreateWorkspaceDocument, { input: { organizationId: organization.id, name: 'W' } }, admin);
      await drain();
      const [delivery] = await h.database.db.getRepository(WebhookDelivery).findBy({ organizationId: organization.id });
      expect(delivery).toMatchObject({ status: 'FAILED', attempts: 3, responseStatus: null });
      expect(delivery.lastError).toMatch(/no answer within 300 ms/);
      expect(target.received).toHaveLength(3);
    } finally {
      await target.close();
    }
  });

  it('honours the action filter, and a disabled endpoint receives nothing', async () => {
    const [wanted, disabled] = [await webhookReceiver(), await webhookReceiver()];
    try {
      const admin = await h.person('filtered');
      const organization = await createOrganization(h, admin, 'Filtered');
      await endpoint(admin, organization.id, wanted.url, ['WORKSPACE_UPDATED']);
      const off = await endpoint(admin, organization.id, disabled.url, ['WORKSPACE_CREATED', 'WORKSPACE_UPDATED']);
      expect(
        errorCodes(await h.run(UPDATE as never, { id: off.endpoint.id, input: { enabled: false } }, admin)),
      ).toEqual([]);
      const ws = await h.run(CreateWorkspaceDocument, { input: { organizationId: organization.id, name: 'W' } }, admin);
      await h.run(
        `mutation($id: ID!) { updateWorkspace(id: $id, input: { name: "W2" }) { id } }` as never,
        { id: ws.data!.createWorkspace.id },
        admin,
      );
      await drain();
      expect(wanted.received.map((m) => JSON.parse(m.body).type)).toEqual(['WORKSPACE_UPDATED']);
      expect(disabled.received).toHaveLength(0);
    } finally {
      await wanted.close();
      await disabled.close();
    }
  });

  it('two instances deliver each event once per endpoint, and a dead instance’s claim is taken over', async () => {
    const target = await webhookReceiver();
    // A second instance: on MariaDB with a connection pool of its own on the same database (the
    // embedded SQLite serves one process: there both share its connection and race on the claims).
    const secondDb = kind === 'sqlite' ? h.database.db : new DataSource(dataSourceOptions(h.database.url));
    if (!secondDb.isInitialized) await secondDb.initialize();
    const second = new WebhookDispatcher(secondDb, h.config, createLogger({ silent: true }));
    try {
      const admin = await h.person('busy');
      const organization = await createOrganization(h, admin, 'Busy');
      await endpoint(admin, organization.id, target.url, ['WORKSPACE_CREATED']);
      for (let i = 0; i < 12; i++) {
        await h.run(CreateWorkspaceDocument, { input: { organizationId: organization.id, name: `W${i}` } }, admin);
      }
      // An instance that died holding a claim: its lease ran out, nothing was sent.
      await h.database.db.query(
        "UPDATE webhook_deliveries SET claim_token = 'dead-instance', claimed_until = ? WHERE id IN (SELECT id FROM (SELECT id FROM webhook_deliveries WHERE organization_id = ? LIMIT 1) AS one)",
        ['2020-01-01 00:00:00.000', organization.id],
      );
      await Promise.all([drain(h.app.webhooks), drain(second)]);
      const ids = target.received.map((m) => String(m.headers['webhook-id']));
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
    } finally {
      await second.stop();
      if (secondDb !== h.database.db) await secondDb.destroy();
      await target.close();
    }
  });

  it('an organization’s deletion reaches its endpoints after they are gone', async () => {
    const target = await webhookReceiver();
    try {
      const admin = await h.person('deleting');
      const organization = await createOrganization(h, admin, 'Deleting');
      await endpoint(admin, organization.id, target.url, ['ORGANIZATION_DELETED']);
      expect(errorCodes(await h.run(DeleteOrganizationDocument, { id: organization.id }, admin))).toEqual([]);
      await drain();
      expect(target.received.map((m) => JSON.parse(m.body).type)).toEqual(['ORGANIZATION_DELETED']);
    } finally {
      await target.close();
    }
  });

  it('rotating the secret signs what follows with the new one; deleting stops deliveries', async () => {
    const target = await webhookReceiver();
    try {
      const admin = await h.person('rotating');
      const organization = await createOrganization(h, admin, 'Rotating');
      const created = await endpoint(admin, organization.id, target.url, ['WORKSPACE_CREATED']);
      const rotated = (await h.run(ROTATE as never, { id: created.endpoint.id }, admin)).data as any;
      expect(rotated.rotateWebhookSecret.secret).not.toBe(created.secret);
      await h.run(CreateWorkspaceDocument, { input: { organizationId: organization.id, name: 'W' } }, admin);
      await drain();
      expect(verify(rotated.rotateWebhookSecret.secret, target.received[0])).toBe(true);
      expect(verify(created.secret, target.received[0])).toBe(false);
      expect(errorCodes(await h.run(DELETE as never, { id: created.endpoint.id }, admin))).toEqual([]);
      await h.run(CreateWorkspaceDocument, { input: { organizationId: organization.id, name: 'W2' } }, admin);
      await drain();
      expect(target.received).toHaveLength(1);
    } finally {
      await target.close();
    }
  });

  it('only organization ADMINs manage webhooks; to others an endpoint does not exist', async () => {
    const world = await createWorld(h);
    const created = await endpoint(world.people.orgAdmin, world.organization.id, 'http://127.0.0.1:9/never');
    for (const persona of ['orgAccounting', 'orgMember', 'wsAdmin'] as const) {
      const who = world.people[persona];
      const create = await h.run(
        CREATE as never,
        { input: { organizationId: world.organization.id, url: 'http://127.0.0.1:9/x' } },
        who,
      );
      expect([persona, errorCodes(create)]).toEqual([persona, ['FORBIDDEN']]);
      expect([persona, errorCodes(await h.run(ROTATE as never, { id: created.endpoint.id }, who))]).toEqual([
        persona,
        ['NOT_FOUND'],
      ]);
      const listed = await h.run(DELIVERIES as never, { id: world.organization.id }, who);
      expect([persona, errorCodes(listed)]).toEqual([persona, ['FORBIDDEN']]);
    }
    const outsider = await h.run(
      CREATE as never,
      { input: { organizationId: world.organization.id, url: 'http://127.0.0.1:9/x' } },
      world.people.outsider,
    );
    expect(errorCodes(outsider)).toEqual(['NOT_FOUND']);
  });
});

describe('webhook URLs outside WEBHOOKS_ALLOW_PRIVATE', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite', {
      WEBHOOK_TIMEOUT_MS: '300',
      WEBHOOK_RETRY_BASE_MS: '1',
      WEBHOOK_MAX_ATTEMPTS: '1',
    });
  });
  afterAll(() => h.close());

  it.each([
    ['http://example.com/hook', 'https'],
    ['https://user:secret@example.com/hook', 'credentials'],
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://localhost/hook', 'loopback'],
    ['https://[::1]/hook', 'loopback'],
    ['https://10.1.2.3/hook', 'private'],
    ['https://172.16.0.1/hook', 'private'],
    ['https://192.168.1.1/hook', 'private'],
    ['https://[fc00::1]/hook', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'link-local'],
    ['https://[fe80::1]/hook', 'link-local'],
    ['https://0.0.0.0/hook', 'unspecified'],
    ['https://224.0.0.1/hook', 'multicast'],
    ['not a url', 'absolute'],
  ])('refuses %s (%s) with BAD_USER_INPUT on url, and creates nothing', async (url) => {
    const admin = await h.person('guarded');
    const organization = await createOrganization(h, admin, 'Guarded');
    const result = await h.run(CREATE as never, { input: { organizationId: organization.id, url } }, admin);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].extensions!.field).toBe('url');
    const [row] = await h.database.db.query('SELECT COUNT(*) AS n FROM webhook_endpoints WHERE organization_id = ?', [
      organization.id,
    ]);
    expect(Number(row.n)).toBe(0);
  });

  // Public addresses are only ever saved here, never called: no test sends anything off this
  // machine. Each test removes what it queued for them before any dispatcher runs.
  const PUBLIC = 'https://93.184.215.14/hook'; // a public address by the rules, never called here
  const forgetDeliveries = () => h.database.db.query('DELETE FROM webhook_deliveries');

  it('accepts a public https address', async () => {
    const admin = await h.person('public');
    const organization = await createOrganization(h, admin, 'Public');
    const result = await h.run(CREATE as never, { input: { organizationId: organization.id, url: PUBLIC } }, admin);
    expect(result.errors).toBeUndefined();
    await forgetDeliveries();
  });

  it('checks again when delivering: a URL that now reaches loopback is not called', async () => {
    const target = await webhookReceiver();
    try {
      const admin = await h.person('rebound');
      const organization = await createOrganization(h, admin, 'Rebound');
      const result = await h.run(CREATE as never, { input: { organizationId: organization.id, url: PUBLIC } }, admin);
      const created = (result.data as any).createWebhookEndpoint.endpoint.id as string;
      // As if its name now resolved to this machine (DNS rebinding): the stored URL points at loopback.
      const port = new URL(target.url).port;
      await h.database.db.query('UPDATE webhook_endpoints SET url = ? WHERE id = ?', [
        `https://localhost:${port}/hook`,
        created,
      ]);
      await forgetDeliveries();
      await h.run(CreateWorkspaceDocument, { input: { organizationId: organization.id, name: 'W' } }, admin);
      await h.app.webhooks.runOnce();
      const [delivery] = await h.database.db.getRepository(WebhookDelivery).findBy({ endpointId: created });
      expect(delivery.status).toBe('FAILED');
      expect(delivery.lastError).toMatch(/not a public address/);
      expect(target.received).toHaveLength(0);
    } finally {
      await target.close();
    }
  });
});
