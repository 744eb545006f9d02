import { useState } from 'react';
import { useMutation } from 'urql';
import { ErrorMessage, errorCodes, fieldErrors } from '../errors';
import {
  type WebAcceptedMemberFragment,
  type WebMyInvitationFragment,
  WebAcceptInvitationDocument,
  WebCreateOrganizationDocument,
  WebDeclineInvitationDocument,
  WebHomeDocument,
  WebJoinOrganizationDocument,
} from '../generated';
import { formatDate } from '../format';
import { useLiveQuery } from '../live';
import { customRoleDescription, ROLE_LABEL, roleDescription } from '../roles';
import { Link, navigate } from '../router';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/dialog';
import { Empty, Loading } from '../ui/misc';
import { Badge, HeldRoleBadge, RoleBadge } from '../ui/person';
import { InlineForm } from '../ui/inline-form';
import { organizationPath } from '../organization-context';
import { AskToJoinItem, MyRequests } from './home-requests';

/** "the workspace Web in Acme": where an invitation or a membership is. */
export function placeOf(x: {
  organization: { name: string };
  workspace?: { name: string } | null;
  domain?: { hostname: string } | null;
}): string {
  if (x.domain) return `the domain ${x.domain.hostname} in ${x.organization.name}`;
  if (x.workspace) return `the workspace ${x.workspace.name} in ${x.organization.name}`;
  return x.organization.name;
}

/** "You joined the workspace Web in Acme as Admin, until 31 Mar 2027." — from what the server made. */
export function welcomeOf(member: WebAcceptedMemberFragment): string {
  const until = member.expiresAt ? `, until ${formatDate(member.expiresAt)}` : '';
  const stronger =
    member.effectiveRole && member.effectiveRole !== member.role
      ? ` Through a role above, you are ${ROLE_LABEL[member.effectiveRole]} there.`
      : '';
  return `You joined ${placeOf(member)} as ${ROLE_LABEL[member.role]}${until}.${stronger}`;
}

