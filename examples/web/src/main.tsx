import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { cacheExchange, Client, fetchExchange, mapExchange, Provider } from 'urql';
import { ApiContext } from './api';
import { AcceptInvitation } from './screens/accept-invitation';
import { Home } from './screens/home';
import { OrganizationScreen } from './screens/organization';
import { SignIn } from './screens/sign-in';
import { Link, useLocation } from './router';
import {
  type AppConfig,
  hostToken,
  type SignInHint,
  loadAppConfig,
  onTokenChange,
  storedToken,
  storeToken,
  tokenClaims,
} from './session';
import { AnnouncerProvider, useAnnounce } from './ui/announcer';
import { Button } from './ui/button';
import './styles.css';

type Route =
  | { kind: 'accept'; token: string }
  | { kind: 'organization'; id: string; section: string | null }
  | { kind: 'home' }
  | { kind: 'not-found' };

function routeOf(url: URL): Route {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/invitations/accept') return { kind: 'accept', token: url.searchParams.get('token') ?? '' };
  const organization = /^\/organizations\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (organization) {
    return { kind: 'organization', id: decodeURIComponent(organization[1]), section: organization[2] ?? null };
  }
  return path === '/' ? { kind: 'home' } : { kind: 'not-found' };
}

function App(props: { config: AppConfig }) {
  const { config } = props;
  const [token, setToken] = useState<string | null>(storedToken());
  // Set when an organization's sign-in policy sent the person back to sign in (what it asks for).
  const [hint, setHint] = useState<SignInHint | null>(null);
  const location = useLocation();
  const announce = useAnnounce();
  const signIn = (next: string | null) => {
    storeToken(next);
    setToken(next);
  };
  // One session for every tab: another tab's sign-in or sign-out applies here too.
  useEffect(() => onTokenChange(setToken), []);
  const client = useMemo(
    () =>
      new Client({
        url: config.graphqlUrl,
        exchanges: [
          cacheExchange,
          // A token the server refuses (expired, or signed by another key) ends the session.
          mapExchange({
            onError(error) {
              const refused = error.graphQLErrors.find(
                (e) => e.extensions?.code === 'UNAUTHENTICATED' && e.extensions?.reason,
              );
              if (refused && token) {
                signIn(null);
                // An erased person's session did not just end: signing in again will not help.
                announce(
                  refused.extensions.reason === 'USER_ERASED'
                    ? 'You were signed out: this account was erased from the membership service, with its memberships.'
                    : 'Your session ended: sign in again.',
                  'error',
                );
              }
            },
          }),
          fetchExchange,
        ],
        // POST for queries too: Apollo Server refuses GETs without a preflight header (CSRF prevention).
        preferGetMethod: false,
        // Cached answers show at once, and the network's follow.
        requestPolicy: 'cache-and-network',
        fetchOptions: (): RequestInit => ({ headers: token ? { authorization: `Bearer ${token}` } : {} }),
      }),
    [config.graphqlUrl, token],
  );
  useEffect(() => {
    if (token || !config.tokenUrl) return;
    void hostToken(config.tokenUrl).then((found) => found && signIn(found));
  }, [config.tokenUrl, token]);

  const api = useMemo(
    () => ({
      graphqlUrl: config.graphqlUrl,
      token,
      ssoClaim: config.ssoClaim,
      tryHere: config.tryHere,
      signInAgain: (next: SignInHint) => {
        setHint(next);
        signIn(null);
      },
    }),
    [config.graphqlUrl, config.ssoClaim, config.tryHere, token],
  );
  const route = routeOf(location);
  const claims = tokenClaims(token);
  // Focus moves to a new screen's heading, so that screen readers say where one is; within an
  // organization, moving between sections focuses the section's heading instead.
  const screenKey = route.kind === 'organization' ? `organization:${route.id}` : route.kind;
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [screenKey, token]);
  useEffect(() => {
    const heading = document.querySelector('main h1')?.textContent;
    document.title = heading ? `${heading} · Membership` : 'Membership';
  });

  let screen;
  if (route.kind === 'accept') {
    screen = (
      <AcceptInvitation token={route.token} config={config} signedIn={token ? claims : null} onSignIn={signIn} />
    );
  } else if (!token) {
    screen = (
      <SignIn
        config={config}
        hint={hint}
        onSignIn={(next) => {
          setHint(null);
          signIn(next);
        }}
      />
    );
  } else if (route.kind === 'organization') {
    screen = <OrganizationScreen id={route.id} section={route.section} />;
  } else if (route.kind === 'home') {
    screen = <Home />;
  } else {
    screen = (
      <>
        <h1 tabIndex={-1}>This page does not exist</h1>
        <Link to="/">Go to your organizations</Link>
      </>
    );
  }
  return (
    <Provider value={client}>
      <ApiContext.Provider value={api}>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="app-header">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">
              M
            </span>
            Membership
          </Link>
          {token && (
            <span className="who">
              <span>
                Signed in as <strong>{claims.email}</strong>
              </span>
              <Button variant="ghost" size="sm" onClick={() => signIn(null)}>
                Sign out
              </Button>
            </span>
          )}
        </header>
        <main id="main" key={`${screenKey}|${token ?? ''}`}>
          {screen}
        </main>
      </ApiContext.Provider>
    </Provider>
  );
}

void loadAppConfig().then(
  (config) =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <AnnouncerProvider>
          <App config={config} />
        </AnnouncerProvider>
      </StrictMode>,
    ),
  (error: Error) => {
    document.getElementById('root')!.textContent = `The app could not start: ${error.message}`;
  },
);
