import { useQuery } from 'urql';
import { AUDIT_GROUPS, auditLabel } from '../audit';
import { ErrorMessage } from '../errors';
import {
  type AuditAction,
  type AuditLogFilter,
  type ChangeSource,
  type WebAuditEventFragment,
  type WebUserFragment,
  WebAuditLogDocument,
  WebAuditPeopleDocument,
} from '../generated';
import { endOfDay, formatDateTime, formatRelative } from '../format';
import { useLiveQuery } from '../live';
import { ROLE_LABEL } from '../roles';
import { FIRST_PAGE, updateSearch, useKeysetPage, useLocation } from '../router';
import { Button } from '../ui/button';
import { SelectField, TextField } from '../ui/fields';
import { Empty, Loading, Pager } from '../ui/misc';
import { Avatar } from '../ui/person';
import { type ScopeView, SectionHeading, useOrganization } from '../organization-context';

const PAGE_SIZE = 25;
const FILTER_KEYS = ['action', 'actor', 'subject', 'since', 'until'] as const;

/** "2026-03-01" → the start of that day, local time. */
const startOfDay = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d).toISOString();
};

/**
 * The audit log: every change, newest first, filtered by action, by who did it, by whom it is
 * about and by time, a page at a time; all of it in the URL. An organization Admin reads the
 * whole organization's; a workspace or domain Admin, their scope's.
 */
export function AuditLogSection() {
  const { organization, organizationScope, workspaceScopes, domainScopes } = useOrganization();
  const location = useLocation();
  const params = location.searchParams;
  const readable = [organizationScope, ...workspaceScopes, ...domainScopes].filter((s) =>
    s.permissions.includes('READ_AUDIT_LOG'),
  );
  const scope = readable.find((s) => s.id === params.get('scope')) ?? readable[0];
  const value = (key: (typeof FILTER_KEYS)[number]) => params.get(key) ?? '';
  const filter: AuditLogFilter = {
    actions: value('action') ? [value('action') as AuditAction] : null,
    actorId: value('actor') || null,
    subjectId: value('subject') || null,
    since: value('since') ? startOfDay(value('since')) : null,
    until: value('until') ? endOfDay(value('until')) : null,
  };
  const filtered = FILTER_KEYS.some((key) => value(key) !== '');
  const pages = useKeysetPage(`audit:${scope?.id}:${FILTER_KEYS.map(value).join('|')}`, location);
  const [{ data, error, fetching }] = useLiveQuery({
    query: WebAuditLogDocument,
    variables: {
      id: scope?.id ?? '',
      isOrganization: scope?.kind === 'ORGANIZATION',
      isWorkspace: scope?.kind === 'WORKSPACE',
      isDomain: scope?.kind === 'DOMAIN',
      filter,
      after: pages.after,
      first: PAGE_SIZE,
    },
    pause: !scope,
  });
  const [people] = useQuery({ query: WebAuditPeopleDocument, variables: { id: organization.id } });
  const log = data?.organization?.auditLog ?? data?.workspace?.auditLog ?? data?.domain?.auditLog;
  // The members, and anyone named on this page who is no longer one.
  const known = new Map<string, WebUserFragment>();
  for (const m of people.data?.organization?.members?.nodes ?? []) known.set(m.user.id, m.user);
  for (const e of log?.nodes ?? []) {
    for (const u of [e.actor, e.subject]) if (u && !known.has(u.id)) known.set(u.id, u);
  }
  const everyone = [...known.values()].sort((a, b) => who(a)!.localeCompare(who(b)!));
  const setFilter = (key: string, next: string) => updateSearch({ [key]: next, ...FIRST_PAGE });

  return (
    <section aria-labelledby="section-heading">
      <SectionHeading lede="Every change to membership, access, settings and billing: who, what, where and when.">
        Audit log
      </SectionHeading>
      <form
        className="card toolbar filters"
        role="search"
        aria-label="Audit log filters"
        onSubmit={(e) => e.preventDefault()}
      >
        {readable.length > 1 && (
          <SelectField
            label="Scope"
            className="field-narrow"
            value={scope?.id ?? ''}
            onChange={(e) => updateSearch({ scope: e.target.value, ...FIRST_PAGE })}
          >
            {readable.map((s) => (
              <option key={s.id} value={s.id}>
                {s.kind === 'ORGANIZATION' ? 'All scopes' : s.kind === 'WORKSPACE' ? `Workspace ${s.label}` : s.label}
              </option>
            ))}
          </SelectField>
        )}
        <SelectField
          label="Action"
          className="field-narrow"
          value={value('action')}
          onChange={(e) => setFilter('action', e.target.value)}
        >
          <option value="">Any action</option>
          {AUDIT_GROUPS.map((group) => (
            <optgroup key={group.label} label={group.label}>
              {group.actions.map((action) => (
                <option key={action} value={action}>
                  {auditLabel(action)}
                </option>
              ))}
            </optgroup>
          ))}
        </SelectField>
        <PersonFilter
          label="Done by"
          value={value('actor')}
          people={everyone}
          onChange={(v) => setFilter('actor', v)}
        />
        <PersonFilter
          label="About"
          value={value('subject')}
          people={everyone}
          onChange={(v) => setFilter('subject', v)}
        />
        <TextField
          label="From"
          type="date"
          className="field-date"
          value={value('since')}
          max={value('until') || undefined}
          onChange={(e) => setFilter('since', e.target.value)}
        />
        <TextField
          label="To"
          type="date"
          className="field-date"
          value={value('until')}
          min={value('since') || undefined}
          onChange={(e) => setFilter('until', e.target.value)}
        />
        {filtered && (
          <Button
            onClick={() =>
              updateSearch({ action: null, actor: null, subject: null, since: null, until: null, ...FIRST_PAGE })
            }
          >
            Clear filters
          </Button>
        )}
        {/* The export (CSV, NDJSON) of what is filtered here takes its place beside these. */}
      </form>
      <ErrorMessage error={error} />
      {fetching && !log && <Loading what="the audit log" />}
      {log && log.nodes.length === 0 && (
        <Empty>{filtered ? 'No event matches these filters.' : 'Nothing happened yet.'}</Empty>
      )}
      {log && log.nodes.length > 0 && scope && (
        <div className="table-wrap">
          <table className="data-table">
            <caption>Events{scope.kind === 'ORGANIZATION' ? '' : ` of ${scope.phrase}`}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Done by</th>
                <th scope="col">Where</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {log.nodes.map((event) => (
                <AuditRow key={event.id} event={event} scope={scope} />
              ))}
            </tbody>
          </table>
          <Pager
            label="Audit log pages"
            page={pages.page}
            pageSize={PAGE_SIZE}
            shown={log.nodes.length}
            hasNext={log.pageInfo.hasNextPage}
            onNext={() => pages.next(log.pageInfo.endCursor)}
            onPrevious={pages.previous}
            onFirst={pages.first}
          />
        </div>
      )}
    </section>
  );
}