/** The homepage: invitations waiting for me, organizations I may join, my organizations. */
export function Home() {
  const [{ data, error, fetching }, refresh] = useLiveQuery({ query: WebHomeDocument });
  const [created, create] = useMutation(WebCreateOrganizationDocument);
  const [name, setName] = useState('');
  const announce = useAnnounce();
  const me = data?.me;
  const organizations = me?.organizations?.nodes ?? [];
  const joinable = me?.joinableOrganizations ?? [];
  const invitations = me?.pendingInvitations ?? [];
  const requests = me?.accessRequests ?? [];
  // An organization whose sign-in policy this sign-in does not meet says so on its card, not as an error.
  const blockedOnly = errorCodes(error).length > 0 && errorCodes(error).every((code) => code === 'SIGN_IN_POLICY');
  const createErrors = fieldErrors(created.error, { name: 'Name' });

  const submit = async () => {
    const result = await create({ name });
    if (result.data) {
      announce(`${result.data.createOrganization.name} created: you are its Admin.`);
      navigate(organizationPath(result.data.createOrganization.id, 'members'));
    }
  };
  return (
    <>
      <div className="page-header">
        <div>
          <h1 tabIndex={-1}>Your organizations</h1>
          {me && <p className="lede">Signed in as {me.displayName ? `${me.displayName} (${me.email})` : me.email}.</p>}
        </div>
      </div>
      {!blockedOnly && <ErrorMessage error={error} />}
      {fetching && !data && <Loading />}
      {invitations.length > 0 && (
        <section aria-labelledby="invitations-heading" className="card">
          <h2 id="invitations-heading">Invitations waiting for you</h2>
          <ul className="list-plain list-rows">
            {invitations.map((invitation) => (
              <InvitationItem key={invitation.id} invitation={invitation} onAnswered={refresh} />
            ))}
          </ul>
        </section>
      )}
      {joinable.length > 0 && me && (
        <section aria-labelledby="joinable-heading" className="card">
          <h2 id="joinable-heading">Organizations you can join</h2>
          <p className="muted">
            {joinable.every((o) => o.viewerJoinMode === 'REQUEST')
              ? `They let anyone with a verified @${me.email.slice(me.email.lastIndexOf('@') + 1)} address ask to join.`
              : `They let in anyone with a verified @${me.email.slice(me.email.lastIndexOf('@') + 1)} address${joinable.some((o) => o.viewerJoinMode === 'REQUEST') ? ', or let them ask' : ''}.`}
          </p>
          <ul className="list-plain list-rows">
            {joinable.map((organization) =>
              organization.viewerJoinMode === 'REQUEST' ? (
                <AskToJoinItem
                  key={organization.id}
                  organization={organization}
                  pending={
                    requests.find(
                      (r) =>
                        r.status === 'PENDING' && r.scope === 'ORGANIZATION' && r.organization.id === organization.id,
                    ) ?? null
                  }
                  onAsked={refresh}
                />
              ) : (
                <JoinItem key={organization.id} organization={organization} />
              ),
            )}
          </ul>
        </section>
      )}
      <MyRequests requests={requests} onChanged={refresh} />
      <section aria-labelledby="organizations-heading">
        <h2 id="organizations-heading" className="visually-hidden">
          Organizations you belong to
        </h2>
        {me && organizations.length === 0 && (
          <Empty>
            <p>
              You do not belong to an organization yet.
              {joinable.length > 0 && ' You can join one above, or create your own.'}
              {joinable.length === 0 && invitations.length > 0 && ' Accept an invitation above, or create your own.'}
            </p>
          </Empty>
        )}
        {organizations.length > 0 && (
          <ul className="grid list-plain" aria-label="Organizations you belong to">
            {organizations.map((organization) => (
              <li key={organization.id} className="card">
                <div className="card-header">
                  <h3>
                    <Link to={organizationPath(organization.id, 'members')}>{organization.name}</Link>
                  </h3>
                  {organization.viewerRole && <RoleBadge role={organization.viewerRole} />}
                  {organization.viewerSignInRequired && <Badge tone="warning">Sign in again to enter</Badge>}
                </div>
                {organization.viewerSignInRequired && (
                  <p className="small muted">
                    Its sign-in policy asks for more than this sign-in: open it to see what.
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <InlineForm
        className="card toolbar"
        aria-label="Create an organization"
        field={{
          label: 'New organization',
          hint: 'You become its first Admin.',
          required: true,
          maxLength: 100,
          error: createErrors.byField.name,
        }}
        value={name}
        onChange={setName}
        submitLabel="Create organization"
        primary
        busy={created.fetching}
        error={createErrors.others}
        onSubmit={submit}
      />
    </>
  );
}

function InvitationItem(props: { invitation: WebMyInvitationFragment; onAnswered: () => void }) {
  const { invitation } = props;
  const announce = useAnnounce();
  const [accepted, accept] = useMutation(WebAcceptInvitationDocument);
  const [, decline] = useMutation(WebDeclineInvitationDocument);
  const [declining, setDeclining] = useState(false);
  const where = placeOf(invitation);
  return (
    <li>
      <span className="stack-sm">
        <span>
          <HeldRoleBadge role={invitation.role} customRole={invitation.customRole} /> of {where}
          {invitation.accessExpiresAt && (
            <>
              {' '}
              <Badge tone="warning">Access until {formatDate(invitation.accessExpiresAt)}</Badge>
            </>
          )}
        </span>
        <span className="small muted">
          {invitation.invitedBy && `Invited by ${invitation.invitedBy.displayName ?? invitation.invitedBy.email} · `}
          {invitation.customRole
            ? customRoleDescription(invitation.customRole)
            : roleDescription(invitation.role, invitation.scope)}{' '}
          Answer by {formatDate(invitation.expiresAt)}.
        </span>
        <ErrorMessage error={accepted.error} />
      </span>
      <span className="cluster">
        <Button
          variant="primary"
          size="sm"
          busy={accepted.fetching}
          aria-label={`Accept the invitation to ${where}`}
          onClick={async () => {
            const result = await accept({ input: { invitationId: invitation.id } });
            if (result.data) {
              const member = result.data.acceptInvitation;
              announce(`Welcome to ${member.organization.name}! ${welcomeOf(member)}`);
              navigate(organizationPath(member.organization.id, 'members'));
            }
          }}
        >
          Accept
        </Button>
        <Button size="sm" aria-label={`Decline the invitation to ${where}`} onClick={() => setDeclining(true)}>
          Decline
        </Button>
      </span>
      {declining && (
        <ConfirmDialog
          title={`Decline the invitation to ${where}?`}
          confirmLabel="Decline invitation"
          onClose={() => setDeclining(false)}
          onConfirm={async () => {
            const done = await decline({ input: { invitationId: invitation.id } });
            if (done.error) return done.error;
            announce(`You declined the invitation to ${where}.`);
            props.onAnswered();
            return null;
          }}
        >
          <p>
            The invitation ends, and {invitation.invitedBy?.displayName ?? 'whoever invited you'} can see that you
            declined. Joining later takes a new invitation.
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}

function JoinItem(props: { organization: { id: string; name: string } }) {
  const announce = useAnnounce();
  const [joined, join] = useMutation(WebJoinOrganizationDocument);
  return (
    <li>
      <span className="stack-sm">
        <strong>{props.organization.name}</strong>
        <span className="small muted">You would join as Member. {roleDescription('MEMBER', 'ORGANIZATION')}</span>
        <ErrorMessage error={joined.error} />
      </span>
      <Button
        variant="primary"
        size="sm"
        busy={joined.fetching}
        aria-label={`Join ${props.organization.name}`}
        onClick={async () => {
          const result = await join({ organizationId: props.organization.id });
          if (result.data) {
            announce(`You joined ${props.organization.name} as a Member.`);
            navigate(organizationPath(props.organization.id, 'members'));
          }
        }}
      >
        Join
      </Button>
    </li>
  );
}
