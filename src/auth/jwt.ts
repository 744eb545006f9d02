import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { type Clock, systemClock } from '../config/clock';
import type { AuthConfig } from '../config/config';
import { cleanClaimName } from '../domain/validation';

/** The claims the service uses (docs/domain-rules.md §6). */
export interface Identity {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  /**
   * How the person signed in, for organizations' sign-in policies (docs/domain-rules.md §20): the
   * `amr` claim (RFC 8176 method names; at most 20 short strings are kept, anything else is none)
   * and the AUTH_SSO_CLAIM claim naming the single sign-on connection, or null.
   */
  amr: string[];
  ssoConnection: string | null;
  /**
   * When the token was issued (`iat`), or null without it: the claims are what the identity
   * provider knew then, and never overwrite what a later identity event said (§16).
   */
  issuedAt?: Date | null;
}

/** The claim AUTH_SSO_CLAIM defaults to. */
export const DEFAULT_SSO_CLAIM = 'sso_connection';

function amrOf(value: unknown): string[] {
  if (!Array.isArray(value)) return typeof value === 'string' && value.length <= 32 ? [value] : [];
  return value.filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 32).slice(0, 20);
}

function ssoConnectionOf(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= 255 ? value : null;
}

/** Why a bearer token was refused: deliberately no finer than this (docs/domain-rules.md §6). */
export type TokenRejection = 'TOKEN_EXPIRED' | 'TOKEN_INVALID';

export type TokenCheck = { identity: Identity } | { rejected: TokenRejection };

export type TokenVerifier = (token: string) => Promise<TokenCheck>;

function identityFrom(payload: JWTPayload, ssoClaim: string): Identity | null {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255) return null;
  const email = typeof payload.email === 'string' ? payload.email.normalize('NFC').trim().toLowerCase() : '';
  const name = typeof payload.name === 'string' ? cleanClaimName(payload.name) : null;
  return {
    sub: payload.sub,
    email: email.length <= 254 ? email : '',
    emailVerified: payload.email_verified === true,
    name,
    amr: amrOf(payload.amr),
    ssoConnection: ssoConnectionOf(payload[ssoClaim]),
    issuedAt: typeof payload.iat === 'number' && Number.isFinite(payload.iat) ? new Date(payload.iat * 1000) : null,
  };
}

/**
 * A verifier for bearer tokens: HS256 with the shared secret, or RS256/ES256 with keys from
 * the JWKS endpoint. Issuer and audience are checked when configured, and the token must carry
 * `exp` within `maxTokenHours` of its issue. A refused token is never
 * an exception here: it is TOKEN_EXPIRED when its signature and claims hold but `exp` has
 * passed (the client should sign in again), and TOKEN_INVALID for everything else (`alg: none`,
 * a wrong signature, issuer or audience, a token not yet valid, garbage), with no hint of which
 * check failed.
 *
 * Time is the configured clock's (`config.clock`), for the signature check's `exp` and `nbf` and
 * for the memory of verified tokens alike: tests move it to see a token expire, and the two never
 * disagree about whether a token is still good.
 */
export function createTokenVerifier(auth: AuthConfig, clock: Clock = systemClock): TokenVerifier {
  const options = () => ({
    issuer: auth.issuer,
    audience: auth.audience,
    clockTolerance: 5,
    currentDate: clock.now(),
  });
  let verify: (token: string) => Promise<JWTPayload>;
  if (auth.jwksUrl) {
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(auth.jwksUrl));
    verify = async (token) => (await jwtVerify(token, jwks, { ...options(), algorithms: ['RS256', 'ES256'] })).payload;
  } else if (auth.jwtSecret) {
    const key = new TextEncoder().encode(auth.jwtSecret);
    verify = async (token) => (await jwtVerify(token, key, { ...options(), algorithms: ['HS256'] })).payload;
  } else {
    throw new Error('No token verification configured');
  }
  // A token's signature, once checked, stays good until the token expires, so a bounded memory of
  // verified tokens spares the signature check on a client's next requests. Only successes are
  // remembered, each until its own `exp`. It remembers the signature only, never the person:
  // whether they are still here (erased, removed) is the database's answer on every request
  // (src/request/factory.ts).
  const verified = new Map<string, { identity: Identity; expiresAt: number }>();
  const maxLifetimeSeconds = (auth.maxTokenHours ?? 24) * 3600;
  return async (token) => {
    const known = verified.get(token);
    if (known && known.expiresAt > clock.now().getTime()) return { identity: known.identity };
    try {
      const payload = await verify(token);
      const identity = identityFrom(payload, auth.ssoClaim ?? DEFAULT_SSO_CLAIM);
      if (!identity || !lifetimeAllowed(payload, maxLifetimeSeconds, clock)) return { rejected: 'TOKEN_INVALID' };
      if (verified.size >= 10_000) verified.clear();
      verified.set(token, { identity, expiresAt: (payload.exp as number) * 1000 });
      return { identity };
    } catch (error) {
      // jose checks the signature before the time claims: an expired token is a genuine one.
      return { rejected: error instanceof errors.JWTExpired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID' };
    }
  };
}

/**
 * A token must expire, and not too far ahead: a leaked token without `exp` would be valid
 * forever, since JWTs cannot be revoked. The lifetime is `exp` − `iat` (from now without `iat`).
 */
function lifetimeAllowed(payload: JWTPayload, maxSeconds: number, clock: Clock): boolean {
  if (typeof payload.exp !== 'number') return false;
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : clock.now().getTime() / 1000;
  return payload.exp - issuedAt <= maxSeconds;
}

/** Reads `Authorization: Bearer <token>`; anything else is no token. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9\-_.]+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

export interface TokenClaims {
  sub: string;
  email: string;
  name?: string;
  emailVerified?: boolean;
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
  /** When it is issued (`iat`; `exp` counts from it): now by default. */
  issuedAt?: Date;
  /** The `amr` claim (RFC 8176 values, e.g. `['pwd', 'otp']`): none by default. */
  amr?: string[];
  /** The single sign-on connection, put in the claim `ssoClaim` names (`sso_connection` by default). */
  ssoConnection?: string;
  ssoClaim?: string;
}

/** Signs an HS256 token: development tokens (`npm run token`) and tests. */
export async function signDevelopmentToken(secret: string, claims: TokenClaims): Promise<string> {
  let jwt = new SignJWT({
    email: claims.email,
    email_verified: claims.emailVerified ?? true,
    ...(claims.name ? { name: claims.name } : {}),
    ...(claims.amr && claims.amr.length > 0 ? { amr: claims.amr } : {}),
    ...(claims.ssoConnection ? { [claims.ssoClaim ?? DEFAULT_SSO_CLAIM]: claims.ssoConnection } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(claims.issuedAt)
    .setExpirationTime(
      Math.floor((claims.issuedAt?.getTime() ?? Date.now()) / 1000) + (claims.ttlSeconds ?? 12 * 3600),
    );
  if (claims.issuer) jwt = jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt = jwt.setAudience(claims.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/**
 * An `amr` for a development token (`npm run token -- --amr`, the dev sign-in's body): a list or a
 * comma-separated string of method names; nothing is none; null when malformed.
 */
export function amrList(value: unknown): string[] | null {
  if (value === undefined || value === null || value === '') return [];
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
  if (!items || items.length > 20 || !items.every((v) => typeof v === 'string')) return null;
  const names = (items as string[]).map((v) => v.trim()).filter((v) => v !== '');
  return names.every((v) => /^[a-z0-9_-]{1,32}$/i.test(v)) ? names : null;
}
