import { displayedRole, standingAt } from '../../../permissions/access';
import { decidePolicy, idsOf } from '../../../permissions/decisions';
import { type MembershipRow, readAccessFacts } from '../../db/access-facts';
import type { ScopeRef } from '../../domain/scope';
import { parsePolicyName, type PolicyName } from '../../domain/permission-keys';
import type { Role, ScopeKind } from '../../domain/enums';
import type { RequestScope } from '../../request/scope';
import {
  grantingMemberships,
  NO_SIGN_IN,
  type SignInFact,
  type SignInStanding,
  standingsByOrganization,
} from '../../../permissions/sign-in';

/**
 * The supergraph's decisions (docs/domain-rules.md §19): a router's `@policy` names for the
 * bearer of a request, and a service's checks for anyone. Each call reads the database once
 * (`readAccessFacts`), whatever the number of policies, checks and scopes, and decides with the
 * pure functions of `permissions/decisions.ts`.
 */

/** What a decision reads of the request scope: the database, the moment, the permission table. */
type Decider = Pick<RequestScope, 'db' | 'now' | 'permissions'>;

/**
 * Decides each policy name for the request's person (no person: no valid credentials, every
 * policy false) with the operation's variables. How the person signed in (their token's `amr` and
 * connection claims) counts against the sign-in policies of their organizations: where it does not
 * satisfy one, their memberships give nothing (docs/domain-rules.md §20), decided from the same
 * statement. `onUnparsable` is called once per name that does not parse, so that the caller logs it.
 */
export async function decidePolicies(
  request: Decider & Pick<RequestScope, 'viewer'>,
  names: readonly string[],
  variables: Readonly<Record<string, unknown>>,
  onUnparsable?: (name: string) => void,
): Promise<Record<string, boolean>> {
  const table = request.permissions;
  const identity = request.viewer?.identity ?? null;
  const signIn: SignInFact = identity ? { amr: identity.amr, ssoConnection: identity.ssoConnection } : NO_SIGN_IN;
  const parsed = new Map<string, PolicyName | null>();
  for (const name of names) {
    const policy = parsePolicyName(name);
    if (!policy) onUnparsable?.(name);
    parsed.set(name, policy);
  }
  const decisions: Record<string, boolean> = {};
  const live = [...parsed.values()].filter((p): p is PolicyName => p !== null && table.knows(p.key));
  const userId = request.viewer?.id ?? null;
  if (userId === null || live.length === 0) {
    for (const name of names) decisions[name] = false;
    return decisions;
  }
  const scopeIds = live.flatMap((p) => (p.variable === null ? [] : idsOf(variables[p.variable])));
  const facts = await readAccessFacts(request.db, [userId], scopeIds);
  const memberships = grantingMemberships(facts.membershipsByUser.get(userId) ?? [], signIn);
  for (const [name, policy] of parsed) {
    decisions[name] = decidePolicy(policy, variables, facts.scopes, memberships, request.now, table);
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

/**
 * Each check in order, in one round trip. A key nobody declared, or an id naming no scope, is not
 * allowed. After the one read everything is synchronous; what several checks share is worked out
 * once: a person's standing under their organizations' sign-in policies (for the checks that carry
 * no sign-in of their own), and a person's grants at a scope.
 */
export async function runChecks(request: Decider, checks: readonly Check[]): Promise<CheckResult[]> {
  const table = request.permissions;
  if (checks.length === 0) return [];
  const facts = await readAccessFacts(
    request.db,
    checks.map((c) => c.userId),
    checks.map((c) => c.scopeId),
  );
  // What a person's checks share, worked out at their first check: their sign-in standings (without
  // a sign-in of the check's own), and, by scope, their grants there, the keys custom roles add
  // there, the role shown and the custom role held there.
  const people = new Map<string, Person>();
  return checks.map((check) => {
    const scope = facts.scopes.get(check.scopeId);
    if (!scope || scope.kind !== check.scopeKind) return { allowed: false, role: null, customRole: null };
    let person = people.get(check.userId);
    if (!person) {
      const held = facts.membershipsByUser.get(check.userId) ?? [];
      people.set(check.userId, (person = { held, standings: null, at: new Map() }));
    }
    const standings = check.signIn
      ? standingsByOrganization(person.held, check.signIn)
      : (person.standings ??= standingsByOrganization(person.held, NO_SIGN_IN));
    const standing = standings.get(scope.organizationId);
    if (standing?.kind === 'blocked') {
      return { allowed: false, role: null, customRole: null, signInRequired: standing.missing };
    }
    let there = person.at.get(check.scopeId);
    if (!there) person.at.set(check.scopeId, (there = standingThere(scope, check.scopeId, person.held, request.now)));
    const allowed =
      table.knows(check.permission) && table.holds(scope.kind, there.grants, there.custom, check.permission);
    return { allowed, role: there.role, customRole: there.customRole };
  });
}

/** One person's memberships, and what their checks share (see runChecks). */
interface Person {
  held: MembershipRow[];
  standings: Map<string, SignInStanding> | null;
  at: Map<string, ReturnType<typeof standingThere>>;
}

function standingThere(scope: ScopeRef, scopeId: string, held: readonly MembershipRow[], now: Date) {
  const { grants, custom } = standingAt(scope, held, now);
  // The custom role of the membership held at the scope itself (one per person and scope).
  const own = held.find(
    (m) => m.customRole && m.scope === scope.kind && (m.domainId ?? m.workspaceId ?? m.organizationId) === scopeId,
  );
  return { grants, custom, role: displayedRole(grants), customRole: own?.customRole?.name ?? null };
}
