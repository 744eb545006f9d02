import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { type DatabaseOptions, dataSourceOptions, openDatabase } from '../../src/db/data-source';

/**
 * The databases the database-touching tiers run on: always the embedded SQLite, and
 * MySQL/MariaDB too when TEST_DATABASE_URL names one (CI does).
 */
export type TestDatabase = 'sqlite' | 'mysql';

export const TEST_DATABASES: TestDatabase[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'mysql'] : ['sqlite'];

export interface OpenedDatabase {
  url: string;
  db: DataSource;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for each caller, so that no test sees another's rows
 * (an email dispatcher, for one, takes every due email in its database). SQLite: a new file.
 * MySQL/MariaDB: a new database on the TEST_DATABASE_URL server, dropped on close.
 */
export async function openTestDatabase(kind: TestDatabase, options: DatabaseOptions = {}): Promise<OpenedDatabase> {
  if (kind === 'sqlite') {
    const path = join(tmpdir(), `membership-test-${process.pid}-${randomUUID()}.sqlite`);
    const url = `sqlite:${path}`;
    const db = await openDatabase(url, options);
    return {
      url,
      db,
      close: async () => {
        await db.destroy();
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      },
    };
  }
  const server = new URL(process.env.TEST_DATABASE_URL as string);
  const name = `${server.pathname.replace(/^\//, '') || 'test'}_${process.pid}_${randomUUID().slice(0, 8)}`;
  await withServer(server, (admin) =>
    admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`),
  );
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  const db = await openDatabase(url.toString(), options);
  return {
    url: url.toString(),
    db,
    close: async () => {
      await db.destroy();
      await withServer(server, (admin) => admin.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}

/** A short-lived connection to the test server's own database, for CREATE and DROP DATABASE. */
export async function withServer<T>(server: URL, work: (admin: DataSource) => Promise<T>): Promise<T> {
  const admin = new DataSource({
    ...dataSourceOptions(server.toString(), { poolSize: 1 }),
    entities: [],
    migrations: [],
  });
  await admin.initialize();
  try {
    return await work(admin);
  } finally {
    await admin.destroy();
  }
}
