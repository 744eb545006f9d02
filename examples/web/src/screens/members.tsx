import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorMessage } from '../errors';
import {
  type MemberOrderField,
  type OrderDirection,
  type Role,
  type WebInvitationRowFragment,
  type WebMemberPageFragment,
  type WebMemberRowFragment,
  WebChangeRoleDocument,
  WebInviteMembersDocument,
  WebRemoveMemberDocument,
  WebResendInvitationDocument,
  WebRevokeInvitationDocument,
  WebScopeMembersDocument,
} from '../generated';
import { describeSource, ROLE_LABEL } from '../roles';
import type { ScopeView } from './organization';

const PAGE_SIZE = 20;

/**
 * One scope's members: search, role filter, order, keyset pages; each row's controls exactly as
 * the server's `viewerCan` says; the invite dialog offering the roles the server says the viewer
 * may give; the pending invitations with their delivery, resend and revoke.
 */
export function MembersPanel(props: { scope: ScopeView }) {
  const { scope } = props;
  const [query, setQuery] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [order, setOrder] = useState<`${MemberOrderField}:${OrderDirection}`>('JOINED_AT:ASC');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const mayInvite = scope.invitableRoles.length > 0;
  const [field, direction] = order.split(':') as [MemberOrderField, OrderDirection];
  const variables = {
    id: scope.id,
    first: PAGE_SIZE,
    after: cursors[cursors.length - 1],
    role: role === '' ? null : role,
    query: query.trim() === '' ? null : query.trim(),
    orderBy: { field, direction },
    withInvitations: mayInvite,
  };
  const [result, refetch] = useQuery({
    query: WebScopeMembersDocument,
    variables: {
      ...variables,
      isOrganization: scope.kind === 'ORGANIZATION',
      isWorkspace: scope.kind === 'WORKSPACE',
      isDomain: scope.kind === 'DOMAIN',
    },
  });
  const node = result.data?.organization ?? result.data?.workspace ?? result.data?.domain;
  const page: WebMemberPageFragment | null | undefined = node?.members;
  const invitations: readonly WebInvitationRowFragment[] = node?.invitations ?? [];
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const restart = () => setCursors([null]);

  return (
    <div className="members">
      <form className="row filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              restart();
            }}
          />
        </label>
        <label>
          Filter by role
          <select
            value={role}
            onChange={(e) => {
              setRole(e.target.value as Role | '');
              restart();
            }}
          >
            <option value="">Any role</option>
            {(['ADMIN', 'ACCOUNTING', 'MEMBER'] as const).map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort by
          <select
            value={order}
            onChange={(e) => {
              setOrder(e.target.value as typeof order);
              restart();
            }}
          >
            <option value="JOINED_AT:ASC">Joined, oldest first</option>
            <option value="JOINED_AT:DESC">Joined, newest first</option>
            <option value="NAME:ASC">Name, A to Z</option>
            <option value="NAME:DESC">Name, Z to A</option>
            <option value="EMAIL:ASC">Email, A to Z</option>
            <option value="EMAIL:DESC">Email, Z to A</option>
          </select>
        </label>
      </form>
      {mayInvite && <InviteDialog scope={scope} onInvited={reload} />}
      <ErrorMessage error={result.error} />
      {result.fetching && !page && <p role="status">Loading…</p>}
      {page && (
        <>
          <table>
            <caption>
              Members of {scope.label} ({page.totalCount})
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role here</th>
                <th scope="col">Effective role</th>
                <th scope="col">Why</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((member) => (
                <MemberRow key={member.id} member={member} onChanged={reload} />
              ))}
            </tbody>
          </table>
          {page.nodes.length === 0 && <p>No member matches.</p>}
          <div className="row">
            <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous page
            </button>
            <button
              type="button"
              disabled={!page.pageInfo.hasNextPage}
              onClick={() => setCursors([...cursors, page.pageInfo.endCursor ?? null])}
            >
              Next page
            </button>
          </div>
        </>
      )}
      {mayInvite && <PendingInvitations invitations={invitations} onChanged={reload} />}
    </div>
  );
}

