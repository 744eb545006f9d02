import 'reflect-metadata';
import { runCommand } from './run';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';
import { AppError } from '../domain/errors';
import { grantAdminAsOperator } from '../services/people/operator.service';
import { scopeOf } from '../request/factory';
import { SYSTEM } from '../request/scope';

/**
 * `npm run grant-admin -- ORGANIZATION_ID EMAIL`: makes the person who signed in with that
 * verified address a lasting ADMIN of the organization (docs/domain-rules.md §16) — how an
 * organization left without one by an erasure gets one back. Audited with `source: SYSTEM`.
 */
async function main(): Promise<number> {
  const [organizationId, email] = process.argv.slice(2);
  if (!organizationId || !email) {
    console.error('usage: npm run grant-admin -- ORGANIZATION_ID EMAIL');
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl);
  try {
    const { userId, outcome } = await grantAdminAsOperator(scopeOf({ db, config }, SYSTEM), organizationId, email);
    console.log(
      outcome === 'already'
        ? `${email} (${userId}) is already an ADMIN of ${organizationId}`
        : `${email} (${userId}) is now an ADMIN of ${organizationId}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await db.destroy();
  }
}

runCommand(main);
