import { useState } from 'react';
import { useMutation } from 'urql';
import { auditLabel } from '../audit';
import { ErrorMessage } from '../errors';
import {
  type DeliveryStatus,
  type WebWebhookDeliveryFragment,
  type WebWebhookEndpointFragment,
  WebDeleteWebhookDocument,
  WebRedeliverWebhookDocument,
  WebRotateWebhookSecretDocument,
  WebUpdateWebhookDocument,
  WebWebhookDeliveriesDocument,
  WebWebhooksDocument,
} from '../generated';
import { formatDate, formatDateTime, formatRelative } from '../format';
import { useLiveQuery } from '../live';
import { updateSearch, useLocation } from '../router';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { ConfirmDialog, Dialog } from '../ui/dialog';
import { type MenuItem, RowMenu } from '../ui/menu';
import { type Column, DataTable } from '../ui/data-table';
import { Callout, CopyField, Empty, Loading } from '../ui/misc';
import { usePagedConnection } from '../ui/paged';
import { Badge } from '../ui/person';
import { SectionHeading, useOrganization } from '../organization-context';
import { NewWebhook } from './new-webhook';
import { TryHereNote } from '../ui/try-here';

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
      <TryHereNote feature="webhooks" />
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
        <DataTable
          caption={`Endpoints (${endpoints.length})`}
          columns={ENDPOINT_COLUMNS}
          rows={endpoints}
          rowKey={(endpoint) => endpoint.id}
          rowProps={(endpoint) => ({ 'aria-current': endpoint.id === selected?.id ? 'true' : undefined })}
          actions={(endpoint) => (
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
          )}
        />
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

/**
 * What each delivery did, newest first. Each row has a menu for what can be done to one delivery:
 * redeliver a failed one (while its endpoint is enabled), copy its event id, which the receiver
 * sees as webhook-id.
 */
function Deliveries(props: { endpoint: WebWebhookEndpointFragment }) {
  const { organization } = useOrganization();
  const paged = usePagedConnection(`deliveries:${props.endpoint.id}`, DELIVERIES_PAGE);
  const [{ data, error }, refresh] = useLiveQuery(
    {
      query: WebWebhookDeliveriesDocument,
      variables: { id: organization.id, ...paged.variables },
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
        <DataTable
          caption="Deliveries, newest first"
          captionHidden
          columns={DELIVERY_COLUMNS}
          rows={connection.nodes}
          rowKey={(delivery) => delivery.id}
          actions={(delivery) => (
            <RowMenu label={`Actions for the delivery of ${delivery.eventId}`} items={actionsFor(delivery)} />
          )}
        >
          {paged.pager(connection, 'Deliveries pages')}
        </DataTable>
      )}
    </section>
  );
}

const ENDPOINT_COLUMNS: Column<WebWebhookEndpointFragment>[] = [
  { header: 'URL', primary: true, className: 'mono', cell: (endpoint) => endpoint.url },
  {
    header: 'Status',
    cell: (endpoint) => (endpoint.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>),
  },
  {
    header: 'Events',
    cell: (endpoint) =>
      endpoint.actions.length === 0
        ? 'All events'
        : endpoint.actions.length <= 3
          ? endpoint.actions.map(auditLabel).join(', ')
          : `${endpoint.actions.length} kinds of event`,
  },
  { header: 'Added', cell: (endpoint) => formatDate(endpoint.createdAt) },
];

const DELIVERY_COLUMNS: Column<WebWebhookDeliveryFragment>[] = [
  {
    header: 'Event',
    primary: true,
    cell: (delivery) => (
      <span className="stack-sm">
        <span>{auditLabel(delivery.action)}</span>
        <span className="small muted mono">{delivery.eventId}</span>
      </span>
    ),
  },
  {
    header: 'Status',
    cell: (delivery) => (
      <span className="stack-sm">
        <Badge tone={DELIVERY[delivery.status].tone}>{DELIVERY[delivery.status].label}</Badge>
        {delivery.status === 'PENDING' && delivery.nextAttemptAt && delivery.attempts > 0 && (
          <span className="small muted">Next try {formatRelative(delivery.nextAttemptAt)}</span>
        )}
        {/* Why the last try failed: of a given-up delivery, and of one still being retried. */}
        {(delivery.status === 'FAILED' || (delivery.status === 'PENDING' && delivery.attempts > 0)) &&
          delivery.lastError &&
          delivery.lastError !== `HTTP ${delivery.responseStatus}` && (
            <span className="small muted">{delivery.lastError}</span>
          )}
      </span>
    ),
  },
  {
    header: 'Answer',
    cell: (delivery) =>
      delivery.responseStatus !== null && delivery.responseStatus !== undefined
        ? `HTTP ${delivery.responseStatus}`
        : delivery.attempts > 0
          ? 'No answer'
          : '—',
  },
  { header: 'Attempts', cell: (delivery) => delivery.attempts },
  {
    header: 'Last attempt',
    cell: (delivery) => (delivery.lastAttemptAt ? formatDateTime(delivery.lastAttemptAt) : 'Not yet'),
  },
];
