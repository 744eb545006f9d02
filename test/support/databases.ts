import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../src/db/data-source';

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
 * A database with the schema migrated. SQLite: a fresh file per call. MySQL/MariaDB: the shared
 * test database (migrated once by the global setup); tests make their own rows with fresh ids,
 * so they never see each other's data.
 */
export async function openTestDatabase(
  kind: TestDatabase,
  options: { poolSize?: number } = {},
): Promise<OpenedDatabase> {
  if (kind === 'sqlite') {
    const path = join(tmpdir(), `membership-test-${process.pid}-${randomUUID()}.sqlite`);
    const url = `sqlite:${path}`;
    const db = await openDatabase(url);
    return {
      url,
      db,
      close: async () => {
        await db.destroy();
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      },
    };
  }
  const url = process.env.TEST_DATABASE_URL as string;
  const db = await openDatabase(url, options);
  return { url, db, close: () => db.destroy() };
}
