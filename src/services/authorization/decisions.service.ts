import type { DataSource } from 'typeorm';
import { accessAt } from '../../../permissions/access';
import { decidePolicy, idsOf, keysAt } from '../../../permissions/decisions';
import type { PermissionTable } from '../../../permissions/table';
import { readAccessFacts } from '../../db/access-facts';
import { isBuiltInKey, isDeclaredKey, parsePolicyName, type PolicyName } from '../../domain/permission-keys';
import type { Role, ScopeKind } from '../../domain/enums';

/**
 * The supergraph's decisions (docs/domain-rules.md §19): a router's `@policy` names for the
 * bearer of a request, and a service's checks for anyone. Each call reads the database once
 * (`readAccessFacts`), whatever the number of policies, checks and scopes, and decides with the
 * pure functions of `permissions/decisions.ts`.
 */

export interface DecisionInput {
  now: Date;
  table: PermissionTable;
  /** Called once per name that does not parse, so that the caller logs it (once per name). */
  onUnparsable?: (name: string) => void;
}

/**
 * Decides each policy name for `userId` (null: no valid credentials, every policy false) with the
 * operation's variables.
 */
export async function decidePolicies(
  db: DataSource,
  input: DecisionInput,
  userId: string | null,
  names: readonly string[],
  variables: Readonly<Record<string, unknown>>,
): Promise<Record<string, boolean>> {
  const parsed = new Map<string, PolicyName | null>();
  for (const name of names) {
    const policy = parsePolicyName(name);
    if (!policy) input.onUnparsable?.(name);
    parsed.set(name, policy);
  }
  const decisions: Record<string, boolean> = {};
  const live = [...parsed.values()].filter((p): p is PolicyName => p !== null && input.table.knows(p.key));
  if (userId === null || live.length === 0) {
    for (const name of names) decisions[name] = false;
    return decisions;
  }
  const scopeIds = live.flatMap((p) => (p.variable === null ? [] : idsOf(variables[p.variable])));
  const facts = await readAccessFacts(db, [userId], scopeIds);
  const memberships = facts.membershipsByUser.get(userId) ?? [];
  for (const [name, policy] of parsed) {
    decisions[name] = decidePolicy(policy, variables, facts.scopes, memberships, input.now, input.table);
  }
  return decisions;
}

/** One check of POST /authorization/check. */
export interface Check {
  userId: string;
  permission: string;
  /** The kind of scope the id is said to name, and the id of that organization, workspace or domain. */
  scopeKind: ScopeKind;
  scopeId: string;
}

export interface CheckResult {
  allowed: boolean;
  /** The effective built-in role there, or null. */
  role: Role | null;
  /** The custom role held at the scope itself, by name, or null. */
  customRole: string | null;
}

/** Whether a string may be a permission key at all (built-in or `namespace:action`). */
export function isPermissionKey(key: string): boolean {
  return isBuiltInKey(key) || isDeclaredKey(key);
}

/** Each check in order, in one round trip. A key nobody declared, or an id naming no scope, is not allowed. */
export async function runChecks(
  db: DataSource,
  input: DecisionInput,
  checks: readonly Check[],
): Promise<CheckResult[]> {
  if (checks.length === 0) return [];
  const facts = await readAccessFacts(
    db,
    checks.map((c) => c.userId),
    checks.map((c) => c.scopeId),
  );
  return checks.map((check) => {
    const scope = facts.scopes.get(check.scopeId);
    const memberships = facts.membershipsByUser.get(check.userId) ?? [];
    if (!scope || scope.kind !== check.scopeKind) return { allowed: false, role: null, customRole: null };
    const access = accessAt(scope, memberships, input.now);
    const allowed =
      input.table.knows(check.permission) && keysAt(scope, memberships, input.now, input.table).has(check.permission);
    // The custom role of the membership held at the scope itself (one per person and scope).
    const custom =
      memberships.find(
        (m) =>
          m.customRole && m.scope === scope.kind && (m.domainId ?? m.workspaceId ?? m.organizationId) === check.scopeId,
      )?.customRole ?? null;
    return { allowed, role: access.role, customRole: custom?.name ?? null };
  });
}
