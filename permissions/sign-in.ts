/**
 * An organization's sign-in policy (docs/domain-rules.md §20) as pure functions: whether the way a
 * person signed in (their token's `amr` and single sign-on connection claims) satisfies it. Nothing
 * here touches the database or the request; the callers hand in the policy, the sign-in and the
 * person's organization membership id (break-glass entries name organization memberships).
 */
import type { SignInFact, SignInPolicyFact } from '../src/domain/sign-in-policy';

export { MAX_BREAK_GLASS, NO_SIGN_IN, parseBreakGlass } from '../src/domain/sign-in-policy';
export type { SignInFact, SignInPolicyFact };

/** What a policy may ask for that a sign-in lacks, in this order. */
export type SignInFactor = 'SSO' | 'MFA';

/**
 * The `amr` values (RFC 8176 §2) that show a second factor: `mfa` (the provider says several
 * factors were used), one-time codes (`otp`, `sms`), a proof of possession of a key (`hwk`
 * hardware, `swk` software: passkeys, authenticator apps) and biometrics (`fpt`, `face`, `iris`,
 * `retina`, `vbm`). Not counted: what one knows (`pwd`, `pin`, `kba`), hints about the context
 * (`geo`, `rba`, `wia`, `user`), and values whose meaning depends on the provider (`mca`, `pop`,
 * `sc`, `tel`). Compared exactly: RFC 8176 values are lower-case tokens.
 */
export const SECOND_FACTOR_AMR: readonly string[] = Object.freeze([
  'mfa',
  'otp',
  'hwk',
  'swk',
  'sms',
  'fpt',
  'face',
  'iris',
  'retina',
  'vbm',
]);

/** Whether the policy asks for anything at all. */
export function isActive(policy: SignInPolicyFact): boolean {
  return policy.requireSso || policy.requireMfa;
}

/** What the sign-in lacks for the policy (empty: it satisfies it), break-glass aside. */
export function missingFactors(policy: SignInPolicyFact, signIn: SignInFact): SignInFactor[] {
  const missing: SignInFactor[] = [];
  if (policy.requireSso && (policy.ssoConnection === null || signIn.ssoConnection !== policy.ssoConnection)) {
    missing.push('SSO');
  }
  if (policy.requireMfa && !signIn.amr.some((value) => SECOND_FACTOR_AMR.includes(value))) missing.push('MFA');
  return missing;
}

/**
 * Where a member stands under their organization's policy: `ok` (it is satisfied, or there is
 * none), `bypassed` (it is not, but they are break-glass: they pass, and it is audited), or
 * `blocked` (their memberships there grant nothing until they sign in as asked).
 */
export type SignInStanding =
  { kind: 'ok' } | { kind: 'bypassed'; missing: SignInFactor[] } | { kind: 'blocked'; missing: SignInFactor[] };

export function signInStanding(
  policy: SignInPolicyFact,
  signIn: SignInFact,
  organizationMembershipId: string | null,
): SignInStanding {
  const missing = missingFactors(policy, signIn);
  if (missing.length === 0) return { kind: 'ok' };
  if (organizationMembershipId !== null && policy.breakGlass.includes(organizationMembershipId)) {
    return { kind: 'bypassed', missing };
  }
  return { kind: 'blocked', missing };
}

/** A membership with its organization's policy, as the supergraph's decisions read them (one statement). */
export interface PolicedMembership {
  /** The membership's id: an organization membership's is what break-glass entries name. */
  id: string;
  scope: string;
  organizationId: string;
  signInPolicy: SignInPolicyFact;
}

/** Where the person stands in each organization they hold memberships in. */
export function standingsByOrganization(
  memberships: readonly PolicedMembership[],
  signIn: SignInFact,
): Map<string, SignInStanding> {
  const standings = new Map<string, SignInStanding>();
  for (const m of memberships) {
    if (standings.has(m.organizationId)) continue;
    const own = memberships.find((o) => o.organizationId === m.organizationId && o.scope === 'ORGANIZATION');
    standings.set(m.organizationId, signInStanding(m.signInPolicy, signIn, own?.id ?? null));
  }
  return standings;
}

/** The memberships that grant anything: none in an organization whose sign-in policy blocks the person. */
export function grantingMemberships<M extends PolicedMembership>(memberships: readonly M[], signIn: SignInFact): M[] {
  const standings = standingsByOrganization(memberships, signIn);
  return memberships.filter((m) => standings.get(m.organizationId)?.kind !== 'blocked');
}
