import { BadUserInputError } from './errors';

/** Input rules of docs/domain-rules.md §5. Each returns the normalised value or throws BAD_USER_INPUT naming the field. */

/**
 * C0 and C1 control characters, line and paragraph separators, and the bidirectional embeddings,
 * overrides and isolates: none has a place in a name, and each can break a log line or disguise
 * text in an email subject ("Trojan Source").
 */
const FORBIDDEN_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** A name from a token's claims: what the rules forbid is dropped rather than refused. */
export function cleanClaimName(value: string): string | null {
  const name = [...value.normalize('NFC').replace(new RegExp(FORBIDDEN_IN_NAMES.source, 'gu'), '').trim()]
    .slice(0, 255)
    .join('');
  return name === '' ? null : name;
}

/**
 * A name: trimmed, normalised to NFC, 1–100 characters counted as Unicode code points (an emoji
 * is one, as the database's utf8mb4 column counts it; a flag of two regional indicators is two).
 */
export function validName(value: string, field = 'name'): string {
  const name = value.normalize('NFC').trim();
  const length = [...name].length;
  if (length < 1 || length > 100) {
    throw new BadUserInputError(`${field} must be 1 to 100 characters long.`, field);
  }
  if (FORBIDDEN_IN_NAMES.test(name)) {
    throw new BadUserInputError(`${field} must not contain control characters or bidirectional overrides.`, field);
  }
  return name;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A DNS hostname: lower-cased, at most 253 characters, at least two labels, letters/digits/hyphens. */
export function validHostname(value: string, field = 'hostname'): string {
  const hostname = value.trim().toLowerCase().replace(/\.$/, '');
  const labels = hostname.split('.');
  const ok =
    hostname.length >= 1 &&
    hostname.length <= 253 &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    !/^[0-9]+$/.test(labels[labels.length - 1]);
  if (!ok) throw new BadUserInputError(`${field} must be a valid DNS hostname, e.g. shop.example.com.`, field);
  return hostname;
}

/** `first` of a connection: 1–100, default 50. */
export function validPageSize(value: number | null | undefined, field = 'first'): number {
  if (value === null || value === undefined) return 50;
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new BadUserInputError(`${field} must be between 1 and 100.`, field);
  }
  return value;
}

/** Ids are UUIDs here (users excepted); anything else cannot exist, so it is simply not found. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

// Deliberately simple and strict: one @, no spaces, a dotted domain; the length of RFC 5321.
const EMAIL =
  /^[^\s\u0000-\u001f\u007f@<>()[\]\\,;:"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** Trims and lower-cases an email address and checks it (≤ 254 characters). */
export function validEmail(value: string, field = 'email'): string {
  const email = value.normalize('NFC').trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new BadUserInputError(`${field} must be a valid email address.`, field);
  }
  return email;
}

/** How far ahead an expiry may be set: ten years (a later date is a typo, or meant "never"). */
const MAX_AHEAD_MS = 10 * 366 * 24 * 3600_000;

/** A moment that lies ahead (an expiry), within ten years; BAD_USER_INPUT on `field` otherwise. */
export function validFutureMoment(value: Date, field: string, now: Date): Date {
  const at = value.getTime();
  if (!Number.isFinite(at) || at <= now.getTime()) {
    throw new BadUserInputError(`${field} must lie in the future.`, field);
  }
  if (at > now.getTime() + MAX_AHEAD_MS) {
    throw new BadUserInputError(`${field} must lie within ten years.`, field);
  }
  return value;
}

/** What a free text may not hold: the characters of FORBIDDEN_IN_NAMES but line feeds and tabs. */
const FORBIDDEN_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/**
 * A short free text (a request's message, a denial's reason): trimmed and NFC, at most `max`
 * code points, line breaks allowed but no other control characters or bidirectional overrides.
 * Empty or absent is null.
 */
export function validNote(value: string | null | undefined, field: string, max = 500): string | null {
  if (value === null || value === undefined) return null;
  const text = value.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (text === '') return null;
  if ([...text].length > max) throw new BadUserInputError(`${field} must be at most ${max} characters.`, field);
  if (FORBIDDEN_IN_TEXT.test(text)) {
    throw new BadUserInputError(`${field} must not contain control characters or bidirectional overrides.`, field);
  }
  return text;
}
