import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { ALL_AUDIT_ACTIONS, AUDIT_GROUPS, auditLabel } from '../audit';
import { ErrorMessage, fieldErrors } from '../errors';
import {
  type AuditAction,
  type DeliveryStatus,
  type WebWebhookDeliveryFragment,
  type WebWebhookEndpointFragment,
  WebCreateWebhookDocument,
  WebDeleteWebhookDocument,
  WebRedeliverWebhookDocument,
  WebRotateWebhookSecretDocument,
  WebUpdateWebhookDocument,
  WebWebhookDeliveriesDocument,
  WebWebhooksDocument,
} from '../generated';
import { formatDate, formatDateTime, formatRelative } from '../format';
import { useLiveQuery } from '../live';
import { updateSearch, useKeysetPage, useLocation } from '../router';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { ConfirmDialog, Dialog } from '../ui/dialog';
import { Checkbox, RadioCards, TextField } from '../ui/fields';
import { type MenuItem, RowMenu } from '../ui/menu';
import { Callout, CopyField, Empty, Loading, Pager } from '../ui/misc';
import { Badge } from '../ui/person';
import { SectionHeading, useOrganization } from '../organization-context';

/** A webhook delivery's state: here "Delivered" is true to the word, the receiver answered 2xx. */
const DELIVERY: Record<DeliveryStatus, { label: string; tone: 'info' | 'success' | 'danger' }> = {
  PENDING: { label: 'Pending', tone: 'info' },
  DELIVERED: { label: 'Delivered', tone: 'success' },
  FAILED: { label: 'Failed', tone: 'danger' },
};

const DELIVERIES_PAGE = 20;
/** Deliveries change by the second while a receiver is being tried: read them more often. */
const DELIVERIES_POLL_MS = 3_000;

type Pending =
  | { kind: 'secret'; endpoint: WebWebhookEndpointFragment; secret: string; rotated: boolean }
  | { kind: 'rotate' | 'delete'; endpoint: WebWebhookEndpointFragment };

/**
 * Webhooks: endpoints that receive the organization's audit events, signed (Standard Webhooks).
 * The secret is shown once, when made or rotated; each endpoint's deliveries show what its
 * receiver answered.
 */
