import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { User } from '../../entities/user.entity';
import { UserAddress } from '../../entities/user-address.entity';
import { RejectedTokenError } from '../domain/errors';
import { refreshPersonKeys } from './membership-rows';

/** What the identity provider says about a person: their address, whether it is verified, their name. */
export interface PersonFacts {
  email: string;
  emailVerified: boolean;
  displayName: string | null;
}

/**
 * Remembers that a person had this address here (docs/domain-rules.md §16), so that their erasure
 * finds what was written under it after they moved on. Inside the caller's transaction; an
 * address already remembered is left as it is.
 */
export async function rememberAddress(em: EntityManager, userId: string, email: string, now: Date): Promise<void> {
  if (email === '') return;
  await em
    .createQueryBuilder()
    .insert()
    .into(UserAddress)
    .values({ userId, email, firstSeenAt: now })
    .orIgnore()
    .execute();
}

/** Every address a person has had here, the current one first (docs/domain-rules.md §16). */
export async function addressesOf(em: EntityManager, userId: string, current: string): Promise<string[]> {
  const rows: { email: string }[] = await em.query('SELECT email FROM user_addresses WHERE user_id = ?', [userId]);
  return [...new Set([current, ...rows.map((row) => row.email)])].filter((email) => email !== '');
}

/**
 * Writes a person's new facts to their user row; when the name or address changed, their
 * memberships' sort keys and search words follow at once (the members lists sort and search by
 * them), and a new address is remembered. Inside the caller's transaction.
 */
export async function updatePerson(
  em: EntityManager,
  userId: string,
  before: PersonFacts,
  next: PersonFacts,
  now: Date,
): Promise<void> {
  await em.update(User, { id: userId }, { ...next, updatedAt: now });
  if (before.email !== next.email) await rememberAddress(em, userId, next.email, now);
  if (before.email !== next.email || before.displayName !== next.displayName) {
    await refreshPersonKeys(em, userId, next.email, next.displayName);
  }
}

/**
 * The placeholder an erased person's address becomes (docs/domain-rules.md §5, §16): never a
 * deliverable address, the same for the same person (a replayed erasure finds it), and made from a
 * digest of their id rather than the id itself, in case an identity provider's id holds the
 * address (ours in development no longer do: docs/personal-data.md).
 */
export function erasedAddress(userId: string): string {
  return `erased-${createHash('sha256').update(userId).digest('hex').slice(0, 24)}@invalid`;
}

/**
 * Inside a transaction that gives a person access: refuses an erased person (docs/domain-rules.md
 * §16), whose token may still be valid for a few minutes after the identity provider deleted them.
 */
export async function assertNotErased(em: EntityManager, userId: string): Promise<void> {
  const [row] = await em.query('SELECT erased_at FROM users WHERE id = ?', [userId]);
  if (row?.erased_at) throw new RejectedTokenError('USER_ERASED');
}

/**
 * Development only (`npm run seed`): the demo people, erased while someone tried an erasure out
 * (docs/domain-rules.md §16), may sign in again. Their rows lose the erased mark (their name and
 * address come back from their next token's claims); what the erasure rewrote stays rewritten.
 * Returns how many were erased.
 */
export async function readmitErasedPeople(db: DataSource, userIds: string[]): Promise<number> {
  if (userIds.length === 0) return 0;
  const marks = userIds.map(() => '?').join(', ');
  const erased: unknown[] = await db.query(
    `SELECT id FROM users WHERE id IN (${marks}) AND erased_at IS NOT NULL`,
    userIds,
  );
  if (erased.length > 0) {
    await db.query(`UPDATE users SET erased_at = NULL, identity_event_at = NULL WHERE id IN (${marks})`, userIds);
  }
  return erased.length;
}
