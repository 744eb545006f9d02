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

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

/**
 * A MariaDB server of the test's own (its own port and data directory, so that the shared one
 * stays up) is stopped while the subgraph runs, then started again. Needs only MariaDB's binaries,
 * which this kind of machine has (elsewhere the suite reports itself skipped).
 */
const enabled = existsSync(MARIADBD) && existsSync(INSTALL_DB);
(enabled ? describe : describe.skip)('a database that stops and comes back', () => {
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

  it('answers 503 on /ready and fails requests fast while it is down, and recovers without a restart, losing nothing', async () => {
    const world = await createWorld(h);
    const queued = await invite(h, world.people.orgAdmin, scopeInput.workspace(world), 'survivor@example.test');
    const ready = () => fetch(`http://127.0.0.1:${base}/ready`);
    expect((await ready()).status).toBe(200);

    await stopMariadb();

    expect((await ready()).status).toBe(503);
    const started = Date.now();
    const down = await post(
      { query: `{ organization(id: "${world.organization.id}") { name } }` },
      world.people.orgAdmin.token,
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(6_000);
    expect(down.body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(down.body)).not.toMatch(/ECONNREFUSED|SELECT|127\.0\.0\.1|mysql/i);
    // A dispatcher batch fails too (its polling loop logs and retries); the email stays queued.
    await expect(h.app.outbox.runOnce()).rejects.toBeDefined();

    await startMariadb();

    await waitFor('readiness', async () => (await ready()).status === 200);
    const up = await post(
      { query: `{ organization(id: "${world.organization.id}") { name } }` },
      world.people.orgAdmin.token,
    );
    expect(up.body).toEqual({ data: { organization: { name: 'Acme' } } });
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