function MemberRow(props: { member: WebMemberRowFragment; onChanged: () => void }) {
  const { member } = props;
  const [changed, changeRole] = useMutation(WebChangeRoleDocument);
  const [removed, remove] = useMutation(WebRemoveMemberDocument);
  const [confirming, setConfirming] = useState(false);
  const name = member.user.displayName ?? member.user.email;
  const roles = member.viewerCan.assignableRoles;
  return (
    <tr>
      <td>{member.user.displayName ?? '—'}</td>
      <td>{member.user.email}</td>
      <td>
        {member.viewerCan.changeRole && roles.length > 0 ? (
          <select
            aria-label={`Role of ${name}`}
            value={member.role}
            onChange={async (e) => {
              const result = await changeRole({ memberId: member.id, role: e.target.value as Role });
              if (result.data) props.onChanged();
            }}
          >
            {[...new Set([member.role, ...roles])].map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        ) : (
          ROLE_LABEL[member.role]
        )}
        {member.expiresAt && <div className="note">until {new Date(member.expiresAt).toLocaleDateString()}</div>}
        <ErrorMessage error={changed.error} />
      </td>
      <td>{member.effectiveRole ? ROLE_LABEL[member.effectiveRole] : '—'}</td>
      <td>
        <ul className="sources">
          {member.accessSources.map((source) => (
            <li key={`${source.scope}:${source.role}`}>{describeSource(source)}</li>
          ))}
        </ul>
      </td>
      <td>
        {member.viewerCan.remove &&
          (confirming ? (
            <div role="group" aria-label={`Confirm removing ${name}`}>
              <span>Remove {name}?</span>{' '}
              <button
                type="button"
                onClick={async () => {
                  const result = await remove({ memberId: member.id });
                  setConfirming(false);
                  if (result.data) props.onChanged();
                }}
              >
                Yes, remove
              </button>{' '}
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" onClick={() => setConfirming(true)}>
              Remove {name}
            </button>
          ))}
        <ErrorMessage error={removed.error} />
      </td>
    </tr>
  );
}

/** "Invite a member": one address or a pasted list, one role, a result per address. */
function InviteDialog(props: { scope: ScopeView; onInvited: () => void }) {
  const { scope } = props;
  const [open, setOpen] = useState(false);
  const [addresses, setAddresses] = useState('');
  const [role, setRole] = useState<Role>(scope.invitableRoles.includes('MEMBER') ? 'MEMBER' : scope.invitableRoles[0]);
  const [result, invite] = useMutation(WebInviteMembersDocument);
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Invite a member
      </button>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const emails = addresses
      .split(/[\s,;]+/)
      .map((a) => a.trim())
      .filter(Boolean);
    const sent = await invite({
      input: {
        scope:
          scope.kind === 'ORGANIZATION'
            ? { organizationId: scope.id }
            : scope.kind === 'WORKSPACE'
              ? { workspaceId: scope.id }
              : { domainId: scope.id },
        invitations: emails.map((email) => ({ email, role })),
      },
    });
    if (sent.data && sent.data.inviteMembers.invitedCount > 0) {
      setAddresses('');
      props.onInvited();
    }
  };
  return (
    <section aria-labelledby="invite-heading" className="dialog">
      <h3 id="invite-heading">Invite to {scope.label}</h3>
      <form onSubmit={submit} className="stack">
        <label>
          Email addresses (one, or many separated by lines or commas)
          <textarea value={addresses} onChange={(e) => setAddresses(e.target.value)} rows={3} required />
        </label>
        <label>
          Role to give
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {scope.invitableRoles.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </label>
        <div className="row">
          <button type="submit">Send invitations</button>
          <button type="button" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </form>
      <ErrorMessage error={result.error} />
      {result.data && (
        <ul aria-label="Invitation results" role="status">
          {result.data.inviteMembers.results.map((row) => (
            <li key={row.email}>
              {row.email}: {row.invitation ? 'invited, an email is on its way' : row.error?.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const DELIVERY_LABEL = { PENDING: 'email queued', DELIVERED: 'email delivered', FAILED: 'email failed' } as const;

function PendingInvitations(props: { invitations: readonly WebInvitationRowFragment[]; onChanged: () => void }) {
  const [resent, resend] = useMutation(WebResendInvitationDocument);
  const [revoked, revoke] = useMutation(WebRevokeInvitationDocument);
  return (
    <section aria-labelledby="pending-heading">
      <h3 id="pending-heading">Pending invitations</h3>
      {props.invitations.length === 0 ? (
        <p>No invitation is pending here.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Delivery</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.invitations.map((invitation) => (
              <tr key={invitation.id}>
                <td>{invitation.email}</td>
                <td>{ROLE_LABEL[invitation.role]}</td>
                <td>
                  {invitation.delivery ? DELIVERY_LABEL[invitation.delivery.status] : '—'}
                  {invitation.delivery &&
                    invitation.delivery.attempts > 1 &&
                    ` (${invitation.delivery.attempts} tries)`}
                </td>
                <td>{new Date(invitation.expiresAt).toLocaleDateString()}</td>
                <td>
                  {invitation.viewerCan.resend && (
                    <button
                      type="button"
                      onClick={async () => (await resend({ id: invitation.id })).data && props.onChanged()}
                    >
                      Resend to {invitation.email}
                    </button>
                  )}{' '}
                  {invitation.viewerCan.revoke && (
                    <button
                      type="button"
                      onClick={async () => (await revoke({ id: invitation.id })).data && props.onChanged()}
                    >
                      Revoke invitation of {invitation.email}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorMessage error={resent.error ?? revoked.error} />
    </section>
  );
}
