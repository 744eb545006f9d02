import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorMessage } from '../errors';
import {
  type Role,
  type WebMemberRowFragment,
  type WebUserFragment,
  WebChangeRoleDocument,
  WebPersonMembershipsDocument,
  WebRemoveMemberDocument,
  WebSetMemberExpiryDocument,
} from '../generated';
import { endOfDay, formatDate, todayInput, toDateInput } from '../format';
import {
  choiceOf,
  type CustomRoleName,
  customRoleDescription,
  heldRoleName,
  ROLE_LABEL,
  type RoleChoice,
  roleDescription,
  roleInput,
  sortRoles,
} from '../roles';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { ConfirmDialog, Dialog } from '../ui/dialog';
import { type Choice, RadioCards, TextField } from '../ui/fields';
import { Callout } from '../ui/misc';
import { HeldRoleBadge } from '../ui/person';
import { type ScopeView, useOrganization } from '../organization-context';

type MemberTarget<K extends string> = { kind: K; member: WebMemberRowFragment };
export type DialogTarget =
  | MemberTarget<'role'>
  | MemberTarget<'expiry'>
  | MemberTarget<'remove'>
  | MemberTarget<'leave'>
  | { kind: 'explain'; member: { user: WebUserFragment } };

const nameOf = (user: WebUserFragment) => user.displayName ?? user.email;

/**
 * The roles a row's picker offers: the built-in ones the server lets the viewer give, in the one
 * order, then the custom ones it lets them give (`assignableCustomRoles`), the current role among
 * them, marked. Empty of anything but the current role when there is nothing to change to.
 */
export function roleChoicesOf(member: WebMemberRowFragment) {
  const current = choiceOf(member.role, member.customRole);
  const builtIn = sortRoles([...(member.customRole ? [] : [member.role]), ...member.viewerCan.assignableRoles]);
  const custom: CustomRoleName[] = [
    ...(member.customRole ? [member.customRole] : []),
    ...(member.viewerCan.changeRole ? member.viewerCan.assignableCustomRoles : []),
  ];
  const choices: Choice<RoleChoice>[] = [
    ...builtIn.map((r) => ({
      value: r as RoleChoice,
      label: ROLE_LABEL[r],
      description: roleDescription(r, member.scope),
    })),
    ...custom.map((r) => ({ value: choiceOf(r.baseRole, r), label: r.name, description: customRoleDescription(r) })),
  ].map((c) => (c.value === current ? { ...c, label: `${c.label} (current)` } : c));
  return { current, choices, custom, others: choices.filter((c) => c.value !== current).length };
}

/**
 * "Change role": the roles the server lets the viewer give, built-in ones first in the same order,
 * then the organization's custom roles, each with what it allows. Nothing changes until the button
 * that says what will happen is pressed; promoting to Admin says what an Admin can do first.
 */
