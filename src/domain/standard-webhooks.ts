import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The Standard Webhooks scheme (standardwebhooks.com), both ways: our webhook calls are signed
 * with it (docs/domain-rules.md §12), and the identity provider's user events arrive signed with
 * it (§16) — under `webhook-*` headers, or the same scheme under `svix-*` as Clerk sends.
 */

/** Accepted distance between a message's timestamp and now, either way: older is a replay. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

/**
 * The signature: `v1,` + base64 of HMAC-SHA256 over `id.timestamp.body`, keyed with the
 * base64-decoded part of the `whsec_` secret. (Checked against the specification's own test
 * vector in the unit tests.)
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export type SignatureRefusal = 'MISSING_HEADERS' | 'BAD_TIMESTAMP' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'BAD_SIGNATURE';

/** A verified message's id and moment, or why it is refused. */
export type Verified = { id: string; timestamp: Date } | { refused: SignatureRefusal };

/** A header's one value (Node gives repeated headers as an array: that is not a valid message). */
function one(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Verifies a received message: its id, timestamp and signature headers (`webhook-*`, else
 * `svix-*`), the timestamp within TIMESTAMP_TOLERANCE_SECONDS of `now`, and one of the
 * space-separated `v1,` signatures equal to ours over the raw body (compared in constant time).
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  now: Date,
): Verified {
  const prefix = one(headers, 'webhook-id') !== null ? 'webhook' : 'svix';
  const id = one(headers, `${prefix}-id`);
  const timestampText = one(headers, `${prefix}-timestamp`);
  const signatures = one(headers, `${prefix}-signature`);
  if (id === null || timestampText === null || signatures === null) return { refused: 'MISSING_HEADERS' };
  if (!/^\d{1,12}$/.test(timestampText)) return { refused: 'BAD_TIMESTAMP' };
  const timestamp = Number(timestampText);
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > TIMESTAMP_TOLERANCE_SECONDS) {
    return { refused: 'TIMESTAMP_OUT_OF_TOLERANCE' };
  }
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body).slice(3), 'base64');
  const matches = signatures.split(' ').some((candidate) => {
    const [version, signature] = candidate.split(',', 2);
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { id, timestamp: new Date(timestamp * 1000) } : { refused: 'BAD_SIGNATURE' };
}
