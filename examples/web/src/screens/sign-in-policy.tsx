import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useApi } from '../api';
import { ErrorMessage, fieldErrors } from '../errors';
import {
  type WebUserFragment,
  WebBreakGlassCandidatesDocument,
  WebSetSignInPolicyDocument,
  WebSignInPolicyDocument,
} from '../generated';
import { formatDateTime } from '../format';
import { tokenSignIn } from '../session';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/dialog';
import { Checkbox, TextField } from '../ui/fields';
import { Callout, Loading } from '../ui/misc';
import { Person } from '../ui/person';
import { useOrganization } from '../organization-context';
import { describeRequirement } from './sign-in-required';

const MAX_BREAK_GLASS = 3;

interface Picked {
  id: string;
  user: WebUserFragment;
}

/**
 * The organization's sign-in policy (docs/sign-in-policy.md): single sign-on through a named
 * connection, a second factor, and up to 3 break-glass members. Saving says first what it does —
 * and, when the viewer's own sign-in would not meet it, that the server will refuse it and why.
 */
export function SignInPolicyPanel() {
  const { organization } = useOrganization();
  const [{ data, error, fetching }, reload] = useQuery({
    query: WebSignInPolicyDocument,
    variables: { id: organization.id },
  });
  const policy = data?.organization?.signInPolicy;
  if (!policy) {
    return (
      <div className="card narrow">
        <h3>Sign-in policy</h3>
        {fetching && <Loading />}
        <ErrorMessage error={error} />
      </div>
    );
  }
  return (
    <PolicyForm
      key={policy.updatedAt ?? 'none'}
      saved={policy}
      onSaved={() => reload({ requestPolicy: 'network-only' })}
    />
  );
}

