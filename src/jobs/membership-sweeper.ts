import type { DataSource } from 'typeorm';
import { Membership } from '../../entities/membership.entity';
import type { Config } from '../config/config';
import { toSqlDateTime } from '../db/sql';
import { findLocked, withOrganizationLock } from '../db/transaction';
import { AuditAction } from '../domain/enums';
import type { Logger } from '../observability/logger';
import { PeriodicJob } from './periodic-job';
import { auditActorOf } from '../services/audit/audit.service';
import { scopeOf } from '../request/factory';
import { SYSTEM } from '../request/scope';
import { removeWithin } from '../services/memberships/membership-grants';
import { expireAccessRequests, sendManagerDigests } from '../services/access-requests/access-request-sweep';

const BATCH = 100;

/**
 * Requests to join are swept here too (docs/domain-rules.md §20; services/access-requests).
 *
 * Removes memberships past their expiry (docs/domain-rules.md §13), as `removeMember` would at their scope — an
 * organization membership with the person's workspace and domain memberships and pending
 * invitations — with a MEMBER_EXPIRED event and no actor. Access already ends at the expiry
 * itself (the permission functions ignore an expired membership); this only tidies up.
 *
 * Safe with several instances on one database: each removal re-reads the membership inside its
 * organization's lock, so a second sweeper that reaches it finds it gone and moves on.
 */
export class MembershipSweeper extends PeriodicJob {
  constructor(
    db: DataSource,
    private readonly config: Config,
    logger: Logger,
  ) {
    super(db, logger, 'membership sweep');
  }

  protected everyMs(): number {
    return this.config.membershipSweepMs;
  }

  /**
   * One pass over what is due: expired memberships, then requests to join (those unanswered for
   * 30 days expire, and the managers' digests that are due go out). Resolves to how many things it did.
   */
  protected async pass(): Promise<number> {
    const removed = await this.removeExpiredMemberships();
    const now = this.config.clock.now();
    const expired = await expireAccessRequests(this.db, now);
    const digests = await sendManagerDigests(this.db, this.config, now);
    return removed + expired + digests;
  }

  private async removeExpiredMemberships(): Promise<number> {
    let removed = 0;
    for (;;) {
      const due: { id: string; organization_id: string }[] = await this.db.query(
        `SELECT id, organization_id FROM memberships WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ${BATCH}`,
        [toSqlDateTime(this.config.clock.now())],
      );
      let progressed = 0;
      for (const row of due) {
        try {
          if (await this.expire(row.id, row.organization_id)) removed++;
          progressed++;
        } catch (error) {
          this.logger.warn({ err: error, membershipId: row.id }, 'expired membership not removed');
        }
      }
      if (due.length < BATCH || progressed === 0) return removed;
    }
  }

  private expire(id: string, organizationId: string): Promise<boolean> {
    return withOrganizationLock(
      this.db,
      organizationId,
      async (em) => {
        const membership = await findLocked(em, Membership, { id });
        // Gone (another sweeper, a removal) or given more time since it was read.
        // The system's scope, at the moment the lock is held.
        const scope = scopeOf({ db: this.db, config: this.config }, SYSTEM);
        if (!membership?.expiresAt || membership.expiresAt > scope.now) return false;
        await removeWithin(em, auditActorOf(scope), membership, AuditAction.MEMBER_EXPIRED);
        return true;
      },
      () => new Error('organization gone'),
    ).catch((error: unknown) => {
      if (error instanceof Error && error.message === 'organization gone') return false;
      throw error;
    });
  }
}
