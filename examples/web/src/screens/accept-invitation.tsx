import { useMutation, useQuery } from 'urql';
import { ErrorMessage, errorCodes } from '../errors';
import { WebAcceptInvitationDocument, WebDeclineInvitationDocument, WebInvitationPreviewDocument } from '../generated';
import { formatDate, formatDateTime } from '../format';
import { roleDescription } from '../roles';
import { Link } from '../router';
import { type AppConfig, sameAddress, type TokenClaims } from '../session';
import { Button } from '../ui/button';
import { Callout, Loading } from '../ui/misc';
import { RoleBadge } from '../ui/person';
import { welcomeOf } from './home';
import { organizationPath } from '../organization-context';
import { SignIn } from './sign-in';

/**
 * Where the invitation email's link leads: what the invitation is (no sign-in needed to see it),
 * then "sign in with that address", then accept or decline. Signed in with another address, the
 * page says so before any click (it knows both); the server still decides, and its message shows.
 */
export function AcceptInvitation(props: {
  token: string;
  config: AppConfig;
  signedIn: TokenClaims | null;
  onSignIn: (token: string | null) => void;
}) {
  const [{ data, error, fetching }] = useQuery({
    query: WebInvitationPreviewDocument,
    variables: { token: props.token },
    pause: props.token === '',
  });
  const preview = data?.invitationByToken;
  const signedInAs = props.signedIn?.email ?? null;
  const rightAccount = Boolean(preview && sameAddress(signedInAs, preview.email));
  const [accepted, accept] = useMutation(WebAcceptInvitationDocument);
  const [declined, decline] = useMutation(WebDeclineInvitationDocument);
  if (props.token === '' || (data && !preview)) {
    return (
      <>
        <h1 tabIndex={-1}>Invitation</h1>
        <Callout tone="danger" role="alert">
          <p>This invitation link is not valid. Ask for a new invitation.</p>
        </Callout>
        <Link to="/">Go to your homepage</Link>
      </>
    );
  }
  if (!preview) {
    return (
      <>
        <h1 tabIndex={-1}>Invitation</h1>
        {fetching && <Loading what="the invitation" />}
        <ErrorMessage error={error} />
      </>
    );
  }
  const where = [preview.organizationName, preview.workspaceName, preview.domainHostname].filter(Boolean).join(' › ');
  const scope = preview.domainHostname ? 'DOMAIN' : preview.workspaceName ? 'WORKSPACE' : 'ORGANIZATION';
  const mismatch = errorCodes(accepted.error).includes('EMAIL_MISMATCH');
  const member = accepted.data?.acceptInvitation;
  return (
    <div className="narrow">
      <h1 tabIndex={-1}>Join {preview.organizationName}</h1>
      <div className="card">
        <dl className="details-list preview">
          <dt>Where</dt>
          <dd>{where}</dd>
          <dt>Role</dt>
          <dd>
            <RoleBadge role={preview.role} />
            <span className="small muted" style={{ display: 'block' }}>
              {roleDescription(preview.role, scope)}
            </span>
          </dd>
          <dt>Invited by</dt>
          <dd>{preview.inviterName ?? 'someone in the organization'}</dd>
          <dt>For the address</dt>
          <dd>{preview.email}</dd>
          <dt>Link valid until</dt>
          <dd>{formatDateTime(preview.expiresAt)}</dd>
          <dt>Your access</dt>
          <dd>
            {preview.accessExpiresAt ? `Ends on ${formatDate(preview.accessExpiresAt)}` : 'Does not end by itself'}
          </dd>
        </dl>
      </div>
      {member ? (
        <Callout tone="success" title={`Welcome to ${member.organization.name}!`}>
          <p>{welcomeOf(member)}</p>
          <p>
            <Link to={organizationPath(member.organization.id, 'members')}>Open {member.organization.name}</Link>
          </p>
        </Callout>
      ) : declined.data ? (
        <Callout tone="info">
          <p>You declined the invitation.</p>
        </Callout>
      ) : preview.status !== 'PENDING' ? (
        <Callout tone="warning" role="alert">
          <p>This invitation is {preview.status.toLowerCase()}: it can no longer be answered.</p>
        </Callout>
      ) : !signedInAs ? (
        <SignIn
          config={props.config}
          onSignIn={props.onSignIn}
          email={preview.email}
          heading={`Sign in with ${preview.email}`}
          showDemoPeople={false}
        />
      ) : !rightAccount || mismatch ? (
        <Callout tone="warning" title={`This invitation is for ${preview.email}`}>
          <p>
            You are signed in as <strong>{signedInAs}</strong>, another address. Only {preview.email} can accept it:
            sign in with that address. If it should be this one, ask {preview.inviterName ?? 'the inviter'} to invite{' '}
            {signedInAs} instead.
          </p>
          <ErrorMessage error={accepted.error} />
          <div className="form-actions">
            <Button variant="primary" onClick={() => props.onSignIn(null)}>
              Sign in with {preview.email} instead
            </Button>
          </div>
        </Callout>
      ) : (
        <section aria-labelledby="answer-heading" className="card">
          <h2 id="answer-heading">Your answer</h2>
          <p>
            Signed in as <strong>{signedInAs}</strong>.
          </p>
          {props.signedIn?.emailVerified === false && (
            <Callout tone="warning">
              <p>Your address is not marked as verified: accepting needs a verified address.</p>
            </Callout>
          )}
          <div className="form-actions">
            <Button
              variant="primary"
              busy={accepted.fetching}
              onClick={() => void accept({ input: { token: props.token } })}
            >
              Accept the invitation
            </Button>
            <Button busy={declined.fetching} onClick={() => void decline({ input: { token: props.token } })}>
              Decline
            </Button>
          </div>
          <ErrorMessage error={accepted.error ?? declined.error} />
        </section>
      )}
      <p>
        <Link to="/">Go to your homepage</Link>
      </p>
    </div>
  );
}
