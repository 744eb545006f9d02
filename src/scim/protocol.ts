import { ScimError as PatchError } from 'scim-patch';
import { AppError } from '../domain/errors';

/**
 * SCIM 2.0's messages (RFC 7644 §3), written once for every resource type (docs/domain-rules.md
 * §15): the schema URNs, the error every refusal becomes and its body, the ListResponse and its
 * paging bounds, and Entra ID's dialect of booleans. What a User or a Group is lives beside, in
 * the table of resource types (src/scim/resource-types.ts). No I/O here.
 */

export const SCIM = {
  USER: 'urn:ietf:params:scim:schemas:core:2.0:User',
  GROUP: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  ENTERPRISE_USER: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  /** The service's Group extension: the role a group gives its members (docs/domain-rules.md §15). */
  MEMBERSHIP_GROUP: 'urn:ietf:params:scim:schemas:extension:membership:2.0:Group',
  LIST: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  ERROR: 'urn:ietf:params:scim:api:messages:2.0:Error',
  PATCH: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  SERVICE_PROVIDER_CONFIG: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  RESOURCE_TYPE: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  SCHEMA: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

/** A resource as it goes over the wire: a JSON object. */
export type Resource = Record<string, unknown>;

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

/** The body of an error answer (RFC 7644 §3.12): the status as a string, `scimType` where one applies. */
export function errorBody(status: number, detail: string, scimType?: ScimType): Resource {
  return { schemas: [SCIM.ERROR], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

const PATCH_TYPES = ['invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'mutability'];

/** The service's own refusals in SCIM's words: the rule that refused, by its code, in `detail`. */
export function asScimError(error: unknown): unknown {
  if (error instanceof ScimError) return error;
  if (error instanceof PatchError) {
    const scimType = PATCH_TYPES.includes(error.scimCode ?? '') ? error.scimCode : 'invalidValue';
    return new ScimError(400, error.message, scimType as ScimType);
  }
  if (error instanceof AppError) {
    const detail = `${error.code}: ${error.message}`;
    switch (error.code) {
      case 'LAST_ADMIN':
        return new ScimError(409, detail, 'mutability');
      case 'SEAT_LIMIT_REACHED':
        return new ScimError(403, detail);
      case 'NOT_FOUND':
        return new ScimError(404, detail);
      case 'BAD_USER_INPUT':
        return new ScimError(400, detail, 'invalidValue');
      case 'RATE_LIMITED':
        return new ScimError(429, detail);
      default:
        return new ScimError(409, detail);
    }
  }
  return error;
}

/** The most resources one list answers with (`ServiceProviderConfig.filter.maxResults`). */
export const MAX_RESULTS = 200;

/** The largest `startIndex` or `count` a list takes (2^31−1, docs/domain-rules.md §15): beyond it, `invalidValue`. */
export const MAX_PAGING_VALUE = 2 ** 31 - 1;

/**
 * `startIndex` (1-based) and `count` (at most MAX_RESULTS; 0 asks for the total only). Beyond
 * 2^31−1 either is `invalidValue`: `1e21` is an integer to JavaScript but no SQL OFFSET.
 */
export function offsetAndLimit(query: Record<string, unknown>): { offset: number; limit: number } {
  const number = (value: unknown, fallback: number) => {
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || Math.abs(n) > MAX_PAGING_VALUE) {
      throw new ScimError(400, `startIndex and count are integers of at most ${MAX_PAGING_VALUE}.`, 'invalidValue');
    }
    return n;
  };
  const startIndex = Math.max(1, number(query.startIndex, 1));
  const count = Math.min(MAX_RESULTS, Math.max(0, number(query.count, 100)));
  return { offset: startIndex - 1, limit: count };
}

/** A ListResponse (RFC 7644 §3.4.2): one page of `total` resources, from `offset`. */
export function listResponse(resources: unknown[], total: number, offset: number): Resource {
  return {
    schemas: [SCIM.LIST],
    totalResults: total,
    startIndex: offset + 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** An attribute of a resource, found case-insensitively (RFC 7643 §2.1: attribute names are). */
export function attributeOf(resource: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(resource).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : resource[key];
}

/** An optional text attribute: absent, null and empty are null; anything but a string of at most `max` characters is `invalidValue`. */
export function optionalText(value: unknown, name: string, max: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || [...value].length > max) {
    throw new ScimError(400, `${name} must be a string of at most ${max} characters.`, 'invalidValue');
  }
  return value;
}

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
