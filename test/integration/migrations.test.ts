import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/db/data-source';
import { type TestDatabase, withServer } from '../support/databases';
import { describeOnEachDatabase } from '../support/each-database';

const TABLES = ['domains', 'memberships', 'organizations', 'users', 'workspaces'];

/** A throwaway, empty database of the kind, so that migrations start from nothing. */
async function emptyDatabase(kind: TestDatabase): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const path = join(tmpdir(), `membership-migrations-${randomUUID()}.sqlite`);
    return { url: `sqlite:${path}`, drop: async () => rmSync(path, { force: true }) };
  }
  const server = new URL(process.env.TEST_DATABASE_URL as string);
  const name = `membership_migrations_${process.pid}_${randomUUID().slice(0, 8)}`;
  await withServer(server, (admin) =>
    admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`),
  );
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => withServer(server, (admin) => admin.query(`DROP DATABASE \`${name}\``)) };
}

async function tableNames(db: DataSource): Promise<string[]> {
  const runner = db.createQueryRunner();
  try {
    const tables = await runner.getTables(TABLES);
    return tables.map((t) => t.name.split('.').pop() as string).sort();
  } finally {
    await runner.release();
  }
}

describeOnEachDatabase('migrations', (kind) => {
  it('run from nothing, revert to nothing, and run again', async () => {
    const target = await emptyDatabase(kind);
    const db = new DataSource(dataSourceOptions(target.url));
    await db.initialize();
    try {
      await db.runMigrations({ transaction: 'each' });
      expect(await tableNames(db)).toEqual(TABLES);
      expect(await db.showMigrations()).toBe(false);

      while ((await db.query('SELECT COUNT(*) AS n FROM migrations'))[0].n > 0)
        await db.undoLastMigration({ transaction: 'each' });
      expect(await tableNames(db)).toEqual([]);

      await db.runMigrations({ transaction: 'each' });
      expect(await tableNames(db)).toEqual(TABLES);
    } finally {
      await db.destroy();
      await target.drop();
    }
  });

  it('leave no difference between the entities and the migrated schema', async () => {
    const target = await emptyDatabase(kind);
    const db = new DataSource(dataSourceOptions(target.url));
    await db.initialize();
    try {
      await db.runMigrations({ transaction: 'each' });
      const pending = await db.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await db.destroy();
      await target.drop();
    }
  });
});
