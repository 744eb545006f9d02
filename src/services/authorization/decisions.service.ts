import type { DataSource } from 'typeorm';
import { accessAt } from '../../../permissions/access';
import { decidePolicy, idsOf } from '../../../permissions/decisions';
import type { PermissionTable } from '../../../permissions/table';
import { readAccessFacts } from '../../db/access-facts';
import { parsePolicyName, type PolicyName } from '../../domain/permission-keys';
import type { Role, ScopeKind } from '../../domain/enums';
import {
  grantingMemberships,
  NO_SIGN_IN,
  type SignInFact,
  standingsByOrganization,
} from '../../../permissions/sign-in';

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
 * operation's variables. `signIn` is how the bearer signed in (their token's `amr` and connection
 * claims): in an organization whose sign-in policy it does not satisfy, their memberships give
 * nothing (docs/domain-rules.md §20), decided from the same statement.
 */
export async function decidePolicies(
  db: DataSource,
  input: DecisionInput,
  userId: string | null,
  names: readonly string[],
  variables: Readonly<Record<string, unknown>>,
  signIn: SignInFact = NO_SIGN_IN,
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
  const memberships = grantingMemberships(facts.membershipsByUser.get(userId) ?? [], signIn);
  for (const [name, policy] of parsed) {
    decisions[name] = decidePolicy(policy, variables, facts.scopes, memberships, input.now, input.table);
  }
  return decisions;
}

/** One check of POST /authorization/check. */
export interface Check {
  userId: string;
  /**
   * How the person signed in, as the calling service read it from their token, for sign-in
   * policies (docs/domain-rules.md §20). Left out, it counts as a sign-in that shows nothing: in an
   * organization with a policy, only its break-glass members are then allowed (fail closed).
   */
  signIn?: SignInFact;
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
  /** Present when the organization's sign-in policy refuses the sign-in: what it lacks (`SSO`, `MFA`). */
  signInRequired?: ('SSO' | 'MFA')[];
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
    const held = facts.membershipsByUser.get(check.userId) ?? [];
    if (!scope || scope.kind !== check.scopeKind) return { allowed: false, role: null, customRole: null };
    const standing = standingsByOrganization(held, check.signIn ?? NO_SIGN_IN).get(scope.organizationId);
    if (standing?.kind === 'blocked') {
      return { allowed: false, role: null, customRole: null, signInRequired: standing.missing };
    }
    const memberships = held;
    const access = accessAt(scope, memberships, input.now);
    // The keys from the access already worked out: the standing at a scope is read once per tuple.
    const allowed =
      input.table.knows(check.permission) &&
      input.table.keysOf(scope.kind, access.grants, access.customKeys).has(check.permission);
    // The custom role of the membership held at the scope itself (one per person and scope).
    const custom =
      memberships.find(
        (m) =>
          m.customRole && m.scope === scope.kind && (m.domainId ?? m.workspaceId ?? m.organizationId) === check.scopeId,
      )?.customRole ?? null;
    return { allowed, role: access.role, customRole: custom?.name ?? null };
  });
}
