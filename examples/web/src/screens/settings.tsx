import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorMessage, fieldErrors } from '../errors';
import {
  WebDeleteOrganizationDocument,
  WebLeaveOrganizationDocument,
  WebRenameOrganizationDocument,
  WebSuccessorsDocument,
} from '../generated';
import { ROLE_LABEL } from '../roles';
import { navigate } from '../router';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/dialog';
import { SelectField, TextField } from '../ui/fields';
import { Callout, Loading } from '../ui/misc';
import { type Frame, SectionHeading, useOrganization } from '../organization-context';
import { SignInPolicyPanel } from './sign-in-policy';

/** The organization's name, leaving it, and deleting it: each for those the server lets. */
export function SettingsSection() {
  const { organization, can } = useOrganization();
  const [leaving, setLeaving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  return (
    <section aria-labelledby="section-heading">
      <SectionHeading>Settings</SectionHeading>
      {can('UPDATE') && <RenameOrganization />}
      {can('UPDATE') && <SignInPolicyPanel />}
      <div className="card narrow" role="group" aria-labelledby="leave-heading">
        <h3 id="leave-heading">Leave {organization.name}</h3>
        <p>
          You lose access to {organization.name} and to every workspace and domain in it.
          {organization.viewerRole === 'ADMIN' && ' As an Admin, you can hand over to someone as you go.'}
        </p>
        <Button variant="danger" onClick={() => setLeaving(true)}>
          Leave {organization.name}…
        </Button>
      </div>
      {can('DELETE') && (
        <div className="card narrow danger-zone" role="group" aria-labelledby="delete-heading">
          <h3 id="delete-heading">Delete {organization.name}</h3>
          <p>Everything in it goes: workspaces, domains, memberships, invitations, billing details and webhooks.</p>
          <Button variant="danger" onClick={() => setDeleting(true)}>
            Delete organization…
          </Button>
        </div>
      )}
      {leaving && <LeaveDialog organization={organization} onClose={() => setLeaving(false)} />}
      {deleting && <DeleteOrganizationDialog organization={organization} onClose={() => setDeleting(false)} />}
    </section>
  );
}

function RenameOrganization() {
  const { organization, refresh } = useOrganization();
  const announce = useAnnounce();
  const [name, setName] = useState(organization.name);
  const [result, rename] = useMutation(WebRenameOrganizationDocument);
  const errors = fieldErrors(result.error, { name: 'Name' });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await rename({ id: organization.id, name });
    if (done.data) {
      setName(done.data.updateOrganization.name);
      announce(`The organization is now called ${done.data.updateOrganization.name}.`);
      refresh();
    }
  };
  return (
    <form className="card narrow stack" onSubmit={submit} aria-labelledby="rename-heading">
      <h3 id="rename-heading">Name</h3>
      <TextField
        label="Organization name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
        maxLength={100}
        error={errors.byField.name}
      />
      <ErrorMessage error={errors.others} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={result.fetching} disabled={name.trim() === organization.name}>
          Save name
        </Button>
      </div>
    </form>
  );
}

/**
 * Leaving: says what goes, and for an Admin offers a successor, who becomes Admin in the same
 * step; the last Admin must name one (the server refuses otherwise, with LAST_ADMIN).
 */
export function LeaveDialog(props: { organization: Frame; onClose: () => void }) {
  const { organization } = props;
  const { viewer } = useOrganization();
  const announce = useAnnounce();
  const isAdmin = organization.viewerRole === 'ADMIN';
  const [{ data, fetching }] = useQuery({
    query: WebSuccessorsDocument,
    variables: { id: organization.id },
    pause: !isAdmin,
    requestPolicy: 'network-only',
  });
  const [, leave] = useMutation(WebLeaveOrganizationDocument);
  const [successor, setSuccessor] = useState('');
  const others = (data?.organization?.members?.nodes ?? []).filter((m) => m.user.id !== viewer.id);
  const lastAdmin = isAdmin && data?.organization?.admins?.totalCount === 1;
  const candidates = others.filter((m) => m.role !== 'ADMIN');
  return (
    <ConfirmDialog
      title={`Leave ${organization.name}?`}
      confirmLabel={`Leave ${organization.name}`}
      confirmDisabled={lastAdmin && successor === ''}
      onClose={props.onClose}
      onConfirm={async () => {
        const done = await leave({ organizationId: organization.id, successorMemberId: successor || null });
        if (done.error) return done.error;
        const heir = others.find((m) => m.id === successor);
        announce(
          heir
            ? `You left ${organization.name}; ${heir.user.displayName ?? heir.user.email} is now an Admin.`
            : `You left ${organization.name}.`,
        );
        navigate('/');
        return null;
      }}
    >
      <p>
        You lose access to {organization.name} and everything in it: your workspace and domain memberships go, and the
        pending invitations you sent are revoked. To come back, someone must invite you.
      </p>
      {isAdmin && fetching && !data && <Loading />}
      {isAdmin && data && (
        <>
          {lastAdmin && (
            <Callout tone="warning" title="You are the last Admin">
              <p>
                {candidates.length > 0
                  ? 'Name who takes over: they become Admin as you leave.'
                  : 'Nobody else is in the organization to take over: delete it instead, or invite someone first.'}
              </p>
            </Callout>
          )}
          {candidates.length > 0 && (
            <SelectField
              label={lastAdmin ? 'Hand over to' : 'Hand over to (optional)'}
              hint="They become Admin of the organization in the same step."
              value={successor}
              onChange={(e) => setSuccessor(e.target.value)}
              required={lastAdmin}
              data-autofocus
            >
              <option value="">{lastAdmin ? 'Choose someone' : 'Nobody'}</option>
              {candidates.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.user.displayName ? `${m.user.displayName} (${m.user.email})` : m.user.email} — {ROLE_LABEL[m.role]}
                </option>
              ))}
            </SelectField>
          )}
        </>
      )}
    </ConfirmDialog>
  );
}

function DeleteOrganizationDialog(props: { organization: Frame; onClose: () => void }) {
  const { organization } = props;
  const announce = useAnnounce();
  const [typed, setTyped] = useState('');
  const [, remove] = useMutation(WebDeleteOrganizationDocument);
  return (
    <ConfirmDialog
      title={`Delete ${organization.name}?`}
      confirmLabel="Delete organization"
      confirmDisabled={typed.trim() !== organization.name}
      onClose={props.onClose}
      onConfirm={async () => {
        const done = await remove({ id: organization.id });
        if (done.error) return done.error;
        announce(`${organization.name} was deleted.`);
        navigate('/');
        return null;
      }}
    >
      <p>
        This deletes {organization.name} with its workspaces, domains, memberships, invitations, billing details, email
        domains and webhooks, for everyone. It cannot be undone.
      </p>
      <TextField
        label={`Type ${organization.name} to confirm`}
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        autoComplete="off"
        data-autofocus
      />
    </ConfirmDialog>
  );
}
