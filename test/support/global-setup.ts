import 'reflect-metadata';
import { withServer } from './databases';

/** Fails early, with one clear message, when TEST_DATABASE_URL names a server that does not answer. */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  await withServer(new URL(url), (admin) => admin.query('SELECT 1'));
}
