import type { Resource } from './protocol';

/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9), for every resource type: which
 * attributes of a resource an answer shows.
 */

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
      // An extension's attribute: `urn:…:enterprise:2.0:User:manager.value` is that object's
      // `manager.value` (the dots of the URN's version are no path's).
      const urn = /^(urn:.+):([^:]+)$/i.exec(bare);
      if (urn) return [urn[1].toLowerCase(), ...urn[2].toLowerCase().split('.')];
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
export function projected(resource: Resource, query: Record<string, unknown>): Resource {
  const always = { schemas: resource.schemas, id: resource.id };
  const only = pathsOf(query.attributes);
  if (only.length > 0) return { ...always, ...keep(resource, only) };
  const without = pathsOf(query.excludedAttributes);
  if (without.length > 0) return { ...drop(resource, without), ...always };
  return resource;
}
