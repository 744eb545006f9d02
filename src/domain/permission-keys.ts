import { Permission, Role, ScopeKind } from './enums';

/**
 * Permission keys (docs/domain-rules.md §18): the built-in permissions, spelled as their enum
 * values, and the permissions the rest of the supergraph declares in PERMISSIONS_FILE, spelled
 * `namespace:action`. Parsing only: what a key grants is the permission table's business.
 */

/** A declared key: lower-case letters, digits, `_`, `.`, `-`, exactly one colon, at most 64 characters. */
const DECLARED_KEY = /^[a-z0-9_.-]+:[a-z0-9_.-]+$/;
export const MAX_KEY_LENGTH = 64;

/** A role an organization defines (§18), as decisions need it: the keys it adds per scope kind. */
export interface CustomRoleFact {
  id: string;
  name: string;
  grants: Partial<Record<ScopeKind, readonly string[]>>;
}

/** One entry of PERMISSIONS_FILE. */
export interface DeclaredPermission {
  key: string;
  description: string | null;
  /** The scope kinds at which the key exists. */
  scopes: ScopeKind[];
  /** The built-in roles that hold it at those kinds (inheritance applies as to the built-in permissions). */
  roles: Role[];
}

export function isDeclaredKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && DECLARED_KEY.test(key);
}

const BUILT_IN_KEYS: ReadonlySet<string> = new Set(Object.values(Permission));

export function isBuiltInKey(key: string): key is Permission {
  return BUILT_IN_KEYS.has(key);
}

/** Whether a string can be a permission key at all: built-in, or `namespace:action`. */
export function isPermissionKey(key: string): boolean {
  return isBuiltInKey(key) || isDeclaredKey(key);
}

/** A PERMISSIONS_FILE that cannot be used: the server does not start (never half-configured). */
export class PermissionsFileError extends Error {
  constructor(source: string, where: string, problem: string) {
    super(`PERMISSIONS_FILE ${source}: ${where}: ${problem}`);
    this.name = 'PermissionsFileError';
  }
}

function listOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  what: string,
  fail: (problem: string) => never,
): T[] {
  if (!Array.isArray(value) || value.length === 0) fail(`"${what}" must be a non-empty list`);
  const seen = new Set<T>();
  for (const item of value as unknown[]) {
    if (typeof item !== 'string' || !(allowed as readonly string[]).includes(item)) {
      fail(`unknown ${what.replace(/s$/, '')} ${JSON.stringify(item)} (one of ${allowed.join(', ')})`);
    }
    seen.add(item as T);
  }
  return [...seen];
}

/**
 * The declarations of a PERMISSIONS_FILE's text. Anything wrong — not JSON, not a list, a key
 * that is not `namespace:action`, a repeated key, an unknown scope kind or role — throws a
 * {@link PermissionsFileError} naming the entry.
 */
export function parsePermissionDeclarations(text: string, source: string): DeclaredPermission[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PermissionsFileError(source, 'the file', `is not JSON (${(error as Error).message})`);
  }
  const entries = Array.isArray(json) ? json : (json as { permissions?: unknown } | null)?.permissions;
  if (!Array.isArray(entries)) {
    throw new PermissionsFileError(
      source,
      'the file',
      'must be a JSON list of permissions (or { "permissions": [...] })',
    );
  }
  const keys = new Set<string>();
  return entries.map((entry: unknown, index) => {
    const label = `entry ${index + 1}${
      entry && typeof entry === 'object' && typeof (entry as { key?: unknown }).key === 'string'
        ? ` ("${(entry as { key: string }).key}")`
        : ''
    }`;
    const fail = (problem: string): never => {
      throw new PermissionsFileError(source, label, problem);
    };
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) fail('must be an object');
    const { key, description, scopes, roles, ...rest } = entry as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) fail(`unknown field ${JSON.stringify(unknown[0])}`);
    if (typeof key !== 'string' || !isDeclaredKey(key)) {
      fail(
        `"key" must be namespace:action in lower-case letters, digits, "_", "." or "-", at most ${MAX_KEY_LENGTH} characters`,
      );
    }
    if (keys.has(key as string)) fail('repeats a key declared before');
    keys.add(key as string);
    if (description !== undefined && description !== null && typeof description !== 'string') {
      fail('"description" must be a string');
    }
    return {
      key: key as string,
      description: (description as string | undefined) ?? null,
      scopes: listOf(scopes, Object.values(ScopeKind), 'scopes', fail),
      roles: listOf(roles, Object.values(Role), 'roles', fail),
    };
  });
}

/** A policy name of docs/domain-rules.md §19: `KEY`, or `KEY@variable`. */
export interface PolicyName {
  key: string;
  /** The operation variable naming the scope(s), or null for "in at least one scope". */
  variable: string | null;
}

const VARIABLE = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The parts of a policy name, or null when it is not one (it then decides false). */
export function parsePolicyName(name: string): PolicyName | null {
  const at = name.indexOf('@');
  const key = at < 0 ? name : name.slice(0, at);
  const variable = at < 0 ? null : name.slice(at + 1);
  if (!isPermissionKey(key)) return null;
  if (variable !== null && !VARIABLE.test(variable)) return null;
  return { key, variable };
}
