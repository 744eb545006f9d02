import { createHash, randomBytes } from 'node:crypto';

/**
 * Invitation links (docs/domain-rules.md §4): the token is 256 random bits, URL-safe; only its
 * SHA-256 is stored, so a database leak yields no usable link.
 */

/** A fresh link token (256 random bits, base64url) and the SHA-256 that is all the database keeps of it. */
export function newInvitationToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** What is stored of a link token, and looked up by: its SHA-256, in hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
