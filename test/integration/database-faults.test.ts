import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Invitation } from '../../entities/invitation.entity';
import { OutboxEmail } from '../../entities/outbox-email.entity';
import { DataSource } from 'typeorm';
import { dataSourceOptions, openDatabase } from '../../src/db/data-source';
import { createWorld, invite, scopeInput } from '../support/factories';
import { createHarness, type Harness } from '../support/harness';
import { listen, type Post } from '../support/http';
import { exited, freeTcpPort, start, waitFor } from '../support/processes';
import { TestSmtpServer } from '../support/smtp';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger';
import { CreateProvisioningTokenDocument } from '../generated/graphql';

/** better-sqlite3 as another process would open the file (the package ships no types). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (path: string) => { exec(sql: string): void; close(): void };

/** Every line the server logs during the MariaDB test, parsed. */
const logged: string[] = [];
const logLines = (): Record<string, any>[] => logged.map((line) => JSON.parse(line));
const captureLogger = () =>
  createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logged.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }),
  });

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

/**
 * A MariaDB server of the test's own (its own port and data directory, so that the shared one
 * stays up) is stopped while the subgraph runs, then started again. Needs only MariaDB's binaries,
 * which this kind of machine has (elsewhere the suite reports itself skipped).
 */
const enabled = existsSync(MARIADBD) && existsSync(INSTALL_DB);
(enabled ? describe : describe.skip)('a MariaDB server that stops and comes back', () => {
  let dataDir: string;
  let port: number;
  let mariadb: ReturnType<typeof start> | null = null;
  let h: Harness;
  let post: Post;
  let smtp: TestSmtpServer;
  let base: string;

  async function startMariadb(): Promise<void> {
    mariadb = start(MARIADBD, [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dataDir, 'mysqld.sock')}`,
      `--pid-file=${join(dataDir, 'mysqld.pid')}`,
      '--user=root',
      '--skip-grant-tables',
      '--innodb-buffer-pool-size=16M',
      '--skip-log-bin',
    ]);
    await waitFor(
      'the test MariaDB',
      async () => {
        const probe = new DataSource({
          ...dataSourceOptions(`mariadb://root@127.0.0.1:${port}/mysql`, { poolSize: 1 }),
          entities: [],
          migrations: [],
        });
        await probe.initialize();
        await probe.destroy();
        return true;
      },
      60_000,
    );
  }

  async function stopMariadb(): Promise<void> {
    if (!mariadb) return;
    mariadb.child.kill('SIGTERM');
    await exited(mariadb.child);
    mariadb = null;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'membership-mariadb-'));
    port = await freeTcpPort();
    const install = start(INSTALL_DB, [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--user=root',
      '--skip-test-db',
      '--auth-root-authentication-method=normal',
    ]);
    expect(await exited(install.child)).toBe(0);
    await startMariadb();
    const admin = new DataSource({
      ...dataSourceOptions(`mariadb://root@127.0.0.1:${port}/mysql`, { poolSize: 1 }),
      entities: [],
      migrations: [],
    });
    await admin.initialize();
    await admin.query('CREATE DATABASE faults CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    await admin.destroy();

    smtp = await new TestSmtpServer().start();
    const url = `mariadb://root@127.0.0.1:${port}/faults`;
    const db = await openDatabase(url);
    h = await createHarness(
      'mysql',
      { SMTP_URL: smtp.url, APP_URL: 'https://app.example.test' },
      {
        nudgeOutbox: false,
        logger: captureLogger(),
        database: { url, db, close: () => db.destroy() },
      },
    );
    ({ post } = await listen(h.app));
    base = (h.app.httpServer.address() as { port: number }).port.toString();
  }, 120_000);

  afterAll(async () => {
    await h?.close().catch(() => undefined);
    await smtp?.stop();
    await stopMariadb();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After everywhere while it is down, logs the outage once, and recovers without a restart, losing nothing', async () => {
    const world = await createWorld(h);
    const queued = await invite(h, world.people.orgAdmin, scopeInput.workspace(world), 'survivor@example.test');
    const provisioning = await h.run(
      CreateProvisioningTokenDocument,
      { input: { organizationId: world.organization.id, description: 'Okta' } },
      world.people.orgAdmin,
    );
    const scimToken = provisioning.data!.createProvisioningToken.token;
    const ready = () => fetch(`http://127.0.0.1:${base}/ready`);
    expect((await ready()).status).toBe(200);
    const linesBefore = logLines().length;
    const newcomer = await h.person('newcomer');

    await stopMariadb();

    expect((await ready()).status).toBe(503);
    const started = Date.now();
    // A read, a mutation and a newcomer's first request: all retryable.
    const answers = [
      await post({ query: `{ organization(id: "${world.organization.id}") { name } }` }, world.people.orgAdmin.token),
      await post(
        {
          query: 'mutation($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { id } }',
          variables: { input: { organizationId: world.organization.id, name: 'During the outage' } },
        },
        world.people.orgAdmin.token,
      ),
      // Someone the server has not seen: their context (which records them) fails first.
      await post({ query: `{ organization(id: "${world.organization.id}") { name } }` }, newcomer.token),
    ];
    expect(Date.now() - started).toBeLessThan(6_000);
    for (const down of answers) {
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('2');
      expect(down.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual([
        'SERVICE_UNAVAILABLE',
      ]);
      expect(JSON.stringify(down.body)).not.toMatch(/ECONNREFUSED|SELECT|127\.0\.0\.1|mysql/i);
    }
    // The plain-HTTP endpoints answer the same way, each in its own error shape.
    const exported = await fetch(
      `http://127.0.0.1:${base}/audit/export?organizationId=${world.organization.id}&format=csv`,
      { headers: { authorization: `Bearer ${world.people.orgAdmin.token}` } },
    );
    expect(exported.status).toBe(503);
    expect(exported.headers.get('retry-after')).toBe('2');
    expect(((await exported.json()) as any).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    const scim = await fetch(`http://127.0.0.1:${base}/scim/v2/Users`, {
      headers: { authorization: `Bearer ${scimToken}` },
    });
    expect(scim.status).toBe(503);
    expect(scim.headers.get('retry-after')).toBe('2');
    expect(await scim.json()).toMatchObject({ status: '503' });
    // A dispatcher batch fails too (its polling loop reports to the same tracker); the email stays queued.
    await expect(h.app.outbox.runOnce()).rejects.toBeDefined();
    // Six failures, one line: the outage, not each request.
    const during = logLines().slice(linesBefore);
    expect(during.filter((line) => line.level === 'error')).toEqual([
      expect.objectContaining({ msg: expect.stringMatching(/^database unavailable/), cause: 'ECONNREFUSED' }),
    ]);

    await startMariadb();

    await waitFor('readiness', async () => (await ready()).status === 200);
    await waitFor('the outage to be logged as over', async () =>
      logLines().some((line) => line.msg === 'database reachable again'),
    );
    const over = logLines().find((line) => line.msg === 'database reachable again')!;
    expect(over.failures).toBeGreaterThanOrEqual(5);
    const up = await post(
      { query: `{ organization(id: "${world.organization.id}") { name } }` },
      world.people.orgAdmin.token,
    );
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ data: { organization: { name: 'Acme' } } });
    // The mutation refused during the outage changed nothing.
    expect(
      Number(
        (await h.database.db.query('SELECT COUNT(*) AS n FROM workspaces WHERE name = ?', ['During the outage']))[0].n,
      ),
    ).toBe(0);
    expect(await h.database.db.getRepository(Invitation).countBy({ id: queued.invitation.id })).toBe(1);
    expect(
      await h.database.db
        .getRepository(OutboxEmail)
        .countBy({ invitationId: queued.invitation.id, status: 'PENDING' as never }),
    ).toBe(1);
    expect(await h.app.outbox.runOnce()).toBe(1);
    expect(smtp.to('survivor@example.test')).toHaveLength(1);
  }, 120_000);
});

