import type { DataSource } from 'typeorm';
import type { RequestScope } from '../../request/scope';
import { findScope } from '../../loaders/find-scope';
import { fromSqlDateTime, placeholders, toSqlDateTime } from '../../db/sql';
import { Permission, ScopeKind } from '../../domain/enums';
import { BadUserInputError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../domain/errors';
import { scopeColumn, scopeColumns, type ScopeRef } from '../../domain/scope';

/**
 * The audit log taken out of the service (docs/domain-rules.md §16): every event of a scope and
 * the scopes below it in a time range, newest first, read in keyset batches — so that a year of
 * a large organization's events streams in the memory of one batch.
 */

export type ExportFormat = 'ndjson' | 'csv';

export interface AuditExport {
  scope: ScopeRef;
  /** Inclusive. */
  from: Date | null;
  /** Exclusive. */
  to: Date | null;
  format: ExportFormat;
}

/** A person an event names, as the log's readers see them (docs/domain-rules.md §5). */
export interface NamedPerson {
  id: string;
  email: string | null;
  displayName: string | null;
  erased: boolean;
}

/** One exported event: the fields of `AuditEvent`, its people with their names. */
export interface ExportedEvent {
  id: string;
  action: string;
  occurredAt: string;
  actor: NamedPerson | null;
  scope: string;
  organizationId: string;
  workspaceId: string | null;
  domainId: string | null;
  subject: NamedPerson | null;
  email: string | null;
  /** The names the organization's directory sent for the actor and the subject (as `AuditEvent` has them). */
  actorDirectoryName: string | null;
  subjectDirectoryName: string | null;
  fromRole: string | null;
  toRole: string | null;
  before: string | null;
  after: string | null;
  requestId: string | null;
  source: string;
  provisioningTokenId: string | null;
}

const SCOPE_PARAMETERS: [string, ScopeKind][] = [
  ['organizationId', ScopeKind.ORGANIZATION],
  ['workspaceId', ScopeKind.WORKSPACE],
  ['domainId', ScopeKind.DOMAIN],
];

function moment(value: unknown, field: string): Date | null {
  if (value === undefined || value === '') return null;
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new BadUserInputError(`${field} must be an ISO-8601 date or date-time, e.g. 2026-01-01T00:00:00Z.`, field);
  }
  return date;
}

/**
 * Reads and checks an export's parameters (a query string's): exactly one of `organizationId`,
 * `workspaceId`, `domainId`; `from` and `to` as ISO-8601 (either may be left out); `format`
 * `ndjson` (the default) or `csv`. The caller needs READ_AUDIT_LOG at the scope: a scope they
 * may not see is NOT_FOUND, as one that does not exist.
 */
export async function openAuditExport(ctx: RequestScope, parameters: Record<string, unknown>): Promise<AuditExport> {
  if (!ctx.viewer) throw new UnauthenticatedError();
  const given = SCOPE_PARAMETERS.filter(([name]) => parameters[name] !== undefined);
  if (given.length !== 1 || typeof parameters[given[0][0]] !== 'string') {
    throw new BadUserInputError('Give exactly one of organizationId, workspaceId or domainId.', 'organizationId');
  }
  const [name, kind] = given[0];
  const from = moment(parameters.from, 'from');
  const to = moment(parameters.to, 'to');
  if (from && to && from >= to) throw new BadUserInputError('from must be before to.', 'from');
  const format = parameters.format ?? 'ndjson';
  if (format !== 'ndjson' && format !== 'csv') throw new BadUserInputError('format must be ndjson or csv.', 'format');
  const scope = await findScope(ctx, kind, parameters[name] as string);
  const label =
    kind === ScopeKind.ORGANIZATION ? 'Organization' : kind === ScopeKind.WORKSPACE ? 'Workspace' : 'Domain';
  if (!scope || !(await ctx.access.allows(scope, Permission.READ))) throw new NotFoundError(label);
  if (!(await ctx.access.allows(scope, Permission.READ_AUDIT_LOG))) {
    throw new ForbiddenError({ permission: Permission.READ_AUDIT_LOG });
  }
  return { scope, from, to, format };
}