function PersonFilter(props: {
  label: string;
  value: string;
  people: WebUserFragment[];
  onChange: (value: string) => void;
}) {
  // Erased people have nothing left to tell them apart by: they are numbered.
  const erased = props.people.filter((user) => user.erased);
  return (
    <SelectField
      label={props.label}
      className="field-narrow"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    >
      <option value="">Anyone</option>
      {props.people.map((user) => (
        <option key={user.id} value={user.id}>
          {user.erased
            ? `Erased person${erased.length > 1 ? ` ${erased.indexOf(user) + 1}` : ''}`
            : user.displayName
              ? `${user.displayName} (${user.email})`
              : user.email}
        </option>
      ))}
    </SelectField>
  );
}

// What an erasure leaves of an address: erased-<their id>@invalid (the id may itself hold an @).
const ERASED_ADDRESS = /^erased-.*@invalid$/;

/** Who acted when no person did: a directory, the identity provider, or the service itself. */
const NOBODY: Record<ChangeSource, string> = {
  USER: 'The system',
  SYSTEM: 'The system',
  PROVISIONING: 'Your directory',
  IDENTITY_PROVIDER: 'The identity provider',
};

/** How the log names a person: an erased one has no name or address left to show. */
const who = (user: WebUserFragment | null | undefined) =>
  user ? (user.erased ? 'Erased person' : (user.displayName ?? user.email)) : null;

/** The event as a sentence's worth of detail: about whom, and the roles before and after. */
function detailOf(event: WebAuditEventFragment): string {
  // An erasure replaces the invited address in the log too (erased-<id>@invalid).
  const about = who(event.subject) ?? (event.email && ERASED_ADDRESS.test(event.email) ? 'Erased person' : event.email);
  const roles =
    event.fromRole && event.toRole
      ? `${ROLE_LABEL[event.fromRole]} → ${ROLE_LABEL[event.toRole]}`
      : event.toRole
        ? `as ${ROLE_LABEL[event.toRole]}`
        : event.fromRole
          ? `was ${ROLE_LABEL[event.fromRole]}`
          : null;
  return [about, roles].filter(Boolean).join(', ');
}

function AuditRow(props: { event: WebAuditEventFragment; scope: ScopeView }) {
  const { event } = props;
  const { organization } = useOrganization();
  const workspace = organization.workspaces.find((w) => w.id === event.workspaceId);
  const domain = workspace?.domains.find((d) => d.id === event.domainId);
  const where =
    event.scope === 'ORGANIZATION'
      ? organization.name
      : event.scope === 'WORKSPACE'
        ? (workspace?.name ?? 'a deleted workspace')
        : (domain?.hostname ?? 'a deleted domain');
  const detail = detailOf(event);
  return (
    <tr>
      <td className="primary-cell">
        <span className="stack-sm">
          <strong>{auditLabel(event.action)}</strong>
          {detail && <span className="small">{detail}</span>}
        </span>
      </td>
      <td data-label="Done by">
        {event.actor ? (
          <span className="person">
            <Avatar name={who(event.actor)} email={event.actor.email} small />
            <span>{who(event.actor)}</span>
          </span>
        ) : (
          <span className="muted">{NOBODY[event.source]}</span>
        )}
      </td>
      <td data-label="Where">{where}</td>
      <td data-label="When">
        <time dateTime={event.occurredAt} title={formatDateTime(event.occurredAt)}>
          {formatRelative(event.occurredAt)}
        </time>
        <span className="small muted" style={{ display: 'block' }}>
          {formatDateTime(event.occurredAt)}
        </span>
      </td>
    </tr>
  );
}
