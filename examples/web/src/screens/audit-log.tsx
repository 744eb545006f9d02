import { useState } from 'react';
import { AUDIT_GROUPS, auditLabel } from '../audit';
import { ErrorMessage } from '../errors';
import {
  type AuditAction,
  type AuditLogFilter,
  type ChangeSource,
  type WebAuditEventFragment,
  type WebUserFragment,
  WebAuditLogDocument,
} from '../generated';
import { endOfDay, formatDate, formatDateTime, formatRelative } from '../format';
import { useLiveQuery } from '../live';
import { ROLE_LABEL } from '../roles';
import { FIRST_PAGE, updateSearch, useLocation } from '../router';
import { Button } from '../ui/button';
import { SelectField, TextField } from '../ui/fields';
import { type Column, DataTable } from '../ui/data-table';
import { Empty, Loading } from '../ui/misc';
import { usePagedConnection } from '../ui/paged';
import { type ExportFormat, useExport } from './audit-export';
import { Avatar } from '../ui/person';
import { type Frame, SectionHeading, useOrganization } from '../organization-context';
import { PersonFilter, useAuditPeople } from './audit-person-filter';

const PAGE_SIZE = 25;
const FILTER_KEYS = ['action', 'actor', 'subject', 'since', 'until'] as const;

/** "2026-03-01" → the start of that day (or of a day `plusDays` later), local time. */
const startOfDay = (day: string, plusDays = 0) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
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
  const paged = usePagedConnection(`audit:${scope?.id}:${FILTER_KEYS.map(value).join('|')}`, PAGE_SIZE);
  const [{ data, error, fetching }] = useLiveQuery({
    query: WebAuditLogDocument,
    variables: {
      id: scope?.id ?? '',
      isOrganization: scope?.kind === 'ORGANIZATION',
      isWorkspace: scope?.kind === 'WORKSPACE',
      isDomain: scope?.kind === 'DOMAIN',
      filter,
      ...paged.variables,
    },
    pause: !scope,
  });
  const log = data?.organization?.auditLog ?? data?.workspace?.auditLog ?? data?.domain?.auditLog;
  // The people the log names, found on the server: members and those who have left alike.
  const [personSearch, setPersonSearch] = useState('');
  const everyone = useAuditPeople(
    scope,
    personSearch,
    (log?.nodes ?? []).flatMap((e) => [e.actor, e.subject]),
  );
  const setFilter = (key: string, next: string) => updateSearch({ [key]: next, ...FIRST_PAGE });
  const exported = useExport();
  const [format, setFormat] = useState<ExportFormat>('csv');
  // The export takes the scope and the dates; it has no filter by action or person.
  const unexportedFilters = ['action', 'actor', 'subject'].some((key) => params.get(key));

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
        <TextField
          label="Find a person"
          type="search"
          className="field-narrow"
          placeholder="Name or address"
          value={personSearch}
          onChange={(e) => setPersonSearch(e.target.value)}
        />
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
        <span className="spacer" />
        <div className="cluster export" role="group" aria-labelledby="export-label">
          <span id="export-label" className="visually-hidden">
            Export
          </span>
          <SelectField
            label="Export as"
            className="field-narrow"
            value={format}
            onChange={(e) => setFormat(e.target.value as ExportFormat)}
          >
            <option value="csv">CSV (spreadsheets)</option>
            <option value="ndjson">NDJSON (one JSON event a line)</option>
          </SelectField>
          <Button
            busy={exported.busy}
            disabled={!scope}
            aria-describedby={unexportedFilters ? 'export-note' : undefined}
            onClick={() =>
              scope &&
              exported.run({
                scope,
                format,
                from: value('since') ? startOfDay(value('since')) : null,
                to: value('until') ? startOfDay(value('until'), 1) : null,
              })
            }
          >
            Export
          </Button>
        </div>
        {unexportedFilters && (
          <p id="export-note" className="small muted export-note">
            The export holds every event of {scope?.kind === 'ORGANIZATION' ? 'the organization' : scope?.phrase}
            {value('since') || value('until') ? ' between the dates chosen' : ''}: it cannot filter by action or person.
          </p>
        )}
      </form>
      <ErrorMessage error={error} />
      {fetching && !log && <Loading what="the audit log" />}
      {log && log.nodes.length === 0 && (
        <Empty>{filtered ? 'No event matches these filters.' : 'Nothing happened yet.'}</Empty>
      )}
      {log && log.nodes.length > 0 && scope && (
        <DataTable
          caption={`Events${scope.kind === 'ORGANIZATION' ? '' : ` of ${scope.phrase}`}, newest first`}
          columns={auditColumns(organization)}
          rows={log.nodes}
          rowKey={(event) => event.id}
        >
          {paged.pager(log, 'Audit log pages')}
        </DataTable>
      )}
    </section>
  );
}

// What an erasure leaves of an address: erased-<their id>@invalid (the id may itself hold an @).
const ERASED_ADDRESS = /^erased-.*@invalid$/;

