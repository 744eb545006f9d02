import type { DataSource, EntityManager } from 'typeorm';
import { WebhookDelivery, WebhookEndpoint } from '../../entities/webhook.entity';
import type { Config } from '../config/config';
import { claimDue, keepClaim } from '../db/claims';
import { toSqlDateTime } from '../db/sql';
import { inTransaction } from '../db/transaction';
import { AuditAction, DeliveryStatus } from '../domain/enums';
import { organizationScope } from '../domain/scope';
import type { Logger } from '../observability/logger';
import { type DispatcherOptions, PollingDispatcher } from './polling-dispatcher';
import { auditActorOf, recordAudit } from '../services/audit/audit.service';
import { scopeOf } from '../request/factory';
import { SYSTEM } from '../request/scope';
import { type Answer, post } from '../outbound/webhook-call';

/**
 * Delivers queued webhook calls (docs/domain-rules.md §12), claimed like the emails (one instance per attempt), up
 * to WEBHOOK_CONCURRENCY at once and at most two per organization (see `PollingDispatcher`). A
 * 2xx answer within WEBHOOK_TIMEOUT_MS delivers; anything else is retried with exponential
 * backoff from WEBHOOK_RETRY_BASE_MS, up to WEBHOOK_MAX_ATTEMPTS, then FAILED. `webhook-id` is
 * the event id on every attempt, so receivers can deduplicate.
 *
 * An endpoint remembers since when all its attempts have failed (`failing_since`, cleared by a
 * success); once that lasts WEBHOOK_DISABLE_AFTER_HOURS it is disabled, with a
 * WEBHOOK_ENDPOINT_DISABLED event (which the organization's other endpoints receive), and what
 * was still queued for it ends FAILED — to be redelivered once it works again.
 */
export class WebhookDispatcher extends PollingDispatcher<WebhookDelivery> {
  constructor(db: DataSource, config: Config, logger: Logger, options: DispatcherOptions = {}) {
    // Three receiver timeouts: renewed while a call is in flight, so only a dead instance lets it run out.
    super(db, config, logger, {
      leaseMs: config.webhookTimeoutMs * 3,
      concurrency: config.webhookConcurrency,
      ...options,
    });
  }

  protected claim(claimToken: string, slots: number, busy: ReadonlyMap<string, number>): Promise<WebhookDelivery[]> {
    return claimDue(
      this.db,
      WebhookDelivery,
      'webhook_deliveries',
      { token: claimToken, leaseMs: this.leaseMs, slots, perOrganization: this.perOrganization, busy },
      this.config.clock.now(),
    );
  }

  private async endpointEnabled(delivery: WebhookDelivery): Promise<boolean> {
    const [endpoint] = await this.db.query('SELECT enabled FROM webhook_endpoints WHERE id = ?', [delivery.endpointId]);
    // An endpoint deleted with its organization still gets ORGANIZATION_DELETED (the row keeps its URL).
    return !endpoint || Boolean(endpoint.enabled);
  }

  protected async deliver(delivery: WebhookDelivery, claimToken: string): Promise<boolean> {
    const mine = { id: delivery.id, claimToken };
    const clock = this.config.clock;
    if (!(await this.endpointEnabled(delivery))) {
      await this.record(mine, delivery, { status: null, error: 'the endpoint is disabled' }, true);
      return false;
    }
    const stopRenewing = keepClaim(this.db, WebhookDelivery, mine, this.leaseMs, clock, (error) =>
      this.logger.warn({ deliveryId: mine.id, err: error }, 'webhook lease not renewed'),
    );
    let answer: Answer;
    try {
      answer = await post(delivery, this.config.webhookTimeoutMs, this.config.webhooksAllowPrivate, clock.now());
    } finally {
      stopRenewing();
    }
    return this.record(mine, delivery, answer, false);
  }

  /** Writes the attempt's outcome, and the endpoint's health with it. */
  private async record(
    mine: { id: string; claimToken: string },
    delivery: WebhookDelivery,
    answer: Answer,
    endpointDisabled: boolean,
  ): Promise<boolean> {
    const now = this.config.clock.now();
    const attempts = delivery.attempts + 1;
    const delivered = answer.status !== null && answer.status >= 200 && answer.status < 300;
    const failed = !delivered && (endpointDisabled || attempts >= this.config.webhookMaxAttempts);
    const delay = this.config.webhookRetryBaseMs * 2 ** Math.min(attempts - 1, 20);
    if (!delivered) {
      this.logger.warn(
        { deliveryId: delivery.id, attempts, failed, status: answer.status, error: answer.error },
        'webhook not delivered',
      );
    }
    await inTransaction(this.db, async (em) => {
      await em.update(WebhookDelivery, mine, {
        attempts,
        status: delivered ? DeliveryStatus.DELIVERED : failed ? DeliveryStatus.FAILED : DeliveryStatus.PENDING,
        lastAttemptAt: now,
        responseStatus: answer.status,
        lastError: answer.error?.slice(0, 500) ?? (delivered ? null : `HTTP ${answer.status}`),
        nextAttemptAt: delivered || failed ? null : new Date(now.getTime() + delay),
        claimToken: null,
        claimedUntil: null,
        updatedAt: now,
      });
      if (endpointDisabled) return;
      if (delivered) {
        await em.query('UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL', [
          delivery.endpointId,
        ]);
        return;
      }
      await em.query('UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL', [
        toSqlDateTime(now),
        delivery.endpointId,
      ]);
      await this.disableIfFailingTooLong(em, delivery, now);
    });
    return delivered;
  }

  /**
   * Disables the endpoint once every attempt has failed for WEBHOOK_DISABLE_AFTER_HOURS: a
   * conditional update decides (two instances reaching the same verdict disable it once), and the
   * event goes with it in the same transaction.
   */
  private async disableIfFailingTooLong(em: EntityManager, delivery: WebhookDelivery, now: Date): Promise<void> {
    const since = new Date(now.getTime() - this.config.webhookDisableAfterHours * 3600_000);
    const result = await em
      .createQueryBuilder()
      .update(WebhookEndpoint)
      .set({ enabled: false, updatedAt: now })
      .where('id = :id AND enabled = 1 AND failing_since <= :since', {
        id: delivery.endpointId,
        since: toSqlDateTime(since),
      })
      .execute();
    if (result.affected !== 1) return;
    this.logger.warn(
      { endpointId: delivery.endpointId },
      'webhook endpoint disabled: every delivery failed for too long',
    );
    const scope = scopeOf({ db: this.db, config: this.config }, SYSTEM, undefined, now);
    await recordAudit(em, auditActorOf(scope), {
      action: AuditAction.WEBHOOK_ENDPOINT_DISABLED,
      scope: organizationScope({ id: delivery.organizationId }),
    });
  }
}