function PolicyForm(props: {
  saved: {
    requireSso: boolean;
    ssoConnection?: string | null;
    requireMfa: boolean;
    breakGlass: readonly Picked[];
    updatedAt?: string | null;
  };
  onSaved: () => void;
}) {
  const { saved } = props;
  const { organization, viewer } = useOrganization();
  const api = useApi();
  const announce = useAnnounce();
  const [requireSso, setRequireSso] = useState(saved.requireSso);
  const [connection, setConnection] = useState(saved.ssoConnection ?? '');
  const [requireMfa, setRequireMfa] = useState(saved.requireMfa);
  const [breakGlass, setBreakGlass] = useState<Picked[]>([...saved.breakGlass]);
  const [search, setSearch] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [result, save] = useMutation(WebSetSignInPolicyDocument);
  const [candidates] = useQuery({
    query: WebBreakGlassCandidatesDocument,
    variables: { id: organization.id, query: search.trim() || null },
    pause: search.trim().length === 0,
  });
  // The viewer's own organization membership: naming themself break-glass keeps them in.
  const [own] = useQuery({
    query: WebBreakGlassCandidatesDocument,
    variables: { id: organization.id, query: viewer.email },
  });
  const ownMembership = own.data?.organization?.members?.nodes.find((m) => m.user.id === viewer.id) ?? null;
  const errors = fieldErrors(result.error, {
    ssoConnection: 'Connection',
    breakGlassMemberIds: 'Break-glass members',
  });

  const mine = tokenSignIn(api.token, api.ssoClaim);
  const isBreakGlass = breakGlass.some((b) => b.user.id === viewer.id);
  const lacking = {
    requireSso: requireSso && mine.sso !== connection.trim(),
    requireMfa: requireMfa && !mine.mfa,
    ssoConnection: connection.trim() || null,
  };
  const wouldLockOut = !isBreakGlass && (lacking.requireSso || lacking.requireMfa);
  const unchanged =
    requireSso === saved.requireSso &&
    (connection.trim() || null) === (saved.ssoConnection ?? null) &&
    requireMfa === saved.requireMfa &&
    breakGlass.map((b) => b.id).join() === saved.breakGlass.map((b) => b.id).join();
  const found = (candidates.data?.organization?.members?.nodes ?? []).filter(
    (m) => !breakGlass.some((b) => b.id === m.id),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setConfirming(true);
  };
  const required = describeRequirement({ requireSso, requireMfa, ssoConnection: connection.trim() || null });
  return (
    <>
      <form className="card narrow stack" onSubmit={submit} aria-labelledby="policy-heading">
        <h3 id="policy-heading">Sign-in policy</h3>
        <p className="small muted">
          How people must sign in to reach {organization.name}, its workspaces and domains. It applies from each
          person&rsquo;s next request, whatever their session.
          {saved.updatedAt && ` Last changed ${formatDateTime(saved.updatedAt)}.`}
        </p>
        <Checkbox
          label="Require single sign-on"
          hint="Only sign-ins through your identity provider's connection get in."
          checked={requireSso}
          onChange={(e) => setRequireSso(e.target.checked)}
        />
        {requireSso && (
          <TextField
            label="Connection"
            hint="The connection name your identity provider puts in its tokens (docs/sign-in-policy.md)."
            value={connection}
            onChange={(e) => setConnection(e.target.value)}
            required
            maxLength={255}
            autoComplete="off"
            error={errors.byField.ssoConnection}
          />
        )}
        <Checkbox
          label="Require a second factor (MFA)"
          hint="Only sign-ins that passed a second factor (an authenticator app, a security key, a code) get in."
          checked={requireMfa}
          onChange={(e) => setRequireMfa(e.target.checked)}
        />
        <fieldset className="stack-sm">
          <legend className="field-label">
            Break-glass members ({breakGlass.length} of {MAX_BREAK_GLASS})
          </legend>
          <span className="hint">
            They get in without meeting the policy — for when the identity provider is down. Each of their visits is in
            the audit log.
          </span>
          {breakGlass.length > 0 && (
            <ul className="list-plain list-rows" aria-label="Break-glass members">
              {breakGlass.map((b) => (
                <li key={b.id}>
                  <Person user={b.user} isYou={b.user.id === viewer.id} />
                  <Button
                    size="sm"
                    aria-label={`Remove ${b.user.displayName ?? b.user.email} from break-glass`}
                    onClick={() => setBreakGlass((list) => list.filter((x) => x.id !== b.id))}
                  >
                    Remove
                  </Button>
                </li>
              ))}
            </ul>
          )}
          {breakGlass.length < MAX_BREAK_GLASS && (
            <>
              <TextField
                label="Find a member"
                hint="By name or address."
                type="search"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                autoComplete="off"
              />
              {found.length > 0 && (
                <ul className="list-plain list-rows" aria-label="Members found">
                  {found.map((m) => (
                    <li key={m.id}>
                      <Person user={m.user} isYou={m.user.id === viewer.id} />
                      <Button
                        size="sm"
                        aria-label={`Add ${m.user.displayName ?? m.user.email} as break-glass`}
                        onClick={() => {
                          setBreakGlass((list) => [...list, m]);
                          setSearch('');
                        }}
                      >
                        Add
                      </Button>
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
          {errors.byField.breakGlassMemberIds && <p className="field-error">{errors.byField.breakGlassMemberIds}</p>}
        </fieldset>
        <ErrorMessage error={errors.others} />
        <div className="form-actions">
          <Button type="submit" variant="primary" disabled={unchanged || (requireSso && connection.trim() === '')}>
            Save sign-in policy…
          </Button>
        </div>
      </form>
      {confirming && (
        <ConfirmDialog
          title="Save the sign-in policy?"
          confirmLabel="Save sign-in policy"
          tone="primary"
          confirmDisabled={wouldLockOut}
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            const done = await save({
              id: organization.id,
              input: {
                requireSso,
                ssoConnection: connection.trim() || null,
                requireMfa,
                breakGlassMemberIds: breakGlass.map((b) => b.id),
              },
            });
            if (done.error) return done.error;
            announce(
              required
                ? `${organization.name} now asks everyone to sign in ${required}.`
                : `${organization.name} no longer asks for a way of signing in.`,
            );
            props.onSaved();
            return null;
          }}
        >
          <p>
            {required
              ? `From their next request, everyone in ${organization.name} who did not sign in ${required} is shown why and asked to sign in again; their memberships stay.`
              : `Anyone in ${organization.name} gets in however they signed in.`}
            {breakGlass.length > 0 &&
              ` ${breakGlass.map((b) => b.user.displayName ?? b.user.email).join(', ')} get in regardless.`}
          </p>
          {wouldLockOut && (
            <Callout tone="danger" role="alert" title="This would lock you out">
              <p>
                You signed in this time{' '}
                {[lacking.requireSso && 'without that connection', lacking.requireMfa && 'without a second factor']
                  .filter(Boolean)
                  .join(' and ')}
                . Under this policy you could not reach {organization.name} — nor change the policy back — so the server
                refuses it.
              </p>
              <p>Sign in again {describeRequirement(lacking)} first, or name yourself a break-glass member.</p>
              <div className="cluster">
                {ownMembership && breakGlass.length < MAX_BREAK_GLASS && (
                  <Button size="sm" onClick={() => setBreakGlass((list) => [...list, ownMembership])}>
                    Name me break-glass
                  </Button>
                )}
                <Button
                  size="sm"
                  onClick={() =>
                    api.signInAgain({
                      email: viewer.email,
                      organizationName: organization.name,
                      mfa: requireMfa,
                      sso: requireSso ? connection.trim() : null,
                    })
                  }
                >
                  Sign in again
                </Button>
              </div>
            </Callout>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
