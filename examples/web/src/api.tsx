import { createContext, useContext } from 'react';
import type { SignInHint } from './session';

/**
 * Where the API is and the bearer token the app sends it: what the screens need to reach the
 * server's other endpoints (`/audit/export`, the SCIM base URL a directory is given) beside
 * GraphQL. Everything is on the GraphQL endpoint's origin and path prefix.
 */
export interface Api {
  graphqlUrl: string;
  token: string | null;
  /** Ends the session and opens the sign-in page asking for what an organization's sign-in policy requires. */
  signInAgain: (hint: SignInHint) => void;
  /** The token claim naming the single sign-on connection (`/config.json`'s `ssoClaim`). */
  ssoClaim: string;
  /** In development, what this machine's server lets be tried (from /config.json); null elsewhere. */
  tryHere?: { webhooks: boolean; emailDomains: boolean } | null;
}

export const ApiContext = createContext<Api>({
  graphqlUrl: '/graphql',
  token: null,
  signInAgain: () => undefined,
  ssoClaim: 'sso_connection',
});

export function useApi(): Api {
  return useContext(ApiContext);
}

/** "https://api.example.com/graphql" + "/scim/v2" → "https://api.example.com/scim/v2". */
export function apiUrl(api: Api, path: string): string {
  const graphql = new URL(api.graphqlUrl, window.location.href);
  const prefix = graphql.pathname.replace(/\/graphql\/?$/, '');
  return new URL(`${prefix}${path}`, graphql.origin).href;
}
