import { cleanClaimName } from '../domain/validation';
import { attributeOf, optionalText, SCIM, ScimError, withBooleans } from './protocol';

/**
 * What a User resource the directory sends means to the service (docs/domain-rules.md §15): the
 * identifier, the person's address, the name, the organization role as named (a custom role's name
 * is read in the organization, src/services/provisioning/directory-roles.ts). No I/O here.
 */

/** What a User resource means to the service. */
export interface UserFacts {
  /** Any identifier the directory chose (RFC 7643 §4.1.1), lower case: unique in the organization. */
  userName: string;
  /**
   * The person's address, lower case: `userName` when it is an email address, else the `emails`
   * value marked primary, else the one of type work, else the first (docs/domain-rules.md §15).
   */
  email: string;
  externalId: string | null;
  displayName: string | null;
  /** Every email value, lower case. */
  emails: string[];
  active: boolean;
  /**
   * The `roles` value that applies, as sent: ADMIN, ACCOUNTING or MEMBER (any case), or one of the
   * organization's custom roles by name or id; MEMBER when none is sent.
   */
  role: string;
  /** The resource as sent, without what is the service's to say (`id`, `meta`). */
  resource: Record<string, unknown>;
}

/**
 * `roles`: the value of the primary one (or the only one); none is MEMBER. Whether it names a role
 * of the organization is for the organization to say, inside its lock.
 */
function roleOf(value: unknown): string {
  if (value === undefined || value === null) return 'MEMBER';
  const entries = (Array.isArray(value) ? value : [value]).map((entry) =>
    entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : { value: entry },
  );
  if (entries.length === 0) return 'MEMBER';
  // A PATCH `add` appends (RFC 7644 §3.5.2.1): the newest value marked primary is the one that applies.
  const chosen = entries.filter((entry) => attributeOf(entry, 'primary') === true).pop() ?? entries[0];
  const role = attributeOf(chosen, 'value');
  if (typeof role !== 'string' || role.trim() === '' || [...role].length > 255) {
    throw new ScimError(
      400,
      "roles must hold a role's name: ADMIN, ACCOUNTING, MEMBER or one of the organization's custom roles.",
      'invalidValue',
    );
  }
  if (entries.length > 1 && !entries.some((entry) => attributeOf(entry, 'primary') === true)) {
    throw new ScimError(400, 'With several roles, mark the one that applies "primary": true.', 'invalidValue');
  }
  return role.trim();
}

/** An email address as the service keeps one: one `@` with something on each side, no spaces, at most 254 characters. */
export function isEmailAddress(text: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(text) && text.length <= 254;
}

/**
 * userName: any unique identifier (RFC 7643 §4.1.1: Okta's custom formats, Entra's UPN, an
 * employee number), trimmed, NFC and lower case so that uniqueness ignores case; 1 to 254
 * characters, no control characters.
 */
function userNameOf(value: unknown): string {
  const userName = typeof value === 'string' ? value.normalize('NFC').trim().toLowerCase() : '';
  const length = [...userName].length;
  if (length < 1 || length > 254 || /\p{Cc}/u.test(userName)) {
    throw new ScimError(400, 'userName is required: an identifier of 1 to 254 characters.', 'invalidValue');
  }
  return userName;
}

interface EmailEntry {
  value: string;
  type: string | null;
  primary: boolean;
}

/** The person's address (docs/domain-rules.md §15); none at all is `invalidValue`. */
function addressOf(userName: string, emails: EmailEntry[]): string {
  if (isEmailAddress(userName)) return userName;
  const chosen =
    emails.filter((entry) => entry.primary).pop() ?? emails.find((entry) => entry.type === 'work') ?? emails[0];
  if (!chosen) {
    throw new ScimError(
      400,
      'The user needs an address: a userName that is an email address, or an emails value.',
      'invalidValue',
    );
  }
  if (!isEmailAddress(chosen.value)) {
    throw new ScimError(400, 'The address in emails is not an email address.', 'invalidValue');
  }
  return chosen.value;
}

/**
 * Reads a User resource the directory sent (POST, PUT, or a PATCH's result). Attributes the
 * service does not use (phone numbers, the enterprise extension, …) are kept as sent.
 * `active` is true unless said otherwise; `roles` names the organization role.
 */
export function userFactsOf(body: unknown): UserFacts {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ScimError(400, 'The body must be a SCIM User resource (a JSON object).', 'invalidSyntax');
  }
  const resource = withBooleans(body) as Record<string, unknown>;
  const schemas = attributeOf(resource, 'schemas');
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(SCIM.USER))) {
    throw new ScimError(400, `schemas must include ${SCIM.USER}.`, 'invalidSyntax');
  }
  const active = attributeOf(resource, 'active');
  if (active !== undefined && active !== null && typeof active !== 'boolean') {
    throw new ScimError(400, 'active must be a boolean.', 'invalidValue');
  }
  const emailsValue = attributeOf(resource, 'emails');
  if (emailsValue !== undefined && emailsValue !== null && !Array.isArray(emailsValue)) {
    throw new ScimError(400, 'emails must be a list.', 'invalidValue');
  }
  const emails = ((emailsValue as unknown[] | undefined) ?? []).map((entry): EmailEntry => {
    const fields = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
    const value = attributeOf(fields, 'value');
    if (typeof value !== 'string' || value.length > 254) {
      throw new ScimError(400, 'Every email needs a value of at most 254 characters.', 'invalidValue');
    }
    const type = attributeOf(fields, 'type');
    return {
      value: value.normalize('NFC').trim().toLowerCase(),
      type: typeof type === 'string' ? type.toLowerCase() : null,
      primary: attributeOf(fields, 'primary') === true,
    };
  });
  const name = attributeOf(resource, 'name') as Record<string, unknown> | undefined;
  const fromName =
    name && typeof name === 'object'
      ? ((attributeOf(name, 'formatted') as string | undefined) ??
        [attributeOf(name, 'givenName'), attributeOf(name, 'familyName')]
          .filter((p) => typeof p === 'string')
          .join(' '))
      : '';
  const displayName = optionalText(attributeOf(resource, 'displayName'), 'displayName', 255);
  const kept = Object.fromEntries(
    Object.entries(resource).filter(([key]) => !['id', 'meta'].includes(key.toLowerCase())),
  );
  const userName = userNameOf(attributeOf(resource, 'userName'));
  return {
    userName,
    email: addressOf(userName, emails),
    externalId: optionalText(attributeOf(resource, 'externalId'), 'externalId', 255),
    displayName: cleanClaimName(displayName ?? (typeof fromName === 'string' ? fromName : '')),
    emails: [...new Set(emails.map((entry) => entry.value))].slice(0, 20),
    active: active === undefined || active === null ? true : active,
    role: roleOf(attributeOf(resource, 'roles')),
    resource: kept,
  };
}