export function ChangeRoleDialog(props: {
  target: Extract<DialogTarget, { kind: 'role' }>;
  scope: ScopeView;
  onClose: () => void;
  onDone: () => void;
}) {
  const { member } = props.target;
  const { scope } = props;
  const { viewer } = useOrganization();
  const announce = useAnnounce();
  const { current, choices, custom } = roleChoicesOf(member);
  // The current role is selected: nothing changes until another is picked and confirmed.
  const [choice, setChoice] = useState<RoleChoice>(current);
  const [result, change] = useMutation(WebChangeRoleDocument);
  const name = nameOf(member.user);
  const isYou = member.user.id === viewer.id;
  const { role, customRoleId } = roleInput(choice, custom);
  const label = heldRoleName(
    role,
    custom.find((r) => r.id === customRoleId),
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await change({ memberId: member.id, role, customRoleId });
    if (done.data) {
      announce(`${name} is now ${label} in ${scope.phrase}.`);
      props.onDone();
      props.onClose();
    }
  };
  const promoting = role === 'ADMIN' && member.role !== 'ADMIN';
  return (
    <Dialog
      title={`Change the role of ${name}`}
      onClose={props.onClose}
      busy={result.fetching}
      onSubmit={submit}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={choice === current} busy={result.fetching}>
            {promoting ? `Make ${name} an Admin` : `Change to ${label}`}
          </Button>
        </>
      }
    >
      <p>
        In {scope.phrase}, {name} is now <HeldRoleBadge role={member.role} customRole={member.customRole} />.
      </p>
      {member.provisioned ? (
        <Callout tone="info" title="Managed by your directory">
          <p>
            Your identity provider&apos;s directory added {name} and gave this role
            {scope.kind === 'WORKSPACE' ? `, as a member of its group ${scope.label}` : ''}: a change here holds until
            the directory next updates {name}
            {scope.kind === 'WORKSPACE' ? ' or the group' : ''}, which may set the role it holds back.
          </p>
        </Callout>
      ) : (
        scope.directoryGroup && (
          <Callout tone="info" title="A group of your directory">
            <p>
              Your identity provider&apos;s directory manages {scope.phrase} as one of its groups. A person added {name}{' '}
              here, so the directory leaves this role as you set it.
            </p>
          </Callout>
        )
      )}
      <RadioCards<RoleChoice> legend="New role" name="role" value={choice} onChange={setChoice} choices={choices} />
      {promoting && (
        <Callout tone="warning" title="Admins have full control">
          <p>
            As an Admin of {scope.phrase}, {name} will be able to invite and remove people, change anyone&apos;s role
            {scope.kind === 'ORGANIZATION'
              ? ', edit billing, webhooks and email domains, read the audit log and delete the organization'
              : scope.kind === 'WORKSPACE'
                ? ' and manage every domain in it'
                : ''}
            .
          </p>
        </Callout>
      )}
      {isYou && choice !== current && member.role === 'ADMIN' && (
        <Callout tone="warning" title="This is your own role">
          <p>You will lose what an Admin may do here, and cannot give it back to yourself.</p>
        </Callout>
      )}
      <ErrorMessage error={result.error} />
    </Dialog>
  );
}

/** "Access until": a day after which the membership ends by itself, set or cleared. */
export function ExpiryDialog(props: {
  target: Extract<DialogTarget, { kind: 'expiry' }>;
  scope: ScopeView;
  onClose: () => void;
  onDone: () => void;
}) {
  const { member } = props.target;
  const announce = useAnnounce();
  const [day, setDay] = useState(toDateInput(member.expiresAt) || todayInput(30));
  const [result, save] = useMutation(WebSetMemberExpiryDocument);
  const name = nameOf(member.user);
  const apply = async (expiresAt: string | null) => {
    const done = await save({ memberId: member.id, expiresAt });
    if (done.data) {
      announce(
        expiresAt
          ? `${name}'s access to ${props.scope.phrase} now ends on ${formatDate(expiresAt)}.`
          : `${name}'s access to ${props.scope.phrase} no longer ends.`,
      );
      props.onDone();
      props.onClose();
    }
  };
  return (
    <Dialog
      title={`Access end for ${name}`}
      onClose={props.onClose}
      busy={result.fetching}
      onSubmit={(event) => {
        event.preventDefault();
        void apply(endOfDay(day));
      }}
      footer={
        <>
          {member.expiresAt && (
            <Button onClick={() => void apply(null)} disabled={result.fetching}>
              Remove the end date
            </Button>
          )}
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={result.fetching} disabled={!day}>
            Save end date
          </Button>
        </>
      }
    >
      <p>
        {member.expiresAt
          ? `${name}'s access now ends on ${formatDate(member.expiresAt)}.`
          : `${name}'s access does not end by itself.`}{' '}
        After the day set here the membership grants nothing and is removed
        {props.scope.kind === 'ORGANIZATION' ? ', with their workspace and domain memberships' : ''}.
      </p>
      <TextField
        label="Access until (the last day included)"
        type="date"
        required
        min={todayInput()}
        value={day}
        onChange={(e) => setDay(e.target.value)}
      />
      <ErrorMessage error={result.error} />
    </Dialog>
  );
}