/**
 * Who acted when no person did: a directory, the identity provider, or the service itself — an
 * operator's command (npm run erase-user, grant-admin) or its own jobs.
 */
const NOBODY: Record<ChangeSource, string> = {
  USER: 'The system',
  SYSTEM: 'The service (an operator or a scheduled job)',
  PROVISIONING: 'Your directory',
  IDENTITY_PROVIDER: 'The identity provider',
};

/**
 * How the log names a person: their own name, else the one their directory sent (SCIM), else their
 * address; an erased one has no name or address left to show.
 */
const who = (user: WebUserFragment | null | undefined, directoryName?: string | null) =>
  user ? (user.erased ? 'Erased person' : (user.displayName ?? directoryName ?? user.email)) : null;

/** The event as a sentence's worth of detail: about whom, and the roles before and after. */
function detailOf(event: WebAuditEventFragment): string {
  // An erasure replaces the invited address in the log too (erased-<id>@invalid).
  const about =
    who(event.subject, event.subjectDirectoryName) ??
    (event.email && ERASED_ADDRESS.test(event.email) ? 'Erased person' : (event.subjectDirectoryName ?? event.email));
  const roles =
    event.fromRole && event.toRole
      ? `${ROLE_LABEL[event.fromRole]} → ${ROLE_LABEL[event.toRole]}`
      : event.toRole
        ? `as ${ROLE_LABEL[event.toRole]}`
        : event.fromRole
          ? `was ${ROLE_LABEL[event.fromRole]}`
          : null;
  // Who asked for an erasure: the identity provider's event, or an operator's command.
  const erasedBy =
    event.action === 'USER_ERASED'
      ? event.source === 'IDENTITY_PROVIDER'
        ? "at the identity provider's request"
        : event.source === 'SYSTEM'
          ? 'by an operator (npm run erase-user)'
          : null
      : null;
  return [about, roles, changeOf(event), erasedBy].filter(Boolean).join(', ');
}

/** The events whose before/after are an end of access (null: lasting). */
const ACCESS_END: AuditAction[] = ['MEMBER_EXPIRY_CHANGED', 'MEMBER_ROLE_CHANGED', 'INVITATION_RESENT'];
/** The events that give access, whose `after` is when it ends. */
const GIVES_ACCESS: AuditAction[] = ['MEMBER_ADDED', 'INVITATION_CREATED'];

/** What a setting was and became: "5 → 12", "was Okta", "now 31 Jan 2030"; day values shown as days. */
function changeOf(event: WebAuditEventFragment): string | null {
  const shown = (value: string | null | undefined) =>
    value && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(value) ? formatDate(value) : value;
  const [before, after] = [shown(event.before), shown(event.after)];
  const none =
    event.action === 'SEAT_LIMIT_CHANGED' ? 'no limit' : ACCESS_END.includes(event.action) ? 'lasting' : null;
  if (before && after) return `${before} → ${after}`;
  // Access given with an end: until when.
  if (after && GIVES_ACCESS.includes(event.action)) return `until ${after}`;
  if (after) return none ? `${none} → ${after}` : `now ${after}`;
  if (before) return none ? `${before} → ${none}` : `was ${before}`;
  return null;
}

/** The log's columns: what happened (and to whom), who did it, where, when. */
function auditColumns(organization: Frame): Column<WebAuditEventFragment>[] {
  const where = (event: WebAuditEventFragment) => {
    const workspace = organization.workspaces.find((w) => w.id === event.workspaceId);
    const domain = workspace?.domains.find((d) => d.id === event.domainId);
    return event.scope === 'ORGANIZATION'
      ? organization.name
      : event.scope === 'WORKSPACE'
        ? (workspace?.name ?? 'a deleted workspace')
        : (domain?.hostname ?? 'a deleted domain');
  };
  return [
    {
      header: 'What',
      primary: true,
      cell: (event) => {
        const detail = detailOf(event);
        return (
          <span className="stack-sm">
            <strong>{auditLabel(event.action)}</strong>
            {detail && <span className="small">{detail}</span>}
          </span>
        );
      },
    },
    {
      header: 'Done by',
      cell: (event) =>
        event.actor ? (
          <span className="person">
            <Avatar name={who(event.actor, event.actorDirectoryName)} email={event.actor.email} small />
            <span>{who(event.actor, event.actorDirectoryName)}</span>
          </span>
        ) : (
          <span className="muted">{NOBODY[event.source]}</span>
        ),
    },
    { header: 'Where', cell: where },
    {
      header: 'When',
      cell: (event) => (
        <>
          <time dateTime={event.occurredAt} title={formatDateTime(event.occurredAt)}>
            {formatRelative(event.occurredAt)}
          </time>
          <span className="small muted" style={{ display: 'block' }}>
            {formatDateTime(event.occurredAt)}
          </span>
        </>
      ),
    },
  ];
}
