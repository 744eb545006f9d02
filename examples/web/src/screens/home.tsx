import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorMessage } from '../errors';
import {
  WebAcceptInvitationDocument,
  WebCreateOrganizationDocument,
  WebDeclineInvitationDocument,
  WebHomeDocument,
} from '../generated';
import { ROLE_LABEL } from '../roles';
import { Link, navigate } from '../router';

/** The homepage: my organizations, and the invitations waiting for my answer. */
export function Home() {
  const [{ data, error, fetching }, refetch] = useQuery({ query: WebHomeDocument });
  const [accepted, accept] = useMutation(WebAcceptInvitationDocument);
  const [declined, decline] = useMutation(WebDeclineInvitationDocument);
  const [created, create] = useMutation(WebCreateOrganizationDocument);
  const [name, setName] = useState('');
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const me = data?.me;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({ name });
    if (result.data) navigate(`/organizations/${result.data.createOrganization.id}`);
  };
  return (
    <>
      <h1 tabIndex={-1}>Your homepage</h1>
      <ErrorMessage error={error} />
      {fetching && !data && <p role="status">Loading…</p>}
      <section aria-labelledby="organizations-heading">
        <h2 id="organizations-heading">Your organizations</h2>
        {me && me.organizations?.nodes.length === 0 && <p>You do not belong to an organization yet.</p>}
        <ul>
          {me?.organizations?.nodes.map((organization) => (
            <li key={organization.id}>
              <Link to={`/organizations/${organization.id}`}>{organization.name}</Link>{' '}
              {organization.viewerRole && <span className="badge">{ROLE_LABEL[organization.viewerRole]}</span>}
            </li>
          ))}
        </ul>
        <form onSubmit={submit} className="row">
          <label>
            New organization
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <button type="submit">Create</button>
        </form>
        <ErrorMessage error={created.error} />
      </section>
      <section aria-labelledby="invitations-heading">
        <h2 id="invitations-heading">Invitations waiting for you</h2>
        {me?.pendingInvitations?.length === 0 && <p>No invitation is waiting.</p>}
        <ul>
          {me?.pendingInvitations?.map((invitation) => {
            const where = [invitation.organization.name, invitation.workspace?.name, invitation.domain?.hostname]
              .filter(Boolean)
              .join(' › ');
            return (
              <li key={invitation.id}>
                {ROLE_LABEL[invitation.role]} of {where}{' '}
                <button
                  type="button"
                  onClick={async () => {
                    const result = await accept({ input: { invitationId: invitation.id } });
                    if (result.data) navigate(`/organizations/${result.data.acceptInvitation.organization.id}`);
                  }}
                >
                  Accept
                </button>{' '}
                <button
                  type="button"
                  onClick={async () => {
                    await decline({ input: { invitationId: invitation.id } });
                    reload();
                  }}
                >
                  Decline
                </button>
              </li>
            );
          })}
        </ul>
        <ErrorMessage error={accepted.error ?? declined.error} />
      </section>
    </>
  );
}