/**
 * SQLite: a file another process holds locked past the busy timeout is an outage too (the same
 * answer as a lost database server), and the request that met it changed nothing.
 */
describe('an SQLite file locked by another process', () => {
  let folder: string;
  let h: Harness;
  let post: Post;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'membership-sqlite-'));
    const url = `sqlite:${join(folder, 'locked.sqlite')}`;
    const db = await openDatabase(url, { sqliteBusyTimeoutMs: 100 });
    h = await createHarness('sqlite', {}, { nudgeOutbox: false, database: { url, db, close: () => db.destroy() } });
    ({ post } = await listen(h.app));
  });

  afterAll(async () => {
    await h?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('answers 503 SERVICE_UNAVAILABLE while the lock is held, and serves again once it is released', async () => {
    const world = await createWorld(h);
    const other = new Database(join(folder, 'locked.sqlite'));
    other.exec('BEGIN EXCLUSIVE');
    const createWorkspace = () =>
      post(
        {
          query: 'mutation($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { id } }',
          variables: { input: { organizationId: world.organization.id, name: 'Locked out' } },
        },
        world.people.orgAdmin.token,
      );
    try {
      const refused = await createWorkspace();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(refused.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    expect(
      Number((await h.database.db.query('SELECT COUNT(*) AS n FROM workspaces WHERE name = ?', ['Locked out']))[0].n),
    ).toBe(0);
    const served = await createWorkspace();
    expect(served.status).toBe(200);
    expect(served.body.data.createWorkspace.id).toEqual(expect.any(String));
  });
});
