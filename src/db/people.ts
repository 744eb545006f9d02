import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { User } from '../../entities/user.entity';
import { RejectedTokenError } from '../domain/errors';
import { refreshPersonKeys } from './membership-rows';

/** What the identity provider says about a person: their address, whether it is verified, their name. */
export interface PersonFacts {
  email: string;
  emailVerified: boolean;
  displayName: string | null;
}

/**
 * Writes a person's new facts to their user row; when the name or address changed, their
 * memberships' sort keys and search words follow at once (the members lists sort and search by
 * them). Inside the caller's transaction.
 */
export async function updatePerson(
  em: EntityManager,
  userId: string,
  before: PersonFacts,
  next: PersonFacts,
  now: Date,
): Promise<void> {
  await em.update(User, { id: userId }, { ...next, updatedAt: now });
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
