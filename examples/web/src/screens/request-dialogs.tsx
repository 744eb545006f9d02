import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  type WebAccessRequestFragment,
  WebApproveAccessRequestDocument,
  WebDenyAccessRequestDocument,
  WebInvitableCustomRolesDocument,
} from '../generated';
import { endOfDay, formatDate, todayInput } from '../format';
import {
  acceptedAt,
  choiceOf,
  customRoleDescription,
  heldRoleName,
  ROLE_LABEL,
  type RoleChoice,
  roleDescription,
  roleInput,
  sortRoles,
} from '../roles';
import { useAnnounce } from '../ui/announcer';
import { ConfirmDialog } from '../ui/dialog';
import { Checkbox, RadioCards, TextareaField, TextField } from '../ui/fields';
import { Callout } from '../ui/misc';
import { type ScopeView, useOrganization } from '../organization-context';
import { requestPlace } from '../access-requests';

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
  const { organization, seats } = useOrganization();
  const scope = useRequestScope(request);
  const announce = useAnnounce();
  const roles = sortRoles(scope?.invitableRoles ?? []);
  const givesCustom = scope?.viewerRole === 'ADMIN' && roles.length > 0;
  const [customResult] = useQuery({
    query: WebInvitableCustomRolesDocument,
    variables: { id: organization.id },
    pause: !givesCustom,
  });
  const customRoles =
    givesCustom && scope ? acceptedAt(scope.kind, customResult.data?.organization?.customRoles ?? []) : [];
  const [choice, setChoice] = useState<RoleChoice>(roles.includes('MEMBER') ? 'MEMBER' : (roles[0] ?? 'MEMBER'));
  const { role, customRoleId } = roleInput(choice, customRoles);
  const roleName = heldRoleName(
    role,
    customRoles.find((r) => r.id === customRoleId),
  );
  const [limited, setLimited] = useState(false);
  const [until, setUntil] = useState(todayInput(30));
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
          input: { id: request.id, role, customRoleId, accessExpiresAt: limited ? endOfDay(until) : null },
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
          <RadioCards<RoleChoice>
            legend="Role"
            name="approve-role"
            value={choice}
            onChange={setChoice}
            choices={[
              ...roles.map((r) => ({
                value: r,
                label: ROLE_LABEL[r],
                description: roleDescription(r, scope!.kind),
              })),
              ...customRoles.map((r) => ({
                value: choiceOf(r.baseRole, r),
                label: r.name,
                description: customRoleDescription(r),
              })),
            ]}
          />
          <Checkbox
            label="Access ends on a set day"
            hint="For a contractor or a guest: the membership ends by itself."
            checked={limited}
            onChange={(e) => setLimited(e.target.checked)}
          />
          {limited && (
            <TextField
              label="Access until (the last day included)"
              type="date"
              required
              min={todayInput()}
              value={until}
              onChange={(e) => setUntil(e.target.value)}
              className="field-inline"
            />
          )}
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
