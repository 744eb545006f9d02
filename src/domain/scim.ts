import { Role } from './enums';
import { cleanClaimName } from './validation';

/**
 * SCIM 2.0 (RFC 7643, RFC 7644) as the service speaks it (docs/domain-rules.md §15): the schema
 * URNs, the error every refusal becomes, and what a User or Group resource the directory sends
 * means to the service. No I/O here.
 */

export const SCIM = {
  USER: 'urn:ietf:params:scim:schemas:core:2.0:User',
  GROUP: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  ENTERPRISE_USER: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  LIST: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  ERROR: 'urn:ietf:params:scim:api:messages:2.0:Error',
  PATCH: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  SERVICE_PROVIDER_CONFIG: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  RESOURCE_TYPE: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  SCHEMA: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

/** RFC 7644 §3.12's `scimType`s the service answers with. */
export type ScimType =
  | 'invalidFilter'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'invalidValue'
  | 'noTarget'
  | 'uniqueness'
  | 'mutability'
  | 'tooMany';

/** A refusal, answered as a SCIM error body with its HTTP status. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
  }
}

/** The most resources one list answers with (`ServiceProviderConfig.filter.maxResults`). */
export const MAX_RESULTS = 200;

/** The attributes whose values are booleans: what directories send as "True" / "False" strings too. */
const BOOLEAN_ATTRIBUTES = new Set(['active', 'primary']);

/**
 * Entra ID sends booleans as strings ("True", "False") in some tenants: turned into booleans
 * wherever a boolean attribute is expected, at any depth.
 */
export function withBooleans(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && BOOLEAN_ATTRIBUTES.has(key.toLowerCase())) {
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => withBooleans(item, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBooleans(v, k)]));
  }
  return value;
}

/** A PATCH path's value filter comparing a boolean with a string (`primary eq "True"`), made a boolean comparison. */
export function pathWithBooleans(path: string): string {
  return path.replace(/\b(active|primary)\s+(eq|ne)\s+"(true|false)"/gi, (_m, attribute, op, literal) => {
    return `${attribute} ${op} ${String(literal).toLowerCase()}`;
  });
}

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
  role: Role;
  /** The resource as sent, without what is the service's to say (`id`, `meta`). */
  resource: Record<string, unknown>;
}

/** An attribute of a resource, found case-insensitively (RFC 7643 §2.1: attribute names are). */
function attribute(resource: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(resource).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : resource[key];
}

function optionalText(value: unknown, name: string, max: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || [...value].length > max) {
    throw new ScimError(400, `${name} must be a string of at most ${max} characters.`, 'invalidValue');
  }
  return value;
}

const ROLES = new Set<string>([Role.ADMIN, Role.ACCOUNTING, Role.MEMBER]);

/** `roles`: the primary value (or the only one), ADMIN, ACCOUNTING or MEMBER; none is MEMBER. */
function roleOf(value: unknown): Role {
  if (value === undefined || value === null) return Role.MEMBER;
  const entries = (Array.isArray(value) ? value : [value]).map((entry) =>
    entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : { value: entry },
  );
  if (entries.length === 0) return Role.MEMBER;
  // A PATCH `add` appends (RFC 7644 §3.5.2.1): the newest value marked primary is the one that applies.
  const chosen = entries.filter((entry) => attribute(entry, 'primary') === true).pop() ?? entries[0];
  const role = attribute(chosen, 'value');
  if (typeof role !== 'string' || !ROLES.has(role.toUpperCase())) {
    throw new ScimError(400, 'roles must hold one of ADMIN, ACCOUNTING or MEMBER.', 'invalidValue');
  }
  if (entries.length > 1 && !entries.some((entry) => attribute(entry, 'primary') === true)) {
    throw new ScimError(400, 'With several roles, mark the one that applies "primary": true.', 'invalidValue');
  }
  return role.toUpperCase() as Role;
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
 * `active` is true unless said otherwise; `roles` gives the organization role.
 */
export function userFactsOf(body: unknown): UserFacts {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ScimError(400, 'The body must be a SCIM User resource (a JSON object).', 'invalidSyntax');
  }
  const resource = withBooleans(body) as Record<string, unknown>;
  const schemas = attribute(resource, 'schemas');
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(SCIM.USER))) {
    throw new ScimError(400, `schemas must include ${SCIM.USER}.`, 'invalidSyntax');
  }
  const active = attribute(resource, 'active');
  if (active !== undefined && active !== null && typeof active !== 'boolean') {
    throw new ScimError(400, 'active must be a boolean.', 'invalidValue');
  }
  const emailsValue = attribute(resource, 'emails');
  if (emailsValue !== undefined && emailsValue !== null && !Array.isArray(emailsValue)) {
    throw new ScimError(400, 'emails must be a list.', 'invalidValue');
  }
  const emails = ((emailsValue as unknown[] | undefined) ?? []).map((entry): EmailEntry => {
    const fields = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
    const value = attribute(fields, 'value');
    if (typeof value !== 'string' || value.length > 254) {
      throw new ScimError(400, 'Every email needs a value of at most 254 characters.', 'invalidValue');
    }
    const type = attribute(fields, 'type');
    return {
      value: value.normalize('NFC').trim().toLowerCase(),
      type: typeof type === 'string' ? type.toLowerCase() : null,
      primary: attribute(fields, 'primary') === true,
    };
  });
  const name = attribute(resource, 'name') as Record<string, unknown> | undefined;
  const fromName =
    name && typeof name === 'object'
      ? ((attribute(name, 'formatted') as string | undefined) ??
        [attribute(name, 'givenName'), attribute(name, 'familyName')].filter((p) => typeof p === 'string').join(' '))
      : '';
  const displayName = optionalText(attribute(resource, 'displayName'), 'displayName', 255);
  const kept = Object.fromEntries(
    Object.entries(resource).filter(([key]) => !['id', 'meta'].includes(key.toLowerCase())),
  );
  const userName = userNameOf(attribute(resource, 'userName'));
  return {
    userName,
    email: addressOf(userName, emails),
    externalId: optionalText(attribute(resource, 'externalId'), 'externalId', 255),
    displayName: cleanClaimName(displayName ?? (typeof fromName === 'string' ? fromName : '')),
    emails: [...new Set(emails.map((entry) => entry.value))].slice(0, 20),
    active: active === undefined || active === null ? true : active,
    role: roleOf(attribute(resource, 'roles')),
    resource: kept,
  };
}

