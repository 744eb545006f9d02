import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { WebhookDelivery } from '../../entities/webhook.entity';
import { guardedLookup, isForbiddenAddress } from './addresses';
import { signWebhook } from '../domain/standard-webhooks';

/**
 * One webhook call (docs/domain-rules.md §12): the body signed by the Standard Webhooks scheme,
 * POSTed to an address checked as the connection is made. The dispatcher
 * (`src/jobs/webhook-dispatcher.ts`) decides what to call and when.
 */

export interface Answer {
  status: number | null;
  error: string | null;
}

/**
 * POSTs one delivery. No redirect is followed (node's client never does), the body of the answer
 * is read and thrown away, the receiver has `timeoutMs` in all, and the address connected to is
 * checked by the connection's own DNS lookup (IP literals are checked here, as no lookup runs
 * for them).
 */
export function post(delivery: WebhookDelivery, timeoutMs: number, allowPrivate: boolean, now: Date): Promise<Answer> {
  const url = new URL(delivery.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (url.protocol !== 'https:' || (isIP(host) && isForbiddenAddress(host)))) {
    return Promise.resolve({ status: null, error: 'refused: not a public https address' });
  }
  const timestamp = Math.floor(now.getTime() / 1000);
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