/** Events per statement: the memory an export holds at once. */
export const EXPORT_BATCH = 1000;

/**
 * MariaDB reads a deep keyset batch by the scope column alone (it counts every newer event of the
 * scope before the first one it returns: an export of 100 000 events took 34 s instead of 1 s), so
 * it is told to walk the scope's (occurred_at, id) index; SQLite already does.
 */
function timeIndexHint(db: DataSource, column: ReturnType<typeof scopeColumn>): string {
  if (db.options.type !== 'mariadb' && db.options.type !== 'mysql') return '';
  const index = { organization_id: 'organization', workspace_id: 'workspace', domain_id: 'domain' }[column];
  return ` FORCE INDEX (IDX_audit_events_${index}_time)`;
}

/** The export's events, newest first, a batch at a time (one statement for the events, one for their people). */
export async function* exportedEvents(
  db: DataSource,
  request: Pick<AuditExport, 'scope' | 'from' | 'to'>,
  batchSize = EXPORT_BATCH,
): AsyncGenerator<ExportedEvent[]> {
  const column = scopeColumn(request.scope.kind);
  const scopeId = scopeColumns(request.scope).scopeId;
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const conditions: [string, unknown[]][] = [
      [`${column} = ?`, [scopeId]],
      ...(request.from ? [['occurred_at >= ?', [toSqlDateTime(request.from)]] as [string, unknown[]]] : []),
      ...(request.to ? [['occurred_at < ?', [toSqlDateTime(request.to)]] as [string, unknown[]]] : []),
      // The keyset: strictly after the last event of the previous batch, in (occurred_at, id) order.
      ...(after
        ? [['(occurred_at < ? OR (occurred_at = ? AND id < ?))', [after.at, after.at, after.id]] as [string, unknown[]]]
        : []),
    ];
    const where = conditions.map(([sql]) => sql);
    const params = conditions.flatMap(([, values]) => values);
    const rows: Record<string, unknown>[] = await db.query(
      `SELECT id, action, occurred_at, actor_id, scope, organization_id, workspace_id, domain_id, subject_id, email,
              from_role, to_role, before_value, after_value, request_id, source, provisioning_token_id
         FROM audit_events${timeIndexHint(db, column)} WHERE ${where.join(' AND ')} ORDER BY occurred_at DESC, id DESC LIMIT ${batchSize}`,
      params,
    );
    if (rows.length === 0) return;
    const people = await namedPeople(db, rows);
    const directory = await directoryNamesOf(db, request.scope.organizationId, rows);
    const byUser = (id: unknown) => (id ? (directory.get(`u:${id as string}`) ?? null) : null);
    yield rows.map((row) => ({
      id: row.id as string,
      action: row.action as string,
      occurredAt: fromSqlDateTime(row.occurred_at as Date | string).toISOString(),
      actor: row.actor_id ? (people.get(row.actor_id as string) ?? unknownPerson(row.actor_id as string)) : null,
      scope: row.scope as string,
      organizationId: row.organization_id as string,
      workspaceId: (row.workspace_id as string | null) ?? null,
      domainId: (row.domain_id as string | null) ?? null,
      subject: row.subject_id
        ? (people.get(row.subject_id as string) ?? unknownPerson(row.subject_id as string))
        : null,
      email: (row.email as string | null) ?? null,
      actorDirectoryName: byUser(row.actor_id),
      subjectDirectoryName: row.subject_id
        ? byUser(row.subject_id)
        : row.email
          ? (directory.get(`e:${row.email as string}`) ?? null)
          : null,
      fromRole: (row.from_role as string | null) ?? null,
      toRole: (row.to_role as string | null) ?? null,
      before: (row.before_value as string | null) ?? null,
      after: (row.after_value as string | null) ?? null,
      requestId: (row.request_id as string | null) ?? null,
      source: row.source as string,
      provisioningTokenId: (row.provisioning_token_id as string | null) ?? null,
    }));
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1];
    after = { at: toSqlDateTime(fromSqlDateTime(last.occurred_at as Date | string)), id: last.id as string };
  }
}

