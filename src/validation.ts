import { BadUserInputError } from './errors';

/** Input rules of SPEC §5. Each returns the normalised value or throws BAD_USER_INPUT naming the field. */

export function validName(value: string, field = 'name'): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > 100) {
    throw new BadUserInputError(`${field} must be 1 to 100 characters long.`, field);
  }
  // Control characters have no business in a display name and break logs and emails.
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new BadUserInputError(`${field} must not contain control characters.`, field);
  }
  return trimmed;
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
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new BadUserInputError(`${field} must be a valid email address.`, field);
  }
  return email;
}