export function WebhooksSection() {
  const { organization } = useOrganization();
  const location = useLocation();
  const [{ data, error }, refresh] = useLiveQuery({ query: WebWebhooksDocument, variables: { id: organization.id } });
  const [pending, setPending] = useState<Pending | null>(null);
  const [, update] = useMutation(WebUpdateWebhookDocument);
  const [, rotate] = useMutation(WebRotateWebhookSecretDocument);
  const [, remove] = useMutation(WebDeleteWebhookDocument);
  const announce = useAnnounce();
  const endpoints = data?.organization?.webhookEndpoints;
  const selectedId = location.searchParams.get('endpoint') ?? endpoints?.[0]?.id ?? null;
  const selected = endpoints?.find((e) => e.id === selectedId) ?? null;
  return (
    <section aria-labelledby="section-heading">
      <SectionHeading lede="Send every change to membership, access, settings and billing to your own systems, as signed HTTP POSTs.">
        Webhooks
      </SectionHeading>
      <NewWebhook
        onCreated={(endpoint, secret) => {
          refresh();
          updateSearch({ endpoint: endpoint.id, page: null, after: null });
          setPending({ kind: 'secret', endpoint, secret, rotated: false });
        }}
      />
      <ErrorMessage error={error} />
      {!endpoints && !error && <Loading />}
      {endpoints && endpoints.length === 0 && <Empty>No webhook endpoint yet.</Empty>}
      {endpoints && endpoints.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption>Endpoints ({endpoints.length})</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Status</th>
                <th scope="col">Events</th>
                <th scope="col">Added</th>
                <th scope="col" className="actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((endpoint) => (
                <tr key={endpoint.id} aria-current={endpoint.id === selected?.id ? 'true' : undefined}>
                  <td className="primary-cell mono">{endpoint.url}</td>
                  <td data-label="Status">
                    {endpoint.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}
                  </td>
                  <td data-label="Events">
                    {endpoint.actions.length === 0
                      ? 'All events'
                      : endpoint.actions.length <= 3
                        ? endpoint.actions.map(auditLabel).join(', ')
                        : `${endpoint.actions.length} kinds of event`}
                  </td>
                  <td data-label="Added">{formatDate(endpoint.createdAt)}</td>
                  <td className="actions">
                    <RowMenu
                      label={`Actions for ${endpoint.url}`}
                      items={[
                        {
                          label: 'Show deliveries',
                          onSelect: () => updateSearch({ endpoint: endpoint.id, page: null, after: null }),
                        },
                        {
                          label: endpoint.enabled ? 'Disable' : 'Enable',
                          onSelect: async () => {
                            const done = await update({ id: endpoint.id, input: { enabled: !endpoint.enabled } });
                            if (done.data) {
                              announce(
                                done.data.updateWebhookEndpoint.enabled
                                  ? `${endpoint.url} is enabled: new events are delivered to it.`
                                  : `${endpoint.url} is disabled: no new event is delivered to it.`,
                              );
                              refresh();
                            } else if (done.error) {
                              announce(done.error.graphQLErrors[0]?.message ?? 'The change failed.', 'error');
                            }
                          },
                        },
                        { label: 'Rotate secret…', onSelect: () => setPending({ kind: 'rotate', endpoint }) },
                        {
                          label: 'Delete endpoint…',
                          danger: true,
                          onSelect: () => setPending({ kind: 'delete', endpoint }),
                        },
                      ]}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && <Deliveries key={selected.id} endpoint={selected} />}
      {pending?.kind === 'secret' && (
        <Dialog
          title={pending.rotated ? 'The new signing secret' : 'Endpoint added: its signing secret'}
          onClose={() => setPending(null)}
          footer={
            <Button variant="primary" onClick={() => setPending(null)}>
              I have stored the secret
            </Button>
          }
        >
          <Callout tone="warning" title="Shown only this once">
            <p>
              Store it in the receiver at {pending.endpoint.url} now: it verifies each delivery&apos;s webhook-signature
              header. To get another, rotate the secret.
            </p>
          </Callout>
          <CopyField label="Signing secret" value={pending.secret} />
        </Dialog>
      )}
      {pending?.kind === 'rotate' && (
        <ConfirmDialog
          title={`Rotate the secret of ${pending.endpoint.url}?`}
          confirmLabel="Rotate secret"
          // On success the new secret replaces this dialog: closing then must not clear it.
          onClose={() => setPending((p) => (p?.kind === 'rotate' ? null : p))}
          onConfirm={async () => {
            const done = await rotate({ id: pending.endpoint.id });
            if (done.error) return done.error;
            announce('A new signing secret was made; the old one no longer signs deliveries.');
            setPending({
              kind: 'secret',
              endpoint: pending.endpoint,
              secret: done.data!.rotateWebhookSecret.secret,
              rotated: true,
            });
            return null;
          }}
        >
          <p>
            Deliveries are signed with a new secret from now on; the receiver must be given it, or it will reject them.
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete the endpoint ${pending.endpoint.url}?`}
          confirmLabel="Delete endpoint"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            const done = await remove({ id: pending.endpoint.id });
            if (done.error) return done.error;
            announce(`The endpoint ${pending.endpoint.url} was deleted.`);
            updateSearch({ endpoint: null, page: null, after: null });
            refresh();
            return null;
          }}
        >
          <p>No event is delivered to it any more, and its delivery history goes with it.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function NewWebhook(props: { onCreated: (endpoint: WebWebhookEndpointFragment, secret: string) => void }) {
  const { organization } = useOrganization();
  const announce = useAnnounce();
  const [url, setUrl] = useState('');
  const [which, setWhich] = useState<'all' | 'some'>('all');
  const [actions, setActions] = useState<AuditAction[]>([]);
  const [result, create] = useMutation(WebCreateWebhookDocument);
  const errors = fieldErrors(result.error, { url: 'URL', actions: 'Events' });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await create({
      input: { organizationId: organization.id, url, actions: which === 'all' ? [] : actions },
    });
    if (done.data) {
      announce(`Endpoint ${done.data.createWebhookEndpoint.endpoint.url} added. Copy its secret now.`);
      setUrl('');
      setActions([]);
      setWhich('all');
      props.onCreated(done.data.createWebhookEndpoint.endpoint, done.data.createWebhookEndpoint.secret);
    }
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="new-webhook-heading">
      <h3 id="new-webhook-heading">Add an endpoint</h3>
      <TextField
        label="Endpoint URL"
        hint="An https address of yours that answers 2xx."
        type="url"
        placeholder="https://hooks.example.com/membership"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        required
        error={errors.byField.url}
      />
      <RadioCards<'all' | 'some'>
        legend="Events"
        name="events"
        value={which}
        onChange={setWhich}
        choices={[
          { value: 'all', label: 'All events', description: 'Including the kinds added later.' },
          { value: 'some', label: 'Only the events I pick' },
        ]}
      />
      {which === 'some' && (
        <div className="grid">
          {AUDIT_GROUPS.map((group) => (
            <fieldset key={group.label} className="stack-sm">
              <legend className="field-label">{group.label}</legend>
              {group.actions.map((action) => (
                <Checkbox
                  key={action}
                  label={auditLabel(action)}
                  checked={actions.includes(action)}
                  onChange={(e) =>
                    setActions(
                      e.target.checked
                        ? ALL_AUDIT_ACTIONS.filter((a) => a === action || actions.includes(a))
                        : actions.filter((a) => a !== action),
                    )
                  }
                />
              ))}
            </fieldset>
          ))}
        </div>
      )}
      {errors.byField.actions && <p className="field-error">{errors.byField.actions}</p>}
      <ErrorMessage error={errors.others} />
      <div className="form-actions">
        <Button
          type="submit"
          variant="primary"
          busy={result.fetching}
          disabled={which === 'some' && actions.length === 0}
        >
          Add endpoint
        </Button>
      </div>
    </form>
  );
}

/**
 * What each delivery did, newest first. Each row has a menu for what can be done to one delivery:
 * redeliver a failed one (while its endpoint is enabled), copy its event id, which the receiver
 * sees as webhook-id.
 */
function Deliveries(props: { endpoint: WebWebhookEndpointFragment }) {
  const { organization } = useOrganization();
  const location = useLocation();
  const pages = useKeysetPage(`deliveries:${props.endpoint.id}`, location);
  const [{ data, error }, refresh] = useLiveQuery(
    {
      query: WebWebhookDeliveriesDocument,
      variables: { id: organization.id, after: pages.after, first: DELIVERIES_PAGE },
    },
    DELIVERIES_POLL_MS,
  );
  const connection = data?.organization?.webhookEndpoints?.find((e) => e.id === props.endpoint.id)?.deliveries;
  const [, redeliver] = useMutation(WebRedeliverWebhookDocument);
  const announce = useAnnounce();
  const actionsFor = (delivery: WebWebhookDeliveryFragment): MenuItem[] => [
    // The server takes back a FAILED delivery only, and only while its endpoint is enabled.
    ...(delivery.status === 'FAILED' && props.endpoint.enabled
      ? [
          {
            label: 'Redeliver',
            onSelect: async () => {
              const done = await redeliver({ deliveryId: delivery.id });
              if (done.data) {
                announce(
                  `${auditLabel(delivery.action)} (${delivery.eventId}) is queued again for ${props.endpoint.url}, with the same webhook-id.`,
                );
                refresh();
              } else if (done.error) {
                announce(
                  `Not redelivered: ${done.error.graphQLErrors[0]?.message ?? 'the server could not be reached.'}`,
                  'error',
                );
              }
            },
          },
        ]
      : []),
    { label: 'Copy event ID', onSelect: () => void navigator.clipboard?.writeText(delivery.eventId) },
  ];
  return (
    <section aria-labelledby="deliveries-heading">
      <h3 id="deliveries-heading">
        Deliveries to <span className="mono">{props.endpoint.url}</span>
      </h3>
      <ErrorMessage error={error} />
      {!connection && !error && <Loading what="deliveries" />}
      {connection && connection.nodes.length === 0 && (
        <Empty>Nothing was delivered yet. Each change in {organization.name} sends one event.</Empty>
      )}
      {connection && connection.nodes.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Answer</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last attempt</th>
                <th scope="col" className="actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {connection.nodes.map((delivery) => (
                <tr key={delivery.id}>
                  <td className="primary-cell">
                    <span className="stack-sm">
                      <span>{auditLabel(delivery.action)}</span>
                      <span className="small muted mono">{delivery.eventId}</span>
                    </span>
                  </td>
                  <td data-label="Status">
                    <span className="stack-sm">
                      <Badge tone={DELIVERY[delivery.status].tone}>{DELIVERY[delivery.status].label}</Badge>
                      {delivery.status === 'PENDING' && delivery.nextAttemptAt && delivery.attempts > 0 && (
                        <span className="small muted">Next try {formatRelative(delivery.nextAttemptAt)}</span>
                      )}
                      {delivery.status === 'FAILED' &&
                        delivery.lastError &&
                        delivery.lastError !== `HTTP ${delivery.responseStatus}` && (
                          <span className="small muted">{delivery.lastError}</span>
                        )}
                    </span>
                  </td>
                  <td data-label="Answer">
                    {delivery.responseStatus !== null && delivery.responseStatus !== undefined
                      ? `HTTP ${delivery.responseStatus}`
                      : delivery.attempts > 0
                        ? 'No answer'
                        : '—'}
                  </td>
                  <td data-label="Attempts">{delivery.attempts}</td>
                  <td data-label="Last attempt">
                    {delivery.lastAttemptAt ? formatDateTime(delivery.lastAttemptAt) : 'Not yet'}
                  </td>
                  <td className="actions">
                    <RowMenu label={`Actions for the delivery of ${delivery.eventId}`} items={actionsFor(delivery)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            label="Deliveries pages"
            page={pages.page}
            pageSize={DELIVERIES_PAGE}
            shown={connection.nodes.length}
            hasNext={connection.pageInfo.hasNextPage}
            onNext={() => pages.next(connection.pageInfo.endCursor)}
            onPrevious={pages.previous}
            onFirst={pages.first}
          />
        </div>
      )}
    </section>
  );
}
