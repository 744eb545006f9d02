import { type FormEvent, useState } from 'react';
import { ErrorMessage } from '../errors';
import { type AppConfig, devSignIn } from '../session';

/**
 * Development: sign in as anyone, by email (the server signs a token with its development
 * secret). Production: the host product signs people in and hands the app a token (`tokenUrl`).
 */
export function SignIn(props: {
  config: AppConfig;
  onSignIn: (token: string) => void;
  email?: string;
  heading?: string;
}) {
  const [email, setEmail] = useState(props.email ?? '');
  const [name, setName] = useState('');
  const [verified, setVerified] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const heading = props.heading ?? 'Sign in';
  if (!props.config.devSignIn) {
    return (
      <section aria-labelledby="sign-in-heading">
        <h1 id="sign-in-heading" tabIndex={-1}>
          {heading}
        </h1>
        <p>Sign in to the product that hosts this page, then come back.</p>
      </section>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      props.onSignIn(await devSignIn({ email, name, emailVerified: verified }));
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <section aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading" tabIndex={-1}>
        {heading}
      </h1>
      <p className="note">Development sign-in: you can act as anyone. It does not exist in production.</p>
      <form onSubmit={submit} className="stack">
        <label>
          Email
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
        </label>
        <label>
          Name (optional)
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        </label>
        <label className="inline">
          <input type="checkbox" checked={verified} onChange={(e) => setVerified(e.target.checked)} />
          The address is verified
        </label>
        <button type="submit">Sign in</button>
      </form>
      <ErrorMessage error={error} />
    </section>
  );
}
