import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { ErrorMessage } from '../errors';
import { type WebInvitationRowFragment, WebInviteMembersDocument, WebResendInvitationDocument } from '../generated';
import { endOfDay, formatDate } from '../format';
import { sameAddress } from '../session';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { TextareaField } from '../ui/fields';
import { Dialog } from '../ui/dialog';
import { Callout } from '../ui/misc';
import { Badge } from '../ui/person';
import { scopeInput, type ScopeView, useOrganization } from '../organization-context';
import { GrantFields, useGrantChoice } from './grant-fields';

type RowResult = {
  email: string;
  invited: boolean;
  code?: string;
  message?: string;
  /** With INVITATION_PENDING: the pending invitation the server names, to resend instead. */
  invitationId?: string | null;
};

/**
 * "Invite people": one address or a pasted list, one role (those the server lets the viewer
 * give, with what each allows), an optional day the access ends. Each address gets its own
 * answer; one already invited gets a Resend button instead of a dead end.
 */
export function InviteDialog(props: {
  scope: ScopeView;
  pending: readonly WebInvitationRowFragment[];
  onInvited: () => void;
  onClose: () => void;
}) {
  const { scope } = props;
  const { organization, seats } = useOrganization();
  const announce = useAnnounce();
  const [addresses, setAddresses] = useState('');
  const grant = useGrantChoice(scope);
  const { role, customRoleId, roleName, limited, until } = grant;
  const [rows, setRows] = useState<RowResult[] | null>(null);
  const [result, invite] = useMutation(WebInviteMembersDocument);
  const [, resend] = useMutation(WebResendInvitationDocument);
  const [resent, setResent] = useState<Record<string, string>>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const emails = [
      ...new Set(
        addresses
          .split(/[\s,;]+/)
          .map((a) => a.trim())
          .filter(Boolean),
      ),
    ];
    if (emails.length === 0) return;
    const sent = await invite({
      input: {
        scope: scopeInput(scope),
        invitations: emails.map((email) => ({ email, role, customRoleId })),
        accessExpiresAt: grant.accessExpiresAt,
      },
    });
    if (!sent.data) return;
    const answers: RowResult[] = sent.data.inviteMembers.results.map((row) => ({
      email: row.email,
      invited: Boolean(row.invitation),
      code: row.error?.code,
      message: row.error?.message,
      invitationId: row.error?.invitationId,
    }));
    setRows(answers);
    setResent({});
    // What was refused stays in the box to be fixed; what went out leaves it.
    setAddresses(
      answers
        .filter((a) => !a.invited)
        .map((a) => a.email)
        .join('\n'),
    );
    const invited = sent.data.inviteMembers.invitedCount;
    const refused = answers.length - invited;
    announce(
      [
        invited > 0 && `${invited} ${invited === 1 ? 'invitation' : 'invitations'} sent`,
        refused > 0 && `${refused} refused`,
      ]
        .filter(Boolean)
        .join(', ') + '.',
      invited === 0 ? 'error' : 'success',
    );
    if (invited > 0) props.onInvited();
  };

  // The server names the pending invitation in the row's error; the scope's list is the fallback.
  const pendingFor = (email: string) =>
    props.pending.find((i) => sameAddress(i.email, email) && i.viewerCan.resend) ?? null;
  const seatsLeft = seats === null || seats.limit === null ? null : Math.max(0, seats.limit - seats.used);

  return (
    <Dialog
      title={`Invite people to ${scope.label}`}
      onClose={props.onClose}
      busy={result.fetching}
      onSubmit={submit}
      wide
      footer={
        <>
          <Button onClick={props.onClose}>{rows ? 'Done' : 'Cancel'}</Button>
          <Button type="submit" variant="primary" busy={result.fetching}>
            Send invitations
          </Button>
        </>
      }
    >
      {seatsLeft !== null && (
        <Callout tone={seatsLeft === 0 ? 'warning' : 'info'}>
          <p>
            {seats?.used} of {seats?.limit} seats used:{' '}
            {seatsLeft === 0
              ? 'no seat is left for someone new.'
              : `${seatsLeft} left for people not in ${organization.name} yet.`}
          </p>
        </Callout>
      )}
      <div className="stack">
        <TextareaField
          label="Email addresses"
          hint="One address, or many separated by lines, commas or spaces."
          value={addresses}
          onChange={(e) => setAddresses(e.target.value)}
          rows={3}
          required
          autoComplete="off"
        />
        <GrantFields grant={grant} name="invite-role" />
      </div>
      <ErrorMessage error={result.error} />
      {rows && (
        <ul aria-label="Invitation results" className="list-plain list-rows">
          {rows.map((row) => {
            const pending =
              row.code !== 'INVITATION_PENDING'
                ? null
                : row.invitationId
                  ? { id: row.invitationId }
                  : pendingFor(row.email);
            return (
              <li key={row.email}>
                <span className="stack-sm">
                  <strong>{row.email}</strong>
                  <span className={row.invited ? 'small' : 'small field-error'}>
                    {row.invited
                      ? `Invited as ${roleName}${limited ? ` until ${formatDate(endOfDay(until))}` : ''}. The email is queued.`
                      : (resent[row.email] ?? row.message)}
                  </span>
                </span>
                {row.invited ? (
                  <Badge tone="success">Invited</Badge>
                ) : pending && !resent[row.email] ? (
                  <Button
                    size="sm"
                    aria-label={`Resend the invitation to ${row.email}`}
                    onClick={async () => {
                      const done = await resend({ id: pending.id });
                      const text = done.data
                        ? 'Invitation resent: a new link is on its way, the old one no longer works.'
                        : (done.error?.graphQLErrors[0]?.message ?? 'The invitation could not be resent.');
                      setResent((r) => ({ ...r, [row.email]: text }));
                      announce(
                        done.data ? `Invitation to ${row.email} resent.` : text,
                        done.data ? 'success' : 'error',
                      );
                      if (done.data) props.onInvited();
                    }}
                  >
                    Resend
                  </Button>
                ) : (
                  <Badge tone={resent[row.email] ? 'success' : 'danger'}>
                    {resent[row.email] ? 'Resent' : 'Not invited'}
                  </Badge>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </Dialog>
  );
}
