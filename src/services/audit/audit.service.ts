import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditEvent } from '../../../entities/audit-event.entity';
import { WebhookDelivery, WebhookEndpoint } from '../../../entities/webhook.entity';
import type { RequestScope } from '../../request/scope';
import { AuditAction, ChangeSource, DeliveryStatus, type Role } from '../../domain/enums';
import { scopeColumn, type ScopeRef, scopeColumns } from '../../domain/scope';
import { toSqlDateTime } from '../../db/sql';
import type { Page } from '../../db/pagination';
import { newestFirstPage } from '../../db/pagination';

/**
 * The audit log (docs/domain-rules.md §12): every service transaction that changes membership, access, settings
 * or billing writes its event with `recordAudit`, through the same EntityManager, so the event
 * commits with the change or not at all. Never from a resolver, never after commit.
 */

/**
 * Who is acting, for the log: the signed-in caller and the request, a directory (its provisioning
 * token), the identity provider, or the service itself.
 */
export interface AuditActor {
  /** When the change is made (the request's moment, or the job's): the events' `occurredAt`. */
  at: Date;
  actorId: string | null;
  requestId: string | null;
  source: ChangeSource;
  /** The provisioning token behind a directory's change. */
  provisioningTokenId?: string | null;
}

/** The service itself, at `at`: an expiry, a disabled endpoint, a retention sweep. */
export function systemActor(at: Date): AuditActor {
  return { at, actorId: null, requestId: null, source: ChangeSource.SYSTEM };
}

/**
 * The scope's actor, for the log, at the scope's moment: a person (or no one) as USER, a directory
 * as PROVISIONING with its token, the identity provider, and the system (jobs, commands; no request).
 */
export function auditActorOf(scope: Pick<RequestScope, 'actor' | 'requestId' | 'now'>): AuditActor {
  const { actor, now: at, requestId } = scope;
  switch (actor.kind) {
    case 'person':
      return { at, actorId: actor.viewer.id, requestId, source: ChangeSource.USER };
    case 'anonymous':
      return { at, actorId: null, requestId, source: ChangeSource.USER };
    case 'provisioning':
      return { at, actorId: null, requestId, source: ChangeSource.PROVISIONING, provisioningTokenId: actor.token.id };
    case 'service':
      return actor.service === 'identity-provider'
        ? { at, actorId: null, requestId, source: ChangeSource.IDENTITY_PROVIDER }
        : { ...systemActor(at), requestId };
    case 'system':
      return systemActor(at);
  }
}

export interface AuditFacts {
  action: AuditAction;
  scope: ScopeRef;
  subjectId?: string | null;
  email?: string | null;
  fromRole?: Role | null;
  toRole?: Role | null;
  /** The custom role the event is about, or given with `toRole` (docs/domain-rules.md §18), by name. */
  customRole?: string | null;
  /** What the setting was and became, as text (a seat limit, billing details, an end of access, a token name). */
  before?: string | number | Date | null;
  after?: string | number | Date | null;
}