/**
 * Removal, saying what goes with the person: at organization scope every workspace and domain
 * membership in it and the pending invitations to or from them; below it, that one membership.
 */
export function RemoveMemberDialog(props: {
  target: Extract<DialogTarget, { kind: 'remove' }>;
  scope: ScopeView;
  isYou: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { member } = props.target;
  const { scope, isYou } = props;
  const { organization } = useOrganization();
  const announce = useAnnounce();
  const [, remove] = useMutation(WebRemoveMemberDocument);
  const name = nameOf(member.user);
  const title = isYou ? `Leave ${scope.phrase}?` : `Remove ${name} from ${scope.label}?`;
  const below = useMembershipsBelow(member.user, organization.id, scope.kind === 'ORGANIZATION');
  return (
    <ConfirmDialog
      title={title}
      confirmLabel={isYou ? 'Leave' : `Remove ${name}`}
      onClose={props.onClose}
      onConfirm={async () => {
        const done = await remove({ memberId: member.id }, { additionalTypenames: ['Member', 'Invitation'] });
        if (done.error) return done.error;
        announce(
          isYou
            ? `You left ${scope.phrase}.`
            : scope.kind === 'ORGANIZATION'
              ? `${name} was removed from ${scope.label}, with their workspace and domain memberships and pending invitations.`
              : `${name} was removed from ${scope.phrase}.`,
        );
        props.onDone();
        return null;
      }}
    >
      {scope.kind === 'ORGANIZATION' ? (
        <>
          <p>
            {name} ({member.user.email}) loses all access to {organization.name} at once. Going with it:
          </p>
          <ul>
            <li>
              their membership of every workspace and domain in {organization.name}
              {below === null ? (
                ';'
              ) : below.length === 0 ? (
                ' (they have none);'
              ) : (
                <>
                  :
                  <ul aria-label={`${name}'s memberships below the organization`}>
                    {below.map((m) => (
                      <li key={m.id}>
                        {ROLE_LABEL[m.role]} of {m.where}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </li>
            <li>the pending invitations sent to {member.user.email} or by them (revoked, their links stop working).</li>
          </ul>
          <p>Their seat is freed. To bring them back, invite them again.</p>
        </>
      ) : (
        <p>
          {isYou ? 'You lose' : `${name} loses`} the role {heldRoleName(member.role, member.customRole)} in{' '}
          {scope.phrase}. {isYou ? 'You stay' : 'They stay'} a member of the organization {organization.name}
          {scope.kind === 'WORKSPACE'
            ? `, and keep any domain memberships in this workspace (remove those from the Domains tab)`
            : ''}
          .
          {member.accessSources.some((s) => !s.direct) &&
            ` ${isYou ? 'You keep' : 'They keep'} the access inherited from above.`}
        </p>
      )}
    </ConfirmDialog>
  );
}

/**
 * The person's workspace and domain memberships, for the removal dialog to name what goes with
 * them: each scope's members searched by their address, keeping their own rows. Null while it is
 * read, or when the server does not say (the generic sentence stays then).
 */
function useMembershipsBelow(
  user: WebUserFragment,
  organizationId: string,
  wanted: boolean,
): { id: string; role: Role; where: string }[] | null {
  const [{ data, error }] = useQuery({
    query: WebPersonMembershipsDocument,
    variables: { id: organizationId, query: user.email },
    pause: !wanted,
    requestPolicy: 'network-only',
  });
  const workspaces = data?.organization?.workspaces;
  if (!wanted || error || !workspaces) return null;
  const found: { id: string; role: Role; where: string }[] = [];
  for (const workspace of workspaces) {
    for (const m of workspace.members?.nodes ?? []) {
      if (m.user.id === user.id) found.push({ id: m.id, role: m.role, where: `the workspace ${workspace.name}` });
    }
    for (const domain of workspace.domains) {
      for (const m of domain.members?.nodes ?? []) {
        if (m.user.id === user.id) found.push({ id: m.id, role: m.role, where: `the domain ${domain.hostname}` });
      }
    }
  }
  return found;
}
