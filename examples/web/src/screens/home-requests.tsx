import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { REQUEST_STATUS, requestPlace } from '../access-requests';
import { ErrorMessage, fieldErrors } from '../errors';
import {
  type WebAccessRequestFragment,
  WebRequestAccessDocument,
  WebWithdrawAccessRequestDocument,
} from '../generated';
import { formatDate } from '../format';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { ConfirmDialog, Dialog } from '../ui/dialog';
import { TextareaField } from '../ui/fields';
import { Badge } from '../ui/person';

const MAX_MESSAGE = 500;

/**
 * An organization that lets people at one's verified email domain ask to join (enrollment
 * REQUEST): "Ask to join", with an optional message for its managers, or the pending request.
 */
export function AskToJoinItem(props: {
  organization: { id: string; name: string };
  pending: WebAccessRequestFragment | null;
  onAsked: () => void;
}) {
  const { organization, pending } = props;
  const [asking, setAsking] = useState(false);
  return (
    <li>
      <span className="stack-sm">
        <strong>{organization.name}</strong>
        <span className="small muted">
          {pending
            ? `You asked on ${formatDate(pending.createdAt)}: its managers decide, and you get an email either way.`
            : 'Its managers decide whether you join, and with which role.'}
        </span>
      </span>
      {pending ? (
        <Badge tone="info">Request pending</Badge>
      ) : (
        <Button
          variant="primary"
          size="sm"
          aria-label={`Ask to join ${organization.name}`}
          onClick={() => setAsking(true)}
        >
          Ask to join
        </Button>
      )}
      {asking && <AskDialog organization={organization} onAsked={props.onAsked} onClose={() => setAsking(false)} />}
    </li>
  );
}

function AskDialog(props: { organization: { id: string; name: string }; onAsked: () => void; onClose: () => void }) {
  const { organization } = props;
  const announce = useAnnounce();
  const [message, setMessage] = useState('');
  const [result, ask] = useMutation(WebRequestAccessDocument);
  const errors = fieldErrors(result.error, { message: 'Message' });
  const tooLong = message.length > MAX_MESSAGE;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (tooLong) return;
    const done = await ask({
      input: { scope: { organizationId: organization.id }, message: message.trim() || null },
    });
    if (done.data) {
      announce(`You asked to join ${organization.name}. You will get an email when its managers decide.`);
      props.onAsked();
      props.onClose();
    }
  };
  return (
    <Dialog
      title={`Ask to join ${organization.name}`}
      onClose={props.onClose}
      busy={result.fetching}
      onSubmit={submit}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={result.fetching} disabled={tooLong}>
            Send request
          </Button>
        </>
      }
    >
      <p>
        The managers of {organization.name} see your name, your address and your message. The request stays open for 30
        days; you can withdraw it until they decide.
      </p>
      <TextareaField
        label="Message (optional)"
        hint={`Who you are, or what you need it for. ${message.length} of ${MAX_MESSAGE} characters.`}
        value={message}
        onChange={(e) => setMessage(e.target.value)}
        rows={3}
        error={
          tooLong
            ? `At most ${MAX_MESSAGE} characters: shorten it by ${message.length - MAX_MESSAGE}.`
            : errors.byField.message
        }
      />
      <ErrorMessage error={errors.others} />
    </Dialog>
  );
}

/** The person's own requests to join, newest first: where, when, the decision and its reason; withdraw a pending one. */
export function MyRequests(props: { requests: readonly WebAccessRequestFragment[]; onChanged: () => void }) {
  const announce = useAnnounce();
  const [withdrawing, setWithdrawing] = useState<WebAccessRequestFragment | null>(null);
  const [, withdraw] = useMutation(WebWithdrawAccessRequestDocument);
  if (props.requests.length === 0) return null;
  return (
    <section aria-labelledby="my-requests-heading" className="card">
      <h2 id="my-requests-heading">Your requests to join</h2>
      <ul className="list-plain list-rows">
        {props.requests.map((request) => {
          const place = requestPlace(request);
          const shown = REQUEST_STATUS[request.status];
          return (
            <li key={request.id}>
              <span className="stack-sm">
                <span>
                  {place.charAt(0).toUpperCase() + place.slice(1)} <Badge tone={shown.tone}>{shown.label}</Badge>
                </span>
                <span className="small muted">
                  Asked on {formatDate(request.createdAt)}
                  {request.status === 'PENDING' && ` · open until ${formatDate(request.expiresAt)}`}
                  {request.decidedAt &&
                    request.status !== 'PENDING' &&
                    ` · ${shown.label.toLowerCase()} on ${formatDate(request.decidedAt)}`}
                </span>
                {request.reason && <span className="small">Their reason: {request.reason}</span>}
              </span>
              {request.status === 'PENDING' && (
                <Button
                  size="sm"
                  aria-label={`Withdraw your request to join ${place}`}
                  onClick={() => setWithdrawing(request)}
                >
                  Withdraw
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      {withdrawing && (
        <ConfirmDialog
          title={`Withdraw your request to join ${requestPlace(withdrawing)}?`}
          confirmLabel="Withdraw request"
          onClose={() => setWithdrawing(null)}
          onConfirm={async () => {
            const done = await withdraw({ id: withdrawing.id });
            if (done.error) return done.error;
            announce(`You withdrew your request to join ${requestPlace(withdrawing)}.`);
            props.onChanged();
            return null;
          }}
        >
          <p>Its managers no longer see it. You can ask again later.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
