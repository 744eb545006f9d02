import type { DataSource } from 'typeorm';
import { JobLease } from '../../entities/job-lease.entity';
import { inTransaction, isSqlite } from './transaction';
import { toSqlDateTime } from './sql';

/**
 * A lease on a named job, so that one instance at a time runs it (`job_leases`): taken when it is
 * free, run out, or already ours — a conditional update whose affected row decides, so that of
 * two instances reaching for it at once one gets it (on Galera the loser of certification is run again by
 * `inTransaction` and then finds it taken).
 */
export function takeLease(db: DataSource, name: string, holder: string, until: Date, now: Date): Promise<boolean> {
  return inTransaction(db, async (em) => {
    await em.query(
      `INSERT ${isSqlite(db) ? 'OR IGNORE' : 'IGNORE'} INTO job_leases (name, holder, held_until) VALUES (?, NULL, NULL)`,
      [name],
    );
    const result = await em
      .createQueryBuilder()
      .update(JobLease)
      .set({ holder, heldUntil: until })
      .where('name = :name AND (holder IS NULL OR held_until < :now OR holder = :holder)', {
        name,
        now: toSqlDateTime(now),
        holder,
      })
      .execute();
    return result.affected === 1;
  });
}

/** Gives a lease back (only if it is still ours). */
export async function releaseLease(db: DataSource, name: string, holder: string): Promise<void> {
  await inTransaction(db, (em) =>
    em.query('UPDATE job_leases SET holder = NULL, held_until = NULL WHERE name = ? AND holder = ?', [name, holder]),
  );
}
