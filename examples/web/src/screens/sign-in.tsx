import { type FormEvent, useEffect, useState } from 'react';
import { ErrorMessage } from '../errors';
import type { Role } from '../generated';
import { ROLE_LABEL } from '../roles';
import {
  type AppConfig,
  type DemoPerson,
  demoPeople,
  devSignIn,
  type DevSignInInput,
  type SignInHint,
} from '../session';
import { Button } from '../ui/button';
import { Checkbox, TextField } from '../ui/fields';
import { Callout } from '../ui/misc';
import { Avatar } from '../ui/person';

/** "organization ADMIN" → "Admin of the organization"; "ADMIN of workspace X" → "Admin of workspace X". */
function humanRole(text: string): string {
  const worded = text.replace(/\b(ADMIN|ACCOUNTING|MEMBER)\b/g, (role) => ROLE_LABEL[role as Role]);
  const match = /^organization (\w+)$/.exec(worded);
  return match ? `${match[1]} of the organization` : worded;
}

/**
 * Development: sign in as anyone — one click for each demo person of `npm run seed`, or any
 * address (the server signs a token with its development secret). Production: the host product
 * signs people in and hands the app a token (`tokenUrl`).
 */
export function SignIn(props: {
  config: AppConfig;
  onSignIn: (token: string) => void;
  email?: string;
  heading?: string;
  /** The accept page asks for one address: no demo list there. */
  showDemoPeople?: boolean;
  /** An organization's sign-in policy sent the person back: what it asks for, filled in. */
  hint?: SignInHint | null;
}) {
  const { hint } = props;
  const [email, setEmail] = useState(props.email ?? hint?.email ?? '');
  // How the person signs in, so that an organization's sign-in policy can be tried locally.
  const [mfa, setMfa] = useState(hint?.mfa ?? false);
  const [sso, setSso] = useState(hint?.sso ?? '');
  const [name, setName] = useState('');
  const [verified, setVerified] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [people, setPeople] = useState<DemoPerson[]>([]);
  const heading = props.heading ?? 'Sign in';
  const showDemo = props.showDemoPeople !== false && props.config.devSignIn;
  useEffect(() => {
    if (showDemo) void demoPeople().then(setPeople);
  }, [showDemo]);
  if (!props.config.devSignIn) {
    return (
      <section aria-labelledby="sign-in-heading" className="narrow">
        <h1 id="sign-in-heading" tabIndex={-1}>
          {heading}
        </h1>
        <p>Sign in to the product that hosts this page, then come back.</p>
      </section>
    );
  }
  const signIn = async (input: DevSignInInput) => {
    setError(null);
    try {
      props.onSignIn(await devSignIn({ ...input, amr: mfa ? ['pwd', 'otp'] : ['pwd'], sso: sso.trim() || undefined }));
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signIn({ email, name, emailVerified: verified });
  };
  return (
    <section aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading" tabIndex={-1}>
        {heading}
      </h1>
      <Callout tone="warning">
        <p>Development sign-in: you can act as anyone. It does not exist in production.</p>
      </Callout>
      {hint && <PolicyHint hint={hint} />}
      {showDemo && people.length > 0 && (
        <section aria-labelledby="demo-heading">
          <h2 id="demo-heading">Sign in as a demo person</h2>
          <p className="muted small">
            The people <code>npm run seed</code> puts in Demo Corp, one per role.
          </p>
          <ul className="demo-people">
            {people.map((person) => (
              <li key={person.email}>
                <button
                  type="button"
                  className="demo-person"
                  onClick={() => void signIn({ email: person.email, name: person.name, emailVerified: true })}
                >
                  <Avatar name={person.name} email={person.email} />
                  <span className="stack-sm">
                    <strong>{person.name}</strong>
                    <span className="small muted">{person.email}</span>
                    <span className="small">{humanRole(person.role)}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <form onSubmit={submit} className="card stack narrow" aria-labelledby="any-heading">
        <h2 id="any-heading">{showDemo && people.length > 0 ? 'Or any address' : 'Your address'}</h2>
        <TextField
          label="Email"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="email"
        />
        <TextField label="Name (optional)" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        <Checkbox
          label="The address is verified"
          hint="Accepting an invitation and joining by email domain need a verified address."
          checked={verified}
          onChange={(e) => setVerified(e.target.checked)}
        />
        <fieldset className="stack-sm">
          <legend className="field-label">How you sign in</legend>
          <Checkbox
            label="With a second factor (MFA)"
            hint='The token says amr ["pwd", "otp"]; without it, ["pwd"]. Also for the demo people above.'
            checked={mfa}
            onChange={(e) => setMfa(e.target.checked)}
          />
          <TextField
            label="Single sign-on connection (optional)"
            hint="The connection the token names, as an organization requiring single sign-on expects it."
            value={sso}
            onChange={(e) => setSso(e.target.value)}
            maxLength={255}
            autoComplete="off"
          />
        </fieldset>
        <div className="form-actions">
          <Button type="submit" variant="primary">
            Sign in
          </Button>
        </div>
      </form>
      <ErrorMessage error={error} />
    </section>
  );
}

/** Why the person is back here: what their organization's sign-in policy asks for. */
function PolicyHint(props: { hint: SignInHint }) {
  const { hint } = props;
  const asks = [hint.sso && `its single sign-on connection (${hint.sso})`, hint.mfa && 'a second factor']
    .filter(Boolean)
    .join(' and ');
  return (
    <Callout tone="info" title={`${hint.organizationName ?? 'Your organization'} asks you to sign in again`}>
      <p>Sign in with {asks}: the choices below are set for it.</p>
    </Callout>
  );
}
