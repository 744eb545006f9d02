import { StrictMode, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { cacheExchange, Client, fetchExchange, Provider } from 'urql';
import { AcceptInvitation } from './screens/accept-invitation';
import { Home } from './screens/home';
import { OrganizationScreen } from './screens/organization';
import { SignIn } from './screens/sign-in';
import { Link, useLocation } from './router';
import { type AppConfig, hostToken, loadAppConfig, storedToken, storeToken, tokenEmail } from './session';
import './styles.css';

function App(props: { config: AppConfig }) {
  const { config } = props;
  const [token, setToken] = useState<string | null>(storedToken());
  const location = useLocation();
  const client = useMemo(
    () =>
      new Client({
        url: config.graphqlUrl,
        exchanges: [cacheExchange, fetchExchange],
        // POST for queries too: Apollo Server refuses GETs without a preflight header (CSRF prevention).
        preferGetMethod: false,
        // Every answer reflects the latest change: screens re-read after their own mutations.
        requestPolicy: 'cache-and-network',
        fetchOptions: (): RequestInit => ({ headers: token ? { authorization: `Bearer ${token}` } : {} }),
      }),
    [config.graphqlUrl, token],
  );
  useEffect(() => {
    if (token || !config.tokenUrl) return;
    void hostToken(config.tokenUrl).then((found) => found && signIn(found));
  }, [config.tokenUrl, token]);

  const signIn = (next: string | null) => {
    storeToken(next);
    setToken(next);
  };
  // Focus moves to the new screen's heading, so that screen readers announce where one is.
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    main.current?.querySelector('h1')?.focus();
  }, [location.pathname]);

  const path = location.pathname;
  const organizationId = /^\/organizations\/([^/]+)/.exec(path)?.[1];
  let screen;
  if (path === '/invitations/accept') {
    screen = (
      <AcceptInvitation
        token={location.searchParams.get('token') ?? ''}
        config={config}
        signedInAs={tokenEmail(token)}
        onSignIn={signIn}
      />
    );
  } else if (!token) {
    screen = <SignIn config={config} onSignIn={signIn} />;
  } else if (organizationId) {
    screen = <OrganizationScreen id={decodeURIComponent(organizationId)} />;
  } else {
    screen = <Home />;
  }
  return (
    <Provider value={client}>
      <header className="top">
        <Link to="/">Membership</Link>
        {token && (
          <span className="who">
            Signed in as <strong>{tokenEmail(token)}</strong>{' '}
            <button type="button" onClick={() => signIn(null)}>
              Sign out
            </button>
          </span>
        )}
      </header>
      <main ref={main} key={`${path}|${token ?? ''}`}>
        {screen}
      </main>
    </Provider>
  );
}

void loadAppConfig().then(
  (config) =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    ),
  (error: Error) => {
    document.getElementById('root')!.textContent = `The app could not start: ${error.message}`;
  },
);
