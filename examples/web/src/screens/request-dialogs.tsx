import { useState } from 'react';
import { useMutation } from 'urql';
import {
  type WebAccessRequestFragment,
  WebApproveAccessRequestDocument,
  WebDenyAccessRequestDocument,
} from '../generated';
import { endOfDay, formatDate } from '../format';
import { useAnnounce } from '../ui/announcer';
import { ConfirmDialog } from '../ui/dialog';
import { TextareaField } from '../ui/fields';
import { Callout } from '../ui/misc';
import { type ScopeView, useOrganization } from '../organization-context';
import { requestPlace } from '../access-requests';
import { GrantFields, useGrantChoice } from './grant-fields';

const MAX_REASON = 500;

/** The scope a request is for, as the screens act on it (null when the viewer's frame lacks it). */
function useRequestScope(request: WebAccessRequestFragment): ScopeView | null {
  const { organizationScope, workspaceScopes, domainScopes } = useOrganization();
  if (request.domain) return domainScopes.find((s) => s.id === request.domain!.id) ?? null;
  if (request.workspace) return workspaceScopes.find((s) => s.id === request.workspace!.id) ?? null;
  return organizationScope;
}

const nameOf = (request: WebAccessRequestFragment) => request.requester.displayName ?? request.requester.email;

/**
 * Approving a request: the role (those the viewer may invite with at the request's scope, custom
 * roles where they are its Admin, as in the invite dialog) and an optional last day of access.
 * The server applies every rule of an invitation (seats, the role ceiling) and says why not.
 */
export function ApproveRequestDialog(props: {
  request: WebAccessRequestFragment;
  onDone: () => void;
  onClose: () => void;
}) {
  const { request } = props;
  const { seats } = useOrganization();
  const scope = useRequestScope(request);
  const announce = useAnnounce();
  const grant = useGrantChoice(scope);
  const { roles, role, customRoleId, roleName, limited, until } = grant;
  const [, approve] = useMutation(WebApproveAccessRequestDocument);
  const who = nameOf(request);
  const place = requestPlace(request);
  const newSeat = request.scope === 'ORGANIZATION';
  const seatsLeft = seats === null || seats.limit === null ? null : Math.max(0, seats.limit - seats.used);
  return (
    <ConfirmDialog
      title={`Approve ${who}?`}
      confirmLabel={`Approve as ${roleName}`}
      tone="primary"
      confirmDisabled={roles.length === 0}
      onClose={props.onClose}
      onConfirm={async () => {
        const done = await approve({
          input: { id: request.id, role, customRoleId, accessExpiresAt: grant.accessExpiresAt },
        });
        if (done.error) return done.error;
        announce(`${who} joined ${place} as ${roleName}${limited ? `, until ${formatDate(endOfDay(until))}` : ''}.`);
        props.onDone();
        return null;
      }}
    >
      <p>
        {who} ({request.requester.email}) becomes a member of {place} at once, and is emailed the decision.
      </p>
      {request.message && (
        <blockquote className="small">
          <q>{request.message}</q>
        </blockquote>
      )}
      {newSeat && seatsLeft !== null && (
        <Callout tone={seatsLeft === 0 ? 'warning' : 'info'}>
          <p>
            {seats?.used} of {seats?.limit} seats used: {seatsLeft === 0 ? 'no seat is left.' : `${seatsLeft} left.`}
          </p>
        </Callout>
      )}
      {roles.length === 0 ? (
        <Callout tone="warning">
          <p>You cannot give a role in {place}.</p>
        </Callout>
      ) : (
        <div className="stack">
          <GrantFields grant={grant} name="approve-role" />
        </div>
      )}
    </ConfirmDialog>
  );
}

/** Denying a request, with an optional reason (at most 500 characters) that the requester reads. */
export function DenyRequestDialog(props: {
  request: WebAccessRequestFragment;
  onDone: () => void;
  onClose: () => void;
}) {
  const { request } = props;
  const announce = useAnnounce();
  const [reason, setReason] = useState('');
  const [, deny] = useMutation(WebDenyAccessRequestDocument);
  const who = nameOf(request);
  const place = requestPlace(request);
  const tooLong = reason.length > MAX_REASON;
  return (
    <ConfirmDialog
      title={`Deny ${who}?`}
      confirmLabel="Deny request"
      confirmDisabled={tooLong}
      onClose={props.onClose}
      onConfirm={async () => {
        const done = await deny({ id: request.id, reason: reason.trim() || null });
        if (done.error) return done.error;
        announce(`${who}'s request to join ${place} was denied.`);
        props.onDone();
        return null;
      }}
    >
      <p>
        {who} does not join {place}, and is emailed the decision with your reason. They may ask again later.
      </p>
      <TextareaField
        label="Reason (optional)"
        hint={`${reason.length} of ${MAX_REASON} characters. The requester reads it.`}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        rows={3}
        error={tooLong ? `At most ${MAX_REASON} characters: shorten it by ${reason.length - MAX_REASON}.` : null}
      />
    </ConfirmDialog>
  );
}
