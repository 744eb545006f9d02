import 'reflect-metadata';
import { openDatabase } from '../../src/db/data-source';

/** Migrates the shared MySQL/MariaDB test database once, before the workers start. */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const db = await openDatabase(url);
  await db.destroy();
}
