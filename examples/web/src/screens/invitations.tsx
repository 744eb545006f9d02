import { useState } from 'react';
import { useMutation } from 'urql';
import { ErrorMessage } from '../errors';
import {
  type DeliveryStatus,
  type WebInvitationRowFragment,
  WebResendInvitationDocument,
  WebRevokeInvitationDocument,
} from '../generated';
import { formatDate, formatRelative } from '../format';
import { useAnnounce } from '../ui/announcer';
import { ConfirmDialog } from '../ui/dialog';
import { RowMenu } from '../ui/menu';
import { Empty } from '../ui/misc';
import { Avatar, Badge, DirectoryBadge, HeldRoleBadge } from '../ui/person';
import type { ScopeView } from '../organization-context';

/**
 * What `Invitation.delivery` can honestly say: the server queued the email, handed it over, or
 * gave up. It cannot say whether it reached an inbox, nor (in development) whether "handed over"
 * meant an SMTP server or the server's log; hence "Sent", never "Delivered".
 */
export const DELIVERY: Record<DeliveryStatus, { label: string; tone: 'info' | 'success' | 'danger' }> = {
  PENDING: { label: 'Queued', tone: 'info' },
  DELIVERED: { label: 'Sent', tone: 'success' },
  FAILED: { label: 'Not sent', tone: 'danger' },
};

/** The scope's pending invitations, with their email's state, resend and revoke. */
export function PendingInvitations(props: {
  scope: ScopeView;
  invitations: readonly WebInvitationRowFragment[];
  onChanged: () => void;
}) {
  const announce = useAnnounce();
  const [resent, resend] = useMutation(WebResendInvitationDocument);
  const [, revoke] = useMutation(WebRevokeInvitationDocument);
  const [revoking, setRevoking] = useState<WebInvitationRowFragment | null>(null);
  return (
    <section aria-labelledby="pending-heading">
      <h3 id="pending-heading">Pending invitations</h3>
      {props.invitations.length === 0 ? (
        <Empty>No invitation to {props.scope.label} is waiting for an answer.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Pending invitations to {props.scope.label}</caption>
            <thead>
              <tr>
                <th scope="col">Invited address</th>
                <th scope="col">Role</th>
                <th scope="col">Email</th>
                <th scope="col">Link valid until</th>
                <th scope="col" className="actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.invitations.map((invitation) => (
                <tr key={invitation.id}>
                  <td className="primary-cell">
                    <div className="person">
                      <Avatar name={invitation.directoryName} email={invitation.email} />
                      <div className="person-text">
                        <span className="person-name">{invitation.directoryName ?? invitation.email}</span>
                        {invitation.directoryName && <span className="person-email">{invitation.email}</span>}
                        <span className="person-email">
                          {invitation.provisioned ? 'Provisioned' : 'Invited'} {formatRelative(invitation.createdAt)}
                          {invitation.invitedBy &&
                            ` by ${invitation.invitedBy.displayName ?? invitation.invitedBy.email}`}
                        </span>
                        {invitation.provisioned && <DirectoryBadge />}
                      </div>
                    </div>
                  </td>
                  <td data-label="Role">
                    <span className="cluster">
                      <HeldRoleBadge role={invitation.role} customRole={invitation.customRole} />
                      {invitation.accessExpiresAt && (
                        <Badge tone="warning">Access until {formatDate(invitation.accessExpiresAt)}</Badge>
                      )}
                    </span>
                  </td>
                  <td data-label="Email">
                    {invitation.provisioned ? (
                      // A directory's invitation sends no email: it waits for the person to sign in.
                      <span className="stack-sm">
                        <Badge tone="info">Waiting for the first sign-in</Badge>
                        <span className="small muted">No email is sent</span>
                      </span>
                    ) : invitation.delivery ? (
                      <span className="cluster">
                        <Badge tone={DELIVERY[invitation.delivery.status].tone}>
                          {DELIVERY[invitation.delivery.status].label}
                        </Badge>
                        {invitation.delivery.attempts > 1 && (
                          <span className="small muted">{invitation.delivery.attempts} attempts</span>
                        )}
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td data-label="Link valid until">
                    {invitation.provisioned ? <span className="muted">No link</span> : formatDate(invitation.expiresAt)}
                  </td>
                  <td className="actions">
                    <RowMenu
                      label={`Actions for the invitation to ${invitation.email}`}
                      items={[
                        invitation.viewerCan.resend && {
                          label: 'Resend invitation',
                          onSelect: async () => {
                            const done = await resend({ id: invitation.id });
                            if (done.data) {
                              announce(
                                `Invitation to ${invitation.email} resent: a new link is on its way, the old one no longer works.`,
                              );
                              props.onChanged();
                            }
                          },
                        },
                        invitation.viewerCan.revoke && {
                          label: 'Revoke invitation…',
                          danger: true,
                          onSelect: () => setRevoking(invitation),
                        },
                      ]}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="table-footer muted">
            “Sent” means the server handed the email over for delivery; whether it reached the inbox is not known here.
            {props.invitations.some((i) => i.provisioned) &&
              ' People your directory provisioned get no email: they join when they first sign in with that address.'}
          </p>
        </div>
      )}
      <ErrorMessage error={resent.error} />
      {revoking && (
        <ConfirmDialog
          title={`Revoke the invitation to ${revoking.email}?`}
          confirmLabel="Revoke invitation"
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            const done = await revoke({ id: revoking.id });
            if (done.error) return done.error;
            announce(`The invitation to ${revoking.email} was revoked; its link no longer works.`);
            props.onChanged();
            return null;
          }}
        >
          {revoking.provisioned ? (
            <p>
              {revoking.email} will not join when they first sign in, and their seat is freed. Your directory
              provisioned them: unless it is unassigned there, the directory may provision them again.
            </p>
          ) : (
            <p>The link in the email to {revoking.email} stops working. You can invite the address again later.</p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