/** What a Group resource means to the service: a workspace's name, its externalId, its members' SCIM ids. */
export interface GroupFacts {
  displayName: string;
  externalId: string | null;
  /** Null when the resource says nothing of members (PATCH results always do). */
  members: string[] | null;
}

export function groupFactsOf(body: unknown): GroupFacts {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ScimError(400, 'The body must be a SCIM Group resource (a JSON object).', 'invalidSyntax');
  }
  const resource = body as Record<string, unknown>;
  const displayName = attribute(resource, 'displayName');
  const name = typeof displayName === 'string' ? displayName.normalize('NFC').trim() : '';
  if ([...name].length < 1 || [...name].length > 100) {
    throw new ScimError(400, 'displayName is required: the workspace name, 1 to 100 characters.', 'invalidValue');
  }
  const membersValue = attribute(resource, 'members');
  if (membersValue !== undefined && membersValue !== null && !Array.isArray(membersValue)) {
    throw new ScimError(400, 'members must be a list.', 'invalidValue');
  }
  const members =
    membersValue === undefined || membersValue === null
      ? null
      : (membersValue as unknown[]).map((entry) => {
          const value =
            entry && typeof entry === 'object' ? attribute(entry as Record<string, unknown>, 'value') : undefined;
          if (typeof value !== 'string')
            throw new ScimError(400, 'Every member needs a value: a User id.', 'invalidValue');
          return value;
        });
  return {
    displayName: name,
    externalId: optionalText(attribute(resource, 'externalId'), 'externalId', 255),
    members: members && [...new Set(members)],
  };
}

/** The largest `startIndex` or `count` a list takes (2^31−1, docs/domain-rules.md §15): beyond it, `invalidValue`. */
export const MAX_PAGING_VALUE = 2 ** 31 - 1;

/** The schema URN a core attribute may be written with (`urn:…:core:2.0:User:userName`). */
const CORE_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i;

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): a comma-separated list of paths. */
function pathsOf(value: unknown): string[][] {
  if (typeof value !== 'string' || value.trim() === '') return [];
  return value
    .split(',')
    .map((path) => path.trim())
    .filter((path) => path !== '')
    .map((path) => {
      const bare = path.replace(CORE_PREFIX, '');
      // An extension's attribute: `urn:…:enterprise:2.0:User:department` is that object's `department`.
      const urn = /^(urn:.+):([^:]+)$/i.exec(bare);
      if (urn && !bare.includes('.')) return [urn[1].toLowerCase(), urn[2].toLowerCase()];
      return bare.toLowerCase().split('.');
    });
}

/** The resource's own key for a lower-case name (attribute names are case-insensitive). */
function keyOf(resource: Record<string, unknown>, name: string): string | undefined {
  return Object.keys(resource).find((key) => key.toLowerCase() === name);
}

function keep(resource: Record<string, unknown>, paths: string[][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [head, ...rest] of paths) {
    const key = keyOf(resource, head);
    if (key === undefined) continue;
    const value = resource[key];
    if (rest.length === 0) {
      out[key] = value;
    } else if (Array.isArray(value)) {
      out[key] = value.map((item) =>
        item && typeof item === 'object' ? keep(item as Record<string, unknown>, [rest]) : item,
      );
    } else if (value && typeof value === 'object') {
      const previous = (out[key] as Record<string, unknown> | undefined) ?? {};
      out[key] = { ...previous, ...keep(value as Record<string, unknown>, [rest]) };
    }
  }
  return out;
}

function drop(resource: Record<string, unknown>, paths: string[][]): Record<string, unknown> {
  const out = { ...resource };
  for (const [head, ...rest] of paths) {
    const key = keyOf(out, head);
    if (key === undefined) continue;
    if (rest.length === 0) {
      delete out[key];
      continue;
    }
    const value = out[key];
    if (Array.isArray(value)) {
      out[key] = value.map((item) =>
        item && typeof item === 'object' ? drop(item as Record<string, unknown>, [rest]) : item,
      );
    } else if (value && typeof value === 'object') {
      out[key] = drop(value as Record<string, unknown>, [rest]);
    }
  }
  return out;
}

/**
 * A resource as `attributes` or `excludedAttributes` ask (RFC 7644 §3.4.2.5): only the named
 * attributes, or all but them. `id` and `schemas` are always returned (RFC 7643 §3.1, §7).
 */
export function projected(resource: Record<string, unknown>, query: Record<string, unknown>): Record<string, unknown> {
  const always = { schemas: resource.schemas, id: resource.id };
  const only = pathsOf(query.attributes);
  if (only.length > 0) return { ...always, ...keep(resource, only) };
  const without = pathsOf(query.excludedAttributes);
  if (without.length > 0) return { ...drop(resource, without), ...always };
  return resource;
}
