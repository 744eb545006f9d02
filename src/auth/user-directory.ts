import type { DataSource } from 'typeorm';
import { User } from '../../entities/user.entity';
import type { Identity } from './jwt';
import { refreshPersonKeys } from '../db/membership-rows';
import { inTransaction } from '../db/transaction';

/** The user record as the claims describe it (what `UserDirectory.ensure` stores). */
export function userFromIdentity(identity: Identity): User {
  return Object.assign(new User(), {
    id: identity.sub,
    email: identity.email,
    emailVerified: identity.emailVerified,
    displayName: identity.name,
  });
}

/**
 * Creates or refreshes the user record from the token's claims (docs/domain-rules.md §6). A small per-process
 * memory of what was last written spares the database a write on every request; it only ever
 * skips a write that would change nothing.
 */
export class UserDirectory {
  private readonly lastWritten = new Map<string, string>();

  constructor(
    private readonly db: DataSource,
    private readonly maxRemembered = 10_000,
  ) {}

  async ensure(identity: Identity, now: Date): Promise<void> {
    const fingerprint = JSON.stringify([identity.email, identity.emailVerified, identity.name]);
    if (this.lastWritten.get(identity.sub) === fingerprint) return;

    const repo = this.db.getRepository(User);
    const existing = await repo.findOneBy({ id: identity.sub });
    if (!existing) {
      // Two first requests of one person may race: the loser's insert is a no-op.
      await inTransaction(this.db, (em) =>
        em
          .createQueryBuilder()
          .insert()
          .into(User)
          .values({
            id: identity.sub,
            email: identity.email,
            emailVerified: identity.emailVerified,
            displayName: identity.name,
            createdAt: now,
            updatedAt: now,
          })
          .orIgnore()
          .execute(),
      );
    } else if (
      existing.email !== identity.email ||
      existing.emailVerified !== identity.emailVerified ||
      existing.displayName !== identity.name
    ) {
      await inTransaction(this.db, async (em) => {
        await em.update(
          User,
          { id: identity.sub },
          {
            email: identity.email,
            emailVerified: identity.emailVerified,
            displayName: identity.name,
            updatedAt: now,
          },
        );
        // The members lists sort and search by these: a renamed person moves in every list at once.
        if (existing.email !== identity.email || existing.displayName !== identity.name) {
          await refreshPersonKeys(em, identity.sub, identity.email, identity.name);
        }
      });
    }
    if (this.lastWritten.size >= this.maxRemembered) this.lastWritten.clear();
    this.lastWritten.set(identity.sub, fingerprint);
  }
}
