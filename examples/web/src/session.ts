/**
 * Where the API is and who the viewer is. `/config.json` (served beside the app) says where the
 * GraphQL endpoint is and how to get a token: in development the server's sign-in route, which
 * signs a token for any address with the development secret; in production the host product's
 * `tokenUrl`, which answers `{ "token": "…" }` for its signed-in user (with its own cookie).
 */
export interface AppConfig {
  graphqlUrl: string;
  devSignIn: boolean;
  tokenUrl: string | null;
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
  };
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Development only: a token for any address, signed by the server with the development secret. */
export async function devSignIn(input: { email: string; name: string; emailVerified: boolean }): Promise<string> {
  const response = await fetch('/dev/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token) throw new Error(body.error ?? `sign-in answered ${response.status}`);
  return body.token;
}

/** Production: the host product's token for its signed-in user, or null when there is none. */
export async function hostToken(tokenUrl: string): Promise<string | null> {
  const response = await fetch(tokenUrl, { credentials: 'include' });
  if (!response.ok) return null;
  const body = (await response.json()) as { token?: string };
  return body.token ?? null;
}

/** The email a token was issued for (read, not verified: the server verifies it on every request). */
export function tokenEmail(token: string | null): string | null {
  if (!token) return null;
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return (JSON.parse(atob(payload)) as { email?: string }).email ?? null;
  } catch {
    return null;
  }
}
