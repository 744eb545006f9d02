/**
 * Where the API is and who the viewer is. `/config.json` (served beside the app) says where the
 * GraphQL endpoint is and how to get a token: in development the server's sign-in route, which
 * signs a token for any address with the development secret; in production the host product's
 * `tokenUrl`, which answers `{ "token": "…" }` for its signed-in user (with its own cookie).
 *
 * The token lives in localStorage, so every tab of the app shares one session: signing in or out
 * in one tab does so in the others (the `storage` event).
 */
export interface AppConfig {
  graphqlUrl: string;
  devSignIn: boolean;
  tokenUrl: string | null;
  /** The token claim naming the single sign-on connection (the server's AUTH_SSO_CLAIM). */
  ssoClaim: string;
  /** In development: what can be tried on this machine (npm run dev and npm run dns make both so). */
  tryHere: { webhooks: boolean; emailDomains: boolean } | null;
}

const TOKEN_KEY = 'membership.token';

export async function loadAppConfig(): Promise<AppConfig> {
  const response = await fetch('/config.json');
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const body = (await response.json()) as Partial<AppConfig>;
  return {
    graphqlUrl: body.graphqlUrl ?? '/graphql',
    devSignIn: body.devSignIn === true,
    tokenUrl: body.tokenUrl ?? null,
    ssoClaim: typeof body.ssoClaim === 'string' && body.ssoClaim !== '' ? body.ssoClaim : 'sso_connection',
    tryHere: body.tryHere ?? null,
  };
}

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage refused (private mode): the session lasts as long as the page.
  }
}

/** Calls back with the new token when another tab signs in or out. */
export function onTokenChange(listener: (token: string | null) => void): () => void {
  const handler = (event: StorageEvent) => {
    if (event.key === TOKEN_KEY || event.key === null) listener(storedToken());
  };
  window.addEventListener('storage', handler);
  return () => window.removeEventListener('storage', handler);
}

export interface DevSignInInput {
  email: string;
  name: string;
  emailVerified: boolean;
  /** How the person signed in (RFC 8176 method names), to try a sign-in policy: `["pwd", "otp"]`. */
  amr?: string[];
  /** The single sign-on connection the token names (the server's AUTH_SSO_CLAIM). */
  sso?: string;
}

/**
 * What the sign-in page is asked for when an organization's sign-in policy sent the person back:
 * their address, and the second factor or connection the organization asks for.
 */
export interface SignInHint {
  email: string | null;
  organizationName: string | null;
  mfa: boolean;
  sso: string | null;
}

/** Development only: a token for any address, signed by the server with the development secret. */
export async function devSignIn(input: DevSignInInput): Promise<string> {
  const response = await fetch('/dev/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token) throw new Error(body.error ?? `sign-in answered ${response.status}`);
  return body.token;
}

export interface DemoPerson {
  email: string;
  name: string;
  role: string;
}

/** Development only: the people `npm run seed` creates, for one-click sign-in; empty elsewhere. */
export async function demoPeople(): Promise<DemoPerson[]> {
  try {
    const response = await fetch('/dev/people');
    if (!response.ok) return [];
    const body = (await response.json()) as { people?: DemoPerson[] };
    return Array.isArray(body.people) ? body.people : [];
  } catch {
    return [];
  }
}

/** Production: the host product's token for its signed-in user, or null when there is none. */
export async function hostToken(tokenUrl: string): Promise<string | null> {
  const response = await fetch(tokenUrl, { credentials: 'include' });
  if (!response.ok) return null;
  const body = (await response.json()) as { token?: string };
  return body.token ?? null;
}

export interface TokenClaims {
  email: string | null;
  name: string | null;
  emailVerified: boolean | null;
}

/** What a token says of its holder (read, not verified: the server verifies it on every request). */
export function tokenClaims(token: string | null): TokenClaims {
  const none = { email: null, name: null, emailVerified: null };
  if (!token) return none;
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(
      decodeURIComponent(
        Array.from(atob(payload), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
      ),
    ) as { email?: string; name?: string; email_verified?: boolean };
    return {
      email: claims.email ?? null,
      name: claims.name ?? null,
      emailVerified: typeof claims.email_verified === 'boolean' ? claims.email_verified : null,
    };
  } catch {
    return none;
  }
}

/** RFC 8176 methods that are a second factor, as the server counts them (docs/sign-in-policy.md). */
const SECOND_FACTORS = new Set(['mfa', 'otp', 'hwk', 'swk', 'sms', 'fpt', 'face', 'iris', 'retina', 'vbm']);

/**
 * How the token says its holder signed in: whether `amr` names a second factor, and the single
 * sign-on connection it names. Read, not verified: to warn before a change, never to decide one.
 */
export function tokenSignIn(token: string | null, ssoClaim: string): { mfa: boolean; sso: string | null } {
  try {
    const payload = JSON.parse(atob(token!.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >;
    const amr = Array.isArray(payload.amr) ? payload.amr : [];
    const sso = payload[ssoClaim];
    return {
      mfa: amr.some((m) => typeof m === 'string' && SECOND_FACTORS.has(m)),
      sso: typeof sso === 'string' ? sso : null,
    };
  } catch {
    return { mfa: false, sso: null };
  }
}

export function tokenEmail(token: string | null): string | null {
  return tokenClaims(token).email;
}

/** Addresses as the server compares them: trimmed, NFC, lower-cased. */
export function sameAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  const norm = (s: string) => s.trim().normalize('NFC').toLowerCase();
  return Boolean(a && b && norm(a) === norm(b));
}
