import type { DataSource } from 'typeorm';
import { User } from '../../../entities/user.entity';
import { updatePerson, type PersonFacts } from '../../db/people';
import { inTransaction } from '../../db/transaction';
import { ChangeSource } from '../../domain/enums';
import { BadUserInputError } from '../../domain/errors';
import { cleanClaimName } from '../../domain/validation';
import type { AuditActor } from '../audit.service';
import { type Erasure, erasePerson } from './erasure.service';
import { claimProvisionedAccess } from '../provisioning/provisioned-access';

/**
 * The identity provider's user events (docs/domain-rules.md §16), in the shape Clerk sends them
 * (`{ type, data: { id, … } }`, `data.id` being the person's `sub`), already verified by their
 * Standard Webhooks signature: `user.deleted` erases the person, `user.updated` refreshes their
 * name and primary verified address, `user.created` is acknowledged (a person is recorded when
 * they first sign in). Any other type is refused: the endpoint should be subscribed to these.
 */

export type IdentityEventOutcome =
  | { type: 'user.deleted'; erasure: Erasure }
  | { type: 'user.updated'; updated: boolean }
  | { type: 'user.created'; updated: false };

interface ClerkEmailAddress {
  id?: unknown;
  email_address?: unknown;
  verification?: { status?: unknown } | null;
}

interface ClerkUser {
  id: string;
  first_name?: unknown;
  last_name?: unknown;
  primary_email_address_id?: unknown;
  email_addresses?: unknown;
}

const HANDLED = ['user.created', 'user.updated', 'user.deleted'];

/** The event's type and its user, or BAD_USER_INPUT naming what is wrong. */
function parseEvent(body: unknown): { type: string; user: ClerkUser } {
  const event = body as { type?: unknown; data?: { id?: unknown } } | null;
  if (!event || typeof event !== 'object' || typeof event.type !== 'string') {
    throw new BadUserInputError('The event has no type.', 'type');
  }
  if (!HANDLED.includes(event.type)) {
    throw new BadUserInputError(
      `Event type ${event.type.slice(0, 64)} is not handled: send ${HANDLED.join(', ')}.`,
      'type',
    );
  }
  const id = event.data?.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) {
    throw new BadUserInputError('data.id must be the user id (the token’s sub).', 'data.id');
  }
  return { type: event.type, user: event.data as ClerkUser };
}

/** The person's name and primary address as the event gives them; the address only when verified. */
function factsOf(user: ClerkUser, current: PersonFacts): PersonFacts {
  const name = [user.first_name, user.last_name].filter((part) => typeof part === 'string' && part.trim()).join(' ');
  const addresses = Array.isArray(user.email_addresses) ? (user.email_addresses as ClerkEmailAddress[]) : [];
  const primary = addresses.find((address) => address?.id === user.primary_email_address_id);
  const address =
    typeof primary?.email_address === 'string' ? primary.email_address.normalize('NFC').trim().toLowerCase() : '';
  const verified = primary?.verification?.status === 'verified' && address !== '' && address.length <= 254;
  return {
    displayName: cleanClaimName(name),
    // An unverified primary address changes nothing: access follows verified addresses only (§6).
    email: verified ? address : current.email,
    emailVerified: verified ? true : current.emailVerified,
  };
}

export async function applyIdentityEvent(
  db: DataSource,
  body: unknown,
  messageId: string,
  at: Date,
): Promise<IdentityEventOutcome> {
  const { type, user } = parseEvent(body);
  if (type === 'user.created') return { type, updated: false };
  if (type === 'user.deleted') {
    const actor: AuditActor = {
      at,
      actorId: null,
      requestId: messageId.slice(0, 64),
      source: ChangeSource.IDENTITY_PROVIDER,
    };
    return { type, erasure: await erasePerson(db, actor, user.id) };
  }
  const updated = await inTransaction(db, async (em) => {
    const current = await em.findOneBy(User, { id: user.id });
    // Someone who has never signed in is not stored; an erased person stays erased.
    if (!current || current.erasedAt) return false;
    const next = factsOf(user, current);
    if (
      next.email === current.email &&
      next.emailVerified === current.emailVerified &&
      next.displayName === current.displayName
    ) {
      return false;
    }
    await updatePerson(em, user.id, current, next, at);
    return next.email !== current.email || next.emailVerified !== current.emailVerified ? next.email : true;
  });
  // A new verified address: what a directory provisioned for it is theirs now (§15).
  if (typeof updated === 'string') await claimProvisionedAccess(db, user.id, updated, at);
  return { type: 'user.updated', updated: updated !== false };
}
