import { useState } from 'react';
import { REQUEST_STATUS, requestPlace } from '../access-requests';
import { ErrorMessage } from '../errors';
import { type AccessRequestStatus, type WebAccessRequestFragment, WebAccessRequestsDocument } from '../generated';
import { formatDate, formatRelative } from '../format';
import { useLiveQuery } from '../live';
import { updateSearch, useKeysetPage, useLocation } from '../router';
import { Button } from '../ui/button';
import { SelectField } from '../ui/fields';
import { Empty, Loading, Pager } from '../ui/misc';
import { Badge, Person } from '../ui/person';
import { SectionHeading, useOrganization } from '../organization-context';
import { ApproveRequestDialog, DenyRequestDialog } from './request-dialogs';

const STATUSES = Object.keys(REQUEST_STATUS) as AccessRequestStatus[];

/**
 * Requests to join (docs/domain-rules.md §20) that the viewer may decide: the organization's where
 * they manage its members, and those of each workspace and domain they manage. Approve with a role
 * (the roles they may invite with there), deny with an optional reason the requester reads.
 */
export function RequestsSection() {
  const { organization, refresh: refreshFrame } = useOrganization();
  const location = useLocation();
  const status = (location.searchParams.get('status') as AccessRequestStatus | null) ?? 'PENDING';
  const paging = useKeysetPage(`requests:${organization.id}:${status}`, location);
  const [{ data, error, fetching }, refresh] = useLiveQuery({
    query: WebAccessRequestsDocument,
    variables: { id: organization.id, status, after: paging.after },
  });
  const [approving, setApproving] = useState<WebAccessRequestFragment | null>(null);
  const [denying, setDenying] = useState<WebAccessRequestFragment | null>(null);
  const connection = data?.organization?.accessRequests;
  const requests = connection?.edges.map((e) => e.node) ?? [];
  const changed = () => {
    refresh();
    refreshFrame();
  };
  return (
    <section aria-labelledby="section-heading">
      <SectionHeading lede="People asking to join where you manage the members. Approving works like an invitation they have already accepted: seats and roles are checked the same way.">
        Requests
      </SectionHeading>
      <div className="toolbar">
        <SelectField
          label="Show"
          className="field-inline"
          value={status}
          onChange={(e) =>
            updateSearch({ status: e.target.value === 'PENDING' ? null : e.target.value, page: null, after: null })
          }
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {REQUEST_STATUS[s].label}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorMessage error={error} />
      {fetching && !data && <Loading what="requests" />}
      {data && requests.length === 0 && (
        <Empty>
          <p>
            {status === 'PENDING'
              ? 'Nobody is waiting for an answer.'
              : `No request is ${REQUEST_STATUS[status].label.toLowerCase()}.`}
          </p>
        </Empty>
      )}
      {requests.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Requests to join {organization.name}</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Asks to join</th>
                <th scope="col">Message</th>
                <th scope="col">{status === 'PENDING' ? 'Expires' : 'Status'}</th>
                <th scope="col" className="actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {requests.map((request) => (
                <RequestRow
                  key={request.id}
                  request={request}
                  onApprove={() => setApproving(request)}
                  onDeny={() => setDenying(request)}
                />
              ))}
            </tbody>
          </table>
          <Pager
            page={paging.page}
            pageSize={50}
            shown={requests.length}
            hasNext={connection?.pageInfo.hasNextPage ?? false}
            onPrevious={paging.previous}
            onFirst={paging.first}
            onNext={() => paging.next(connection?.pageInfo.endCursor)}
            label="Pages of requests"
          />
        </div>
      )}
      {approving && <ApproveRequestDialog request={approving} onDone={changed} onClose={() => setApproving(null)} />}
      {denying && <DenyRequestDialog request={denying} onDone={changed} onClose={() => setDenying(null)} />}
    </section>
  );
}

function RequestRow(props: { request: WebAccessRequestFragment; onApprove: () => void; onDeny: () => void }) {
  const { request } = props;
  const who = request.requester.displayName ?? request.requester.email;
  const shown = REQUEST_STATUS[request.status];
  return (
    <tr>
      <td className="primary-cell">
        <Person
          user={request.requester}
          extra={<span className="person-email">Asked {formatRelative(request.createdAt)}</span>}
        />
      </td>
      <td data-label="Asks to join">{requestPlace(request)}</td>
      <td data-label="Message">
        {request.message ? <q>{request.message}</q> : <span className="muted">No message</span>}
      </td>
      <td data-label={request.status === 'PENDING' ? 'Expires' : 'Status'}>
        {request.status === 'PENDING' ? (
          formatDate(request.expiresAt)
        ) : (
          <span className="stack-sm">
            <Badge tone={shown.tone}>{shown.label}</Badge>
            {request.decidedAt && <span className="small muted">{formatDate(request.decidedAt)}</span>}
            {request.reason && <span className="small">Reason: {request.reason}</span>}
          </span>
        )}
      </td>
      <td className="actions">
        {request.status === 'PENDING' && (
          <span className="cluster">
            <Button size="sm" variant="primary" aria-label={`Approve ${who}`} onClick={props.onApprove}>
              Approve…
            </Button>
            <Button size="sm" aria-label={`Deny ${who}`} onClick={props.onDeny}>
              Deny…
            </Button>
          </span>
        )}
      </td>
    </tr>
  );
}
