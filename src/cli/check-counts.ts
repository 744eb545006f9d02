import 'reflect-metadata';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';
import { memberCountDrift, recountOrganization } from '../db/membership-rows';
import { withOrganizationLock } from '../db/transaction';

/**
 * `npm run check:counts [-- --repair]`: recounts every scope's memberships in the configured
 * database (DATABASE_URL) and compares them with the maintained member counts. Prints each
 * drift and exits 1 when there is one; `--repair` rewrites the counts of the organizations that
 * drifted, each under its organization's lock, then checks again.
 */
async function main(): Promise<number> {
  const repair = process.argv.includes('--repair');
  const db = await openDatabase(loadConfig().databaseUrl);
  try {
    let drift = await memberCountDrift(db);
    for (const d of drift) {
      console.log(`${d.organizationId} ${d.scopeId} ${d.role}: counted ${d.counted}, actual ${d.actual}`);
    }
    if (drift.length > 0 && repair) {
      for (const organizationId of new Set(drift.map((d) => d.organizationId))) {
        await withOrganizationLock(
          db,
          organizationId,
          (em) => recountOrganization(em, organizationId),
          // An organization deleted meanwhile took its counts with it.
          () => new Error('gone'),
        ).catch((error: Error) => {
          if (error.message !== 'gone') throw error;
        });
      }
      drift = await memberCountDrift(db);
      console.log(drift.length === 0 ? 'repaired' : `${drift.length} counts still differ`);
    } else {
      console.log(drift.length === 0 ? 'member counts match the memberships' : `${drift.length} counts differ`);
    }
    return drift.length === 0 ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
