import type { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { IdentityEvent } from '../../../entities/identity-event.entity';
import { User } from '../../../entities/user.entity';
import { updatePerson, type PersonFacts } from '../../db/people';
import { isUniqueViolation, toSqlDateTime } from '../../db/sql';
import { findLocked, inTransaction } from '../../db/transaction';
import { BadUserInputError } from '../../domain/errors';
import { cleanClaimName } from '../../domain/validation';
import type { RequestScope } from '../../request/scope';
import { type Erasure, erasePerson } from './erasure.service';
import { claimProvisionedAccess } from '../provisioning/provisioned-access';

/**
 * The identity provider's user events (docs/domain-rules.md §16), in the shape Clerk sends them
 * (`{ type, data: { id, … } }`, `data.id` being the person's `sub`), already verified by their
 * Standard Webhooks signature: `user.deleted` erases the person, `user.updated` refreshes their
 * name and primary verified address, `user.created` is acknowledged (a person is recorded when
 * they first sign in). Any other type is refused: the endpoint should be subscribed to these.
 *
 * Applied once and in order: a message id already applied is answered (`replayed: true`) and
 * changes nothing, and a `user.updated` older than the newest one applied to that person is
 * recorded but not applied (`stale: true`), so that retries arriving out of order leave the newest
 * name and address in place. An event's age is its own, not its delivery's: the user's
 * `updated_at`, else the event's `timestamp` (Clerk sends both, in milliseconds), and only without
 * either the `webhook-timestamp` — which Svix stamps on each attempt, so that a retry of an old
 * event carries a newer time than the event that overtook it.
 */

export type IdentityEventOutcome =
  | { type: 'user.deleted'; erasure: Erasure; replayed?: true }
  | { type: 'user.updated'; updated: boolean; replayed?: true; stale?: true }
  | { type: 'user.created'; updated: false; replayed?: true };

/** The message as its signature vouches for it: its id and when the provider sent it. */
export interface IdentityMessage {
  id: string;
  sentAt: Date;
}

/** How long applied message ids are remembered: longer than any provider retries one (Svix: about a day). */
export const IDENTITY_EVENT_MEMORY_DAYS = 7;

interface ClerkEmailAddress {
  id?: unknown;
  email_address?: unknown;
  verification?: { status?: unknown } | null;
}

interface ClerkUser {
  id: string;
  updated_at?: unknown;
  first_name?: unknown;
  last_name?: unknown;
  primary_email_address_id?: unknown;
  email_addresses?: unknown;
}

const HANDLED = ['user.created', 'user.updated', 'user.deleted'];

/** A time in milliseconds since 1970 as the provider writes it, or null. */
function millisecondsOf(value: unknown): Date | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 8.64e15 ? new Date(value) : null;
}

/** When the event happened: the user's `updated_at`, the event's `timestamp`, or when the message was sent. */
function eventTimeOf(body: unknown, user: ClerkUser, message: IdentityMessage): Date {
  const timestamp = (body as { timestamp?: unknown }).timestamp;
  return millisecondsOf(user.updated_at) ?? millisecondsOf(timestamp) ?? message.sentAt;
}

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

/** Whether this message id was applied before. */
async function applied(em: EntityManager, messageId: string): Promise<boolean> {
  return (await em.countBy(IdentityEvent, { messageId })) > 0;
}

/**
 * Records a message as applied, in the transaction that applies it, and forgets those older than
 * IDENTITY_EVENT_MEMORY_DAYS. A concurrent delivery of the same message that recorded it first
 * makes this one AlreadyApplied, and its transaction rolls back.
 */
async function recordApplied(
  em: EntityManager,
  message: IdentityMessage,
  type: string,
  userId: string,
  at: Date,
): Promise<void> {
  await em.query('DELETE FROM identity_events WHERE received_at < ?', [
    toSqlDateTime(new Date(at.getTime() - IDENTITY_EVENT_MEMORY_DAYS * 86_400_000)),
  ]);
  try {
    await em.insert(IdentityEvent, { messageId: message.id, type, userId, sentAt: message.sentAt, receivedAt: at });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AlreadyApplied();
    throw error;
  }
}

class AlreadyApplied extends Error {}

/** Records a message whose effect needs no transaction of its own; recorded twice, once is enough. */
async function recordOnce(db: DataSource, message: IdentityMessage, type: string, userId: string, at: Date) {
  await inTransaction(db, (em) => recordApplied(em, message, type, userId, at)).catch((error: unknown) => {
    if (!(error instanceof AlreadyApplied)) throw error;
  });
}

export async function applyIdentityEvent(
  scope: RequestScope,
  body: unknown,
  message: IdentityMessage,
): Promise<IdentityEventOutcome> {
  const { db, now: at } = scope;
  const { type, user } = parseEvent(body);
  if (await applied(db.manager, message.id)) {
    if (type === 'user.deleted') {
      return {
        type,
        erasure: { userId: user.id, erased: false, organizations: [], withoutAdmin: [] },
        replayed: true,
      };
    }
    return { type: type as 'user.updated', updated: false, replayed: true };
  }
  if (type === 'user.created') {
    await recordOnce(db, message, type, user.id, at);
    return { type, updated: false };
  }
  if (type === 'user.deleted') {
    // The audit events name the provider's message, which the provider's logs know.
    const erasing: RequestScope = { ...scope, requestId: message.id.slice(0, 64) };
    // Recorded once the erasure is done: a retry after a crash midway finishes it (erasing is itself idempotent).
    const erasure = await erasePerson(erasing, user.id);
    await recordOnce(db, message, type, user.id, at);
    return { type, erasure };
  }
  let stale = false;
  const updated = await inTransaction(db, async (em) => {
    await recordApplied(em, message, type, user.id, at);
    // Locked, so that two events of one person apply one after the other, each seeing the other's stamp.
    const current = await findLocked(em, User, { id: user.id });
    // Someone who has never signed in is not stored; an erased person stays erased.
    if (!current || current.erasedAt) return false;
    const happenedAt = eventTimeOf(body, user, message);
    if (current.identityEventAt && happenedAt < current.identityEventAt) {
      stale = true;
      return false;
    }
    await em.update(User, { id: user.id }, { identityEventAt: happenedAt });
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
  }).catch((error: unknown) => {
    if (error instanceof AlreadyApplied) return 'replayed' as const;
    throw error;
  });
  if (updated === 'replayed') return { type: 'user.updated', updated: false, replayed: true };
  // A new verified address: what a directory provisioned for it is theirs now (§15).
  if (typeof updated === 'string') await claimProvisionedAccess(scope, user.id, updated);
  return { type: 'user.updated', updated: updated !== false, ...(stale ? { stale: true as const } : {}) };
}
