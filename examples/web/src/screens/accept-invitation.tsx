import { useMutation, useQuery } from 'urql';
import { ErrorMessage, errorCodes } from '../errors';
import { WebAcceptInvitationDocument, WebDeclineInvitationDocument, WebInvitationPreviewDocument } from '../generated';
import { ROLE_LABEL } from '../roles';
import { Link, navigate } from '../router';
import type { AppConfig } from '../session';
import { SignIn } from './sign-in';

/**
 * Where the invitation email's link leads: what the invitation is (no sign-in needed to see it),
 * then "sign in with that address", then accept or decline. The server decides: a wrong address
 * is EMAIL_MISMATCH, an unverified one EMAIL_NOT_VERIFIED, and so on; its message is shown.
 */
export function AcceptInvitation(props: {
  token: string;
  config: AppConfig;
  signedInAs: string | null;
  onSignIn: (token: string | null) => void;
}) {
  const [{ data, error, fetching }] = useQuery({
    query: WebInvitationPreviewDocument,
    variables: { token: props.token },
    pause: props.token === '',
  });
  const [accepted, accept] = useMutation(WebAcceptInvitationDocument);
  const [declined, decline] = useMutation(WebDeclineInvitationDocument);
  const preview = data?.invitationByToken;
  if (props.token === '' || (data && !preview)) {
    return (
      <>
        <h1 tabIndex={-1}>Invitation</h1>
        <p role="alert">This invitation link is not valid. Ask for a new invitation.</p>
      </>
    );
  }
  if (!preview) {
    return (
      <>
        <h1 tabIndex={-1}>Invitation</h1>
        {fetching && <p role="status">Loading…</p>}
        <ErrorMessage error={error} />
      </>
    );
  }
  const where = [preview.organizationName, preview.workspaceName, preview.domainHostname].filter(Boolean).join(' › ');
  const mismatch = errorCodes(accepted.error).includes('EMAIL_MISMATCH');
  return (
    <>
      <h1 tabIndex={-1}>Join {preview.organizationName}</h1>
      <dl className="preview">
        <dt>Where</dt>
        <dd>{where}</dd>
        <dt>Role</dt>
        <dd>{ROLE_LABEL[preview.role]}</dd>
        <dt>Invited by</dt>
        <dd>{preview.inviterName ?? 'someone in the organization'}</dd>
        <dt>For the address</dt>
        <dd>{preview.email}</dd>
        <dt>Expires</dt>
        <dd>{new Date(preview.expiresAt).toLocaleString()}</dd>
      </dl>
      {preview.status !== 'PENDING' ? (
        <p role="alert">This invitation is {preview.status.toLowerCase()}: it can no longer be answered.</p>
      ) : !props.signedInAs ? (
        <SignIn
          config={props.config}
          onSignIn={props.onSignIn}
          email={preview.email}
          heading={`Sign in with ${preview.email}`}
        />
      ) : accepted.data ? (
        <p role="status">
          Welcome! You are now a member.{' '}
          <Link to={`/organizations/${accepted.data.acceptInvitation.organization.id}`}>
            Open {preview.organizationName}
          </Link>
        </p>
      ) : declined.data ? (
        <p role="status">You declined the invitation.</p>
      ) : (
        <section aria-labelledby="answer-heading">
          <h2 id="answer-heading">Your answer</h2>
          <p>
            Signed in as <strong>{props.signedInAs}</strong>.
          </p>
          <div className="row">
            <button type="button" onClick={() => void accept({ input: { token: props.token } })}>
              Accept the invitation
            </button>
            <button type="button" onClick={() => void decline({ input: { token: props.token } })}>
              Decline
            </button>
          </div>
          <ErrorMessage error={accepted.error ?? declined.error} />
          {mismatch && (
            <button type="button" onClick={() => props.onSignIn(null)}>
              Sign in with {preview.email} instead
            </button>
          )}
        </section>
      )}
      <p>
        <a href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
          Go to your homepage
        </a>
      </p>
    </>
  );
}
