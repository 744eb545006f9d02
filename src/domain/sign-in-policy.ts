/**
 * The facts of an organization's sign-in policy (docs/domain-rules.md §20) as the database stores
 * them and a token tells them; the decisions on them are `permissions/sign-in.ts`'s.
 */

/** What an organization asks of a sign-in. */
export interface SignInPolicyFact {
  requireSso: boolean;
  /** The value the token's connection claim must have when `requireSso`. */
  ssoConnection: string | null;
  requireMfa: boolean;
  /** Organization membership ids exempt from the policy (at most {@link MAX_BREAK_GLASS}). */
  breakGlass: readonly string[];
}

/** How the caller signed in, as far as a policy needs to know: read from their verified token. */
export interface SignInFact {
  /** The token's `amr` claim (RFC 8176 values); empty when it has none. */
  amr: readonly string[];
  /** The token's AUTH_SSO_CLAIM claim, or null. */
  ssoConnection: string | null;
}

/** A sign-in that says nothing: what a caller without a token's claims (a service's check) counts as. */
export const NO_SIGN_IN: SignInFact = Object.freeze({ amr: [], ssoConnection: null });

export const MAX_BREAK_GLASS = 3;

/** The break-glass list as stored (a JSON array of membership ids), read leniently: anything else is none. */
export function parseBreakGlass(stored: string | null | undefined): string[] {
  if (!stored) return [];
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}
