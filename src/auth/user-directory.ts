import type { DataSource } from 'typeorm';
import { User } from '../../entities/user.entity';
import type { Identity } from './jwt';
import { rememberAddress, updatePerson } from '../db/people';
import { RejectedTokenError } from '../domain/errors';
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
 * Whether a token's claims may be written over the stored person: always, unless an identity event
 * was applied to them (docs/domain-rules.md §16) after the token was issued — or the token does
 * not say when it was (no `iat`), which cannot be known to be newer.
 */
function claimsAreCurrent(identity: Identity, stored: User): boolean {
  if (!stored.identityEventAt) return true;
  return identity.issuedAt != null && identity.issuedAt.getTime() > stored.identityEventAt.getTime();
}

/** How long a person's row is taken as written without reading it again. */
const REMEMBER_MS = 60_000;

/** Whether `ensure` read the person's row (`read`), or skipped it as written moments ago (`remembered`). */
export type EnsureOutcome = 'read' | 'remembered';

/**
 * Creates or refreshes the user record from the token's claims (docs/domain-rules.md §6), and
 * refuses the tokens of an erased person (§16). A small per-process memory of what was last
 * written spares the database a read and a write on every request; it only ever skips a write
 * that would change nothing. It never decides whether the person is still here: when it skipped
 * the read, the caller asks `refuseErased` (src/request/factory.ts), so that an erasure made by
 * another instance or by `npm run erase-user` bites on the very next request.
 */
export class UserDirectory {
  private readonly lastWritten = new Map<string, { fingerprint: string; at: number }>();

  constructor(
    private readonly db: DataSource,
    private readonly options: {
      maxRemembered?: number;
      /**
       * A person now holds this verified address (first sign-in, or a new one): what waits for
       * it — a directory's provisioning (docs/domain-rules.md §15) — is theirs.
       */
      onVerifiedAddress?: (identity: Identity, now: Date, requestId: string | undefined) => Promise<unknown>;
    } = {},
  ) {}

  /** Forgets what was written for a person (this instance erased or refreshed them). */
  forget(userId: string): void {
    this.lastWritten.delete(userId);
  }

  /** UNAUTHENTICATED (`USER_ERASED`) when the person was erased (docs/domain-rules.md §16). */
  async refuseErased(userId: string): Promise<void> {
    const [row] = await this.db.query('SELECT erased_at FROM users WHERE id = ?', [userId]);
    if (row?.erased_at) {
      this.forget(userId);
      throw new RejectedTokenError('USER_ERASED');
    }
  }

  /** Records the person of a verified token; `requestId` is the request's, for what their sign-in changes. */
  async ensure(identity: Identity, now: Date, requestId?: string): Promise<EnsureOutcome> {
    const fingerprint = JSON.stringify([identity.email, identity.emailVerified, identity.name]);
    const remembered = this.lastWritten.get(identity.sub);
    if (remembered?.fingerprint === fingerprint && Math.abs(now.getTime() - remembered.at) < REMEMBER_MS) {
      return 'remembered';
    }

    let stale = false;
    const repo = this.db.getRepository(User);
    const existing = await repo.findOneBy({ id: identity.sub });
    if (!existing) {
      // Two first requests of one person may race: the loser's insert is a no-op.
      await inTransaction(this.db, async (em) => {
        await em
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
          .execute();
        await rememberAddress(em, identity.sub, identity.email, now);
      });
    } else if (existing.erasedAt) {
      // The identity provider had this person erased (docs/domain-rules.md §16): a token issued
      // before that is refused, and nothing of theirs is written back.
      throw new RejectedTokenError('USER_ERASED');
    } else if (!claimsAreCurrent(identity, existing)) {
      // The identity provider has told us since, by an event (§16), what this token's claims
      // still say otherwise: the event's name and address stay.
      stale = true;
    } else if (
      existing.email !== identity.email ||
      existing.emailVerified !== identity.emailVerified ||
      existing.displayName !== identity.name
    ) {
      await inTransaction(this.db, (em) =>
        updatePerson(
          em,
          identity.sub,
          existing,
          { email: identity.email, emailVerified: identity.emailVerified, displayName: identity.name },
          now,
        ),
      );
    }
    const before = existing && { email: existing.email, verified: existing.emailVerified };
    const nowVerified = identity.emailVerified && identity.email !== '';
    if (!stale && nowVerified && (!before || !before.verified || before.email !== identity.email)) {
      await this.options.onVerifiedAddress?.(identity, now, requestId);
    }
    if (this.lastWritten.size >= (this.options.maxRemembered ?? 10_000)) this.lastWritten.clear();
    this.lastWritten.set(identity.sub, { fingerprint, at: now.getTime() });
    return 'read';
  }
}
