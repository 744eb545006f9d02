import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { DataSource } from 'typeorm';
import { WebhookDelivery } from '../../entities/webhook.entity';
import type { Config } from '../config';
import { claimDue, keepClaim } from '../db/claims';
import { inTransaction } from '../db/transaction';
import { DeliveryStatus } from '../domain/enums';
import type { Logger } from '../logger';
import { type DispatcherOptions, PollingDispatcher } from '../outbox/polling-dispatcher';
import { guardedLookup, isForbiddenAddress } from './addresses';

/**
 * The Standard Webhooks signature: `v1,` + base64 of HMAC-SHA256 over `id.timestamp.body`, keyed
 * with the base64-decoded part of the `whsec_` secret. (Checked against the specification's own
 * test vector in the unit tests.)
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

interface Answer {
  status: number | null;
  error: string | null;
}

/**
 * POSTs one delivery. No redirect is followed (node's client never does), the body of the answer
 * is read and thrown away, the receiver has `timeoutMs` in all, and the address connected to is
 * checked by the connection's own DNS lookup (IP literals are checked here, as no lookup runs
 * for them).
 */
function post(delivery: WebhookDelivery, timeoutMs: number, allowPrivate: boolean): Promise<Answer> {
  const url = new URL(delivery.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (url.protocol !== 'https:' || (isIP(host) && isForbiddenAddress(host)))) {
    return Promise.resolve({ status: null, error: 'refused: not a public https address' });
  }
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'membership-subgraph-webhooks',
    'webhook-id': delivery.eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(delivery.secret, delivery.eventId, timestamp, delivery.body),
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      { method: 'POST', headers, lookup: guardedLookup(allowPrivate) as never },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? null, error: null }));
        response.on('error', (error) => resolve({ status: response.statusCode ?? null, error: error.message }));
      },
    );
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('close', () => clearTimeout(deadline));
    request.on('error', (error) => resolve({ status: null, error: error.message }));
    request.end(delivery.body);
  });
}

/**
 * Delivers queued webhook calls (SPEC §12), claimed like the emails (one instance per attempt).
 * A 2xx answer within WEBHOOK_TIMEOUT_MS delivers; anything else is retried with exponential
 * backoff from WEBHOOK_RETRY_BASE_MS, up to WEBHOOK_MAX_ATTEMPTS, then FAILED. `webhook-id` is the
 * event id on every attempt, so receivers can deduplicate.
 */
export class WebhookDispatcher extends PollingDispatcher<WebhookDelivery> {
  constructor(db: DataSource, config: Config, logger: Logger, options: DispatcherOptions = {}) {
    // Three receiver timeouts: renewed while a call is in flight, so only a dead instance lets it run out.
    super(db, config, logger, { leaseMs: config.webhookTimeoutMs * 3, ...options });
  }

  protected claim(claimToken: string): Promise<WebhookDelivery[]> {
    return claimDue(this.db, WebhookDelivery, 'webhook_deliveries', claimToken, this.leaseMs, this.batchSize);
  }

  protected async deliver(delivery: WebhookDelivery, claimToken: string): Promise<boolean> {
    const mine = { id: delivery.id, claimToken };
    const stopRenewing = keepClaim(this.db, WebhookDelivery, mine, this.leaseMs, (error) =>
      this.logger.warn({ deliveryId: mine.id, err: error }, 'webhook lease not renewed'),
    );
    let answer: Answer;
    try {
      answer = await post(delivery, this.config.webhookTimeoutMs, this.config.webhooksAllowPrivate);
    } finally {
      stopRenewing();
    }
    const now = new Date();
    const attempts = delivery.attempts + 1;
    const delivered = answer.status !== null && answer.status >= 200 && answer.status < 300;
    const failed = !delivered && attempts >= this.config.webhookMaxAttempts;
    const delay = this.config.webhookRetryBaseMs * 2 ** Math.min(attempts - 1, 20);
    if (!delivered) {
      this.logger.warn(
        { deliveryId: delivery.id, attempts, failed, status: answer.status, error: answer.error },
        'webhook not delivered',
      );
    }
    await inTransaction(this.db, (em) =>
      em.update(WebhookDelivery, mine, {
        attempts,
        status: delivered ? DeliveryStatus.DELIVERED : failed ? DeliveryStatus.FAILED : DeliveryStatus.PENDING,
        lastAttemptAt: now,
        responseStatus: answer.status,
        lastError: answer.error?.slice(0, 500) ?? (delivered ? null : `HTTP ${answer.status}`),
        nextAttemptAt: delivered || failed ? null : new Date(now.getTime() + delay),
        claimToken: null,
        claimedUntil: null,
        updatedAt: now,
      }),
    );
    return delivered;
  }
}
