import type { PolicyName } from '../src/domain/permission-keys';
import { ScopeKind } from '../src/domain/enums';
import type { ScopeRef } from '../src/domain/scope';
import { CASCADE, isInForce, type MembershipFact, roleGrant, standingAt } from './access';
import type { PermissionTable } from './table';

/**
 * The supergraph's decisions (docs/domain-rules.md §19) as pure functions of the caller's
 * memberships, the scopes an operation names and the permission table: the router's policies,
 * the services' checks and `viewerPermissionKeys` all come from here, and from nothing else.
 */

/** Every key the memberships give at a scope, built-in and declared, inheritance included. */
export function keysAt(
  scope: ScopeRef,
  memberships: readonly MembershipFact[],
  now: Date,
  table: PermissionTable,
): Set<string> {
  const { grants, custom } = standingAt(scope, memberships, now);
  return table.keysOf(scope.kind, grants, custom.keys());
}

const BELOW: Record<ScopeKind, ScopeKind[]> = {
  [ScopeKind.ORGANIZATION]: [ScopeKind.WORKSPACE, ScopeKind.DOMAIN],
  [ScopeKind.WORKSPACE]: [ScopeKind.DOMAIN],
  [ScopeKind.DOMAIN]: [],
};

/**
 * Whether the memberships give `key` in at least one scope: at a membership's own scope, or at
 * the kinds below it that its role passes something down to (an organization ACCOUNTING holds a
 * key declared for ACCOUNTING at WORKSPACE, as it holds READ_BILLING on the workspaces).
 */
export function holdsAnywhere(
  key: string,
  memberships: readonly MembershipFact[],
  now: Date,
  table: PermissionTable,
): boolean {
  for (const m of memberships) {
    if (!isInForce(m, now)) continue;
    if (table.keysFor(m.scope, [roleGrant(m.role)]).has(key)) return true;
    if (m.customRole?.grants[m.scope]?.includes(key)) return true;
    for (const kind of BELOW[m.scope]) {
      if (m.customRole?.grants[kind]?.includes(key)) return true;
      const grants = CASCADE[m.scope]?.[kind]?.[m.role] ?? [];
      if (grants.length > 0 && table.keysFor(kind, grants).has(key)) return true;
    }
  }
  return false;
}

/** What a policy's variable resolved to: the scopes its ids name (null for an id that names none). */
export type ScopesById = ReadonlyMap<string, ScopeRef>;

/**
 * One policy's decision: `KEY` — held in at least one scope; `KEY@var` — held in the scope whose
 * id is `$var`, or in every one of a list of ids. A missing variable, an empty list, a value that
 * is not an id, or an id naming no scope decides false; an unparsable name (null) too.
 */
export function decidePolicy(
  policy: PolicyName | null,
  variables: Readonly<Record<string, unknown>>,
  scopes: ScopesById,
  memberships: readonly MembershipFact[],
  now: Date,
  table: PermissionTable,
): boolean {
  if (!policy || !table.knows(policy.key)) return false;
  if (policy.variable === null) return holdsAnywhere(policy.key, memberships, now, table);
  const ids = idsOf(variables[policy.variable]);
  if (ids.length === 0) return false;
  return ids.every((id) => {
    const scope = scopes.get(id);
    if (scope === undefined) return false;
    const { grants, custom } = standingAt(scope, memberships, now);
    return table.holds(scope.kind, grants, custom, policy.key);
  });
}

/** The ids a variable holds: one id, or a list of them; anything else holds none. */
export function idsOf(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || values.length > 100) return [];
  return values.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 64) ? (values as string[]) : [];
}
