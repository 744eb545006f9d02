import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import { releaseLease, takeLease } from '../db/leases';
import { placeholders, toSqlDateTime } from '../db/sql';
import { inTransaction } from '../db/transaction';
import type { Logger } from '../observability/logger';
import { PeriodicJob } from './periodic-job';

/** Events deleted per transaction: short ones, so that no write of the log waits long behind the sweep. */
const BATCH = 500;
const LEASE = 'audit-retention';
const LEASE_MS = 5 * 60_000;

/**
 * Deletes audit events older than AUDIT_RETENTION_DAYS (docs/domain-rules.md §16), with their
 * webhook deliveries, oldest first, BATCH a transaction (each deletes rows by primary key after
 * reading their ids, so that it holds few locks and no range). One instance at a time: the sweep
 * runs under the `audit-retention` lease, renewed each batch.
 */
export class AuditRetention extends PeriodicJob {
  private readonly holder = randomUUID();

  constructor(
    db: DataSource,
    private readonly config: Config,
    logger: Logger,
  ) {
    super(db, logger, 'audit retention sweep');
  }

  protected everyMs(): number | null {
    return this.config.auditRetentionDays === null ? null : this.config.auditRetentionSweepMs;
  }

  /** One sweep; resolves to how many events it deleted (0 when another instance holds the lease). */
  protected async pass(): Promise<number> {
    const days = this.config.auditRetentionDays;
    if (days === null) return 0;
    const clock = this.config.clock;
    const lease = () => takeLease(this.db, LEASE, this.holder, new Date(clock.now().getTime() + LEASE_MS), clock.now());
    if (!(await lease())) return 0;
    let deleted = 0;
    try {
      const before = toSqlDateTime(new Date(clock.now().getTime() - days * 86_400_000));
      for (;;) {
        const ids = (
          await this.db.query(
            `SELECT id FROM audit_events WHERE occurred_at < ? ORDER BY occurred_at, id LIMIT ${BATCH}`,
            [before],
          )
        ).map((row: { id: string }) => row.id);
        if (ids.length === 0) break;
        await inTransaction(this.db, async (em) => {
          await em.query(`DELETE FROM webhook_deliveries WHERE event_id IN (${placeholders(ids.length)})`, ids);
          await em.query(`DELETE FROM audit_events WHERE id IN (${placeholders(ids.length)})`, ids);
        });
        deleted += ids.length;
        if (ids.length < BATCH || !(await lease())) break;
      }
    } finally {
      await releaseLease(this.db, LEASE, this.holder);
    }
    if (deleted > 0) this.logger.info({ deleted, days }, 'audit events past retention deleted');
    return deleted;
  }
}
