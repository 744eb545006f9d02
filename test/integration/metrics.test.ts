import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type App, createApp } from '../../src/http/app';
import { createLogger } from '../../src/observability/logger';
import { createWorld, invite, type World } from '../support/factories';
import { createHarness, type Harness, TEST_JWT_SECRET } from '../support/harness';
import { exited, freeTcpPort, start, waitFor } from '../support/processes';
import { listen, type Post } from '../support/http';
import { describeOnEachDatabase } from '../support/each-database';

/**
 * `/metrics` (Prometheus text format) on METRICS_PORT, scraped after real requests over HTTP:
 * the counters and histograms moved with the right labels, the outbox is measured from the
 * database, and no label value is an id or an email.
 */
describeOnEachDatabase('metrics', (kind) => {
  let h: Harness;
  let app: App;
  let post: Post;
  let world: World;
  let metricsServer: http.Server;
  let scrapeUrl: string;

  beforeAll(async () => {
    h = await createHarness(kind, { METRICS_PORT: '9999' });
    world = await createWorld(h);
    app = await createApp(h.config, h.database.db, createLogger({ silent: true }), { nudgeOutbox: false });
    ({ post } = await listen(app));
    metricsServer = await app.metrics!.listen(0, '127.0.0.1', createLogger({ silent: true }));
    scrapeUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`;
  });
  afterAll(async () => {
    metricsServer.close();
    await app.apollo.stop();
    await h.close();
  });

  const scrape = async () => {
    const response = await fetch(scrapeUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    return response.text();
  };
  /** The value of one sample, by metric name and exact label set ("" for none). */
  const sample = (text: string, name: string, labels: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };

  it('counts and times operations by name and type, and errors by code', async () => {
    const before = await scrape();
    const token = world.people.orgAdmin.token;
    await post({ query: 'query MyOrganizations { me { organizations { totalCount } } }' }, token);
    await post({ query: 'query MyOrganizations { me { organizations { totalCount } } }' }, token);
    await post({ query: '{ me { id } }' }, token);
    await post(
      {
        query: 'mutation Rename($id: ID!) { updateOrganization(id: $id, input: { name: "" }) { id } }',
        variables: { id: world.organization.id },
      },
      token,
    );
    await post({ query: '{ nonsense }' }, token);
    const after = await scrape();
    const moved = (name: string, labels: string) =>
      (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(moved('membership_graphql_requests_total', 'operation="MyOrganizations",type="query"')).toBe(2);
    expect(moved('membership_graphql_requests_total', 'operation="anonymous",type="query"')).toBe(1);
    expect(moved('membership_graphql_requests_total', 'operation="Rename",type="mutation"')).toBe(1);
    expect(moved('membership_graphql_requests_total', 'operation="unknown",type="unknown"')).toBe(1);
    expect(moved('membership_graphql_errors_total', 'code="BAD_USER_INPUT"')).toBe(1);
    expect(moved('membership_graphql_errors_total', 'code="GRAPHQL_VALIDATION_FAILED"')).toBe(1);
    expect(moved('membership_graphql_request_duration_seconds_count', 'operation="MyOrganizations",type="query"')).toBe(
      2,
    );
    expect(
      moved('membership_graphql_request_duration_seconds_bucket', 'le="+Inf",operation="MyOrganizations",type="query"'),
    ).toBe(2);
    expect(after).toMatch(/^process_cpu_seconds_total \d/m);
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('measures the email outbox from the database: depth, age of the oldest due row, given up', async () => {
    const before = sample(await scrape(), 'membership_outbox_depth', 'kind="email"') ?? 0;
    await invite(h, world.people.orgAdmin, { organizationId: world.organization.id }, 'queued@example.test');
    // Due since a minute ago: the oldest due row is at least that old.
    await h.database.db.query("UPDATE outbox_emails SET next_attempt_at = ? WHERE status = 'PENDING'", [
      new Date(Date.now() - 60_000).toISOString().replace('T', ' ').replace('Z', ''),
    ]);
    const text = await scrape();
    expect(sample(text, 'membership_outbox_depth', 'kind="email"')).toBe(before + 1);
    expect(sample(text, 'membership_outbox_oldest_due_seconds', 'kind="email"')).toBeGreaterThanOrEqual(59);
    const counted = async (sql: string) => Number((await h.database.db.query(sql))[0].n);
    expect(sample(text, 'membership_outbox_depth', 'kind="webhook"')).toBe(
      await counted("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'PENDING'"),
    );
    // An email given up shows in the failed count at the next scrape.
    const failedBefore = sample(text, 'membership_deliveries_failed', 'kind="email"');
    expect(failedBefore).toBe(await counted("SELECT COUNT(*) AS n FROM outbox_emails WHERE status = 'FAILED'"));
    await h.database.db.query(
      "UPDATE outbox_emails SET status = 'FAILED' WHERE id = (SELECT id FROM (SELECT id FROM outbox_emails WHERE status = 'PENDING' LIMIT 1) AS one)",
    );
    const after = await scrape();
    expect(sample(after, 'membership_deliveries_failed', 'kind="email"')).toBe((failedBefore ?? 0) + 1);
    expect(sample(after, 'membership_outbox_depth', 'kind="email"')).toBe(before);
    if (kind === 'mysql') {
      // The pool as mysql2 holds it: the connections in use and idle add up to what it has opened.
      const inUse = sample(after, 'membership_db_pool_connections', 'state="in_use"') ?? -1;
      const idle = sample(after, 'membership_db_pool_connections', 'state="idle"') ?? -1;
      expect(inUse).toBeGreaterThanOrEqual(0);
      expect(idle).toBeGreaterThanOrEqual(0);
      expect(inUse + idle).toBeGreaterThan(0);
      expect(inUse + idle).toBeLessThanOrEqual(10);
      expect(sample(after, 'membership_db_pool_connections', 'state="waiting"')).toBe(0);
    }
  });

  it('no label value is an id, an email or a name a client chose past the bound', async () => {
    const token = world.people.orgAdmin.token;
    for (let i = 0; i < 110; i++) await post({ query: `query Op${i} { me { id } }` }, token);
    const text = await scrape();
    const values = [...text.matchAll(/="([^"]*)"/g)].map((m) => m[1]);
    expect(values.length).toBeGreaterThan(20);
    for (const value of values) {
      expect(value).not.toMatch(/@|[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect(value).not.toContain(world.organization.id);
    }
    const operations = new Set([...text.matchAll(/operation="([^"]*)"/g)].map((m) => m[1]));
    expect(operations.size).toBeLessThanOrEqual(100 + 3);
    expect(operations.has('other')).toBe(true);
  });

  it('is served on its own port only, and nothing else is', async () => {
    expect((await fetch(scrapeUrl.replace('/metrics', '/graphql'))).status).toBe(404);
    const onApi = await fetch(`http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}/metrics`);
    expect(onApi.status).toBe(404);
  });
});

describe('without METRICS_PORT', () => {
  it('keeps no metrics at all', async () => {
    const h = await createHarness('sqlite');
    try {
      expect(h.app.metrics).toBeNull();
    } finally {
      await h.close();
    }
  });
});

/** The listening sockets of this machine's IPv4 TCP table: local address and port of each LISTEN entry. */
function listeningSockets(): { address: string; port: number }[] {
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === '0A') // TCP_LISTEN
    .map((fields) => {
      const [hex, port] = fields[1].split(':');
      const address = [0, 2, 4, 6]
        .map((i) => parseInt(hex.slice(i, i + 2), 16))
        .reverse()
        .join('.');
      return { address, port: parseInt(port, 16) };
    });
}

describe('the metrics server of a production instance listening on every interface', () => {
  it('listens on loopback (METRICS_HOST), not on HOST: it has no authentication', async () => {
    const [port, metricsPort] = [await freeTcpPort(), await freeTcpPort()];
    const database = join(tmpdir(), `membership-metrics-host-${randomUUID()}.sqlite`);
    const server = start(process.execPath, [resolve(__dirname, '../../dist/src/http/main.js')], {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      DATABASE_URL: `sqlite:${database}`,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
    });
    try {
      await waitFor('the metrics server', async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok);
      const sockets = listeningSockets();
      expect(sockets.filter((s) => s.port === port)).toEqual([{ address: '0.0.0.0', port }]);
      expect(sockets.filter((s) => s.port === metricsPort)).toEqual([{ address: '127.0.0.1', port: metricsPort }]);
    } finally {
      server.child.kill('SIGKILL');
      await exited(server.child);
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
    }
  });
});
