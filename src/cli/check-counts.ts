import 'reflect-metadata';
import { runCommand } from './run';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';
import { memberCountDrift, recountOrganization, reindexOrganization, searchIndexDrift } from '../db/membership-rows';
import { withOrganizationLock } from '../db/transaction';

/**
 * `npm run check:counts [-- --repair]`: recounts every scope's memberships in the configured
 * database (DATABASE_URL) and compares them with the maintained member counts, and the search
 * index with the words the memberships give. Prints each drift and exits 1 when there is one;
 * `--repair` rewrites the counts and the index of the organizations that drifted (and drops
 * words of memberships that are gone), each under its organization's lock, then checks again.
 */
async function main(): Promise<number> {
  const repair = process.argv.includes('--repair');
  const db = await openDatabase(loadConfig().databaseUrl);
  try {
    const check = async () => [...(await memberCountDrift(db)), ...(await searchIndexDrift(db))];
    let drift = await check();
    for (const d of drift) {
      console.log(
        'role' in d
          ? `${d.organizationId} ${d.scopeId} ${d.role}: counted ${d.counted}, actual ${d.actual}`
          : `${d.organizationId || '(membership gone)'} ${d.scopeId} ${d.membershipId}: word "${d.word}" ${d.kind}`,
      );
    }
    if (drift.length > 0 && repair) {
      await db.query('DELETE FROM member_words WHERE membership_id NOT IN (SELECT id FROM memberships)');
      for (const organizationId of new Set(drift.map((d) => d.organizationId).filter(Boolean))) {
        await withOrganizationLock(
          db,
          organizationId,
          async (em) => {
            await recountOrganization(em, organizationId);
            await reindexOrganization(em, organizationId);
          },
          // An organization deleted meanwhile took its counts with it.
          () => new Error('gone'),
        ).catch((error: Error) => {
          if (error.message !== 'gone') throw error;
        });
      }
      drift = await check();
      console.log(drift.length === 0 ? 'repaired' : `${drift.length} counts or words still differ`);
    } else {
      console.log(
        drift.length === 0
          ? 'member counts and the search index match the memberships'
          : `${drift.length} counts or words differ`,
      );
    }
    return drift.length === 0 ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

runCommand(main);