/** A value for `before`/`after`: null stays null, the rest as text cut to the column's 500 characters. */
export function auditValue(value: string | number | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value instanceof Date ? value.toISOString() : String(value);
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7 (time first, then a per-process sequence, then randomness), so that `id` — the
 * tie-break of the log's order — follows the order events were written within a millisecond.
 */
export function auditEventId(now: number): string {
  if (now <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1;
  } else {
    lastMs = now;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  const ms = BigInt(lastMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Writes one event inside the caller's transaction, and queues its delivery to every enabled
 * webhook endpoint of the organization that wants its action, in the same transaction: an event
 * that commits is delivered, one that rolls back is neither kept nor sent.
 */
export async function recordAudit(em: EntityManager, actor: AuditActor, facts: AuditFacts): Promise<void> {
  const { scopeId: _scopeId, ...columns } = scopeColumns(facts.scope);
  const event = Object.assign(new AuditEvent(), {
    id: auditEventId(actor.at.getTime()),
    action: facts.action,
    occurredAt: actor.at,
    actorId: actor.actorId,
    ...columns,
    subjectId: facts.subjectId ?? null,
    email: facts.email ?? null,
    fromRole: facts.fromRole ?? null,
    toRole: facts.toRole ?? null,
    customRole: facts.customRole ?? null,
    before: auditValue(facts.before),
    after: auditValue(facts.after),
    requestId: actor.requestId,
    source: actor.source,
    provisioningTokenId: actor.provisioningTokenId ?? null,
  });
  await em.insert(AuditEvent, event);
  await queueWebhookDeliveries(em, event);
}

/** The body of docs/domain-rules.md §12, fixed when queued so that every attempt sends the same bytes. */
export function webhookBody(event: AuditEvent): string {
  return JSON.stringify({
    type: event.action,
    timestamp: event.occurredAt.toISOString(),
    data: {
      id: event.id,
      action: event.action,
      occurredAt: event.occurredAt.toISOString(),
      actorId: event.actorId,
      scope: event.scope,
      organizationId: event.organizationId,
      workspaceId: event.workspaceId,
      domainId: event.domainId,
      subjectId: event.subjectId,
      email: event.email,
      fromRole: event.fromRole,
      toRole: event.toRole,
      customRole: event.customRole,
      requestId: event.requestId,
      source: event.source,
    },
  });
}

async function queueWebhookDeliveries(em: EntityManager, event: AuditEvent): Promise<void> {
  const endpoints = await em.findBy(WebhookEndpoint, { organizationId: event.organizationId, enabled: true });
  const wanted = endpoints.filter((e) => e.actions.length === 0 || e.actions.includes(event.action));
  if (wanted.length === 0) return;
  const body = webhookBody(event);
  for (const endpoint of wanted) {
    await em.insert(WebhookDelivery, {
      id: randomUUID(),
      endpointId: endpoint.id,
      organizationId: event.organizationId,
      eventId: event.id,
      action: event.action,
      url: endpoint.url,
      secret: endpoint.secret,
      body,
      status: DeliveryStatus.PENDING,
      attempts: 0,
      lastAttemptAt: null,
      responseStatus: null,
      lastError: null,
      nextAttemptAt: event.occurredAt,
      claimToken: null,
      claimedUntil: null,
      createdAt: event.occurredAt,
      updatedAt: event.occurredAt,
    });
  }
}

export interface AuditLogArgs {
  first?: number | null;
  after?: string | null;
  filter?: {
    actions?: AuditAction[] | null;
    actorId?: string | null;
    subjectId?: string | null;
    since?: Date | null;
    until?: Date | null;
  } | null;
}

/**
 * A scope's log with the scopes below it, newest first, keyset-paginated on (occurred_at, id);
 * the rule on the field has checked READ_AUDIT_LOG there.
 */
export async function auditLog(ctx: RequestScope, scope: ScopeRef, args: AuditLogArgs): Promise<Page<AuditEvent>> {
  const filter = args.filter ?? {};
  const query = ctx.db
    .getRepository(AuditEvent)
    .createQueryBuilder('e')
    .where(`e.${scopeColumn(scope.kind)} = :scopeId`, { scopeId: scopeColumns(scope).scopeId });
  if (filter.actions?.length) query.andWhere('e.action IN (:...actions)', { actions: filter.actions });
  if (filter.actorId) query.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
  if (filter.subjectId) query.andWhere('e.subject_id = :subjectId', { subjectId: filter.subjectId });
  if (filter.since) query.andWhere('e.occurred_at >= :since', { since: toSqlDateTime(filter.since) });
  if (filter.until) query.andWhere('e.occurred_at <= :until', { until: toSqlDateTime(filter.until) });
  const page = await newestFirstPage(query, 'e', 'occurred_at', (event) => event.occurredAt, args);
  // The readers of a log see the people it names, also those who have left since (docs/domain-rules.md §5).
  ctx.access.noteNamedInLog(page.nodes.flatMap((event) => [event.actorId, event.subjectId]));
  return page;
}