function unknownPerson(id: string): NamedPerson {
  return { id, email: null, displayName: null, erased: false };
}

async function namedPeople(db: DataSource, rows: Record<string, unknown>[]): Promise<Map<string, NamedPerson>> {
  const ids = [...new Set(rows.flatMap((row) => [row.actor_id, row.subject_id]).filter(Boolean))] as string[];
  if (ids.length === 0) return new Map();
  const users: Record<string, unknown>[] = await db.query(
    `SELECT id, email, display_name, erased_at FROM users WHERE id IN (${placeholders(ids.length)})`,
    ids,
  );
  return new Map(
    users.map((user) => [
      user.id as string,
      {
        id: user.id as string,
        email: user.email as string,
        displayName: (user.display_name as string | null) ?? null,
        erased: Boolean(user.erased_at),
      },
    ]),
  );
}

/**
 * The names the organization's directory sent (docs/domain-rules.md §15) for a batch's people, as
 * `u:<user id>`, and for the invited addresses of events without a subject, as `e:<address>`.
 */
async function directoryNamesOf(
  db: DataSource,
  organizationId: string,
  rows: Record<string, unknown>[],
): Promise<Map<string, string>> {
  const ids = [...new Set(rows.flatMap((row) => [row.actor_id, row.subject_id]).filter(Boolean))] as string[];
  const emails = [...new Set(rows.filter((row) => !row.subject_id && row.email).map((row) => row.email))] as string[];
  if (ids.length + emails.length === 0) return new Map();
  const which = [
    ...(ids.length ? [`user_id IN (${placeholders(ids.length)})`] : []),
    ...(emails.length ? [`email IN (${placeholders(emails.length)})`] : []),
  ].join(' OR ');
  const found: { user_id: string | null; email: string; display_name: string | null }[] = await db.query(
    `SELECT user_id, email, display_name FROM scim_users WHERE organization_id = ? AND (${which})`,
    [organizationId, ...ids, ...emails],
  );
  const names = new Map<string, string>();
  for (const row of found) {
    const name = row.display_name?.trim();
    if (!name) continue;
    if (row.user_id) names.set(`u:${row.user_id}`, name);
    names.set(`e:${row.email}`, name);
  }
  return names;
}

/** The CSV's columns, in order: the event's fields with its people flattened. */
export const CSV_COLUMNS = [
  'id',
  'action',
  'occurredAt',
  'actorId',
  'actorEmail',
  'actorName',
  'scope',
  'organizationId',
  'workspaceId',
  'domainId',
  'subjectId',
  'subjectEmail',
  'subjectName',
  'email',
  'fromRole',
  'toRole',
  'before',
  'after',
  'requestId',
  'source',
  'provisioningTokenId',
] as const;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled.
 * A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return) — or one starting with an apostrophe — gets an apostrophe in front (OWASP's
 * advice against CSV injection): a reader strips one leading apostrophe to get the value back.
 */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r']/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(event: ExportedEvent): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string | null> = {
    id: event.id,
    action: event.action,
    occurredAt: event.occurredAt,
    actorId: event.actor?.id ?? null,
    actorEmail: event.actor?.email ?? null,
    actorName: event.actor?.displayName ?? event.actorDirectoryName,
    scope: event.scope,
    organizationId: event.organizationId,
    workspaceId: event.workspaceId,
    domainId: event.domainId,
    subjectId: event.subject?.id ?? null,
    subjectEmail: event.subject?.email ?? null,
    subjectName: event.subject?.displayName ?? event.subjectDirectoryName,
    email: event.email,
    fromRole: event.fromRole,
    toRole: event.toRole,
    before: event.before,
    after: event.after,
    requestId: event.requestId,
    source: event.source,
    provisioningTokenId: event.provisioningTokenId,
  };
  return `${CSV_COLUMNS.map((column) => csvCell(cells[column])).join(',')}\r\n`;
}

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;
