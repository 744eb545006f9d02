import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AccessRequest } from '../../../entities/access-request.entity';
import { EmailDomain } from '../../../entities/email-domain.entity';
import type { Membership } from '../../../entities/membership.entity';
import { assertMayGrantRole, earlier, grantableUntil } from '../../../permissions/access';
import { fromSqlDateTime, isUniqueViolation, toSqlDateTime } from '../../db/sql';
import { findLocked, withOrganizationLock } from '../../db/transaction';
import { AccessRequestStatus, AuditAction, EnrollmentMode, Permission, Role, ScopeKind } from '../../domain/enums';
import {
  AccessRequestNotPendingError,
  AccessRequestPendingError,
  AlreadyMemberError,
  NotFoundError,
  RateLimitedError,
} from '../../domain/errors';
import { scopeColumns, scopeId, scopeInputTarget, scopeOfRow, type ScopeRef } from '../../domain/scope';
import { validFutureMoment, validNote } from '../../domain/validation';
import type { RequestScope } from '../../request/scope';
import { requireViewer } from '../../request/scope';
import { findScope } from '../../loaders/find-scope';
import { auditActorOf, recordAudit } from '../audit/audit.service';
import { expireRequest, notPending, recordWithdrawal, settle } from './access-request-rows';
import { assertScopeExists, grantMembership } from '../memberships/membership-grants';
import { customRoleToGive } from '../roles/custom-roles.service';
import { assertSeatFor } from '../billing/seats.service';
import { queueDecisionEmail, scopeLabelOf } from './access-request-email';

/**
 * Requests to join (docs/domain-rules.md §20): asking, approving, denying, withdrawing. Every
 * change runs in the organization's lock (`withOrganizationLock`), the one place where who belongs
 * to it changes: an approval and a withdrawal, two approvals, or two requests of one person
 * take turns, and the request's status moves by a conditional update, so only one of them wins.
 */

const HOUR_MS = 3_600_000;
/** A request unanswered this long expires. */
export const ACCESS_REQUEST_TTL_MS = 30 * 24 * HOUR_MS;
/** At most this many requests an hour per person. */
export const ACCESS_REQUESTS_PER_HOUR = 10;

const requestNotFound = () => new NotFoundError('Access request');
const pendingKeyOf = (scope: ScopeRef, userId: string) => `${scopeId(scope)}:${userId}`;

/**
 * Inside the lock: the hourly limit of one person's requests, counted over the last hour in the
 * requests themselves. The person's row is written first, so that their requests to different
 * organizations take turns too (and conflict on a Galera cluster).
 */
async function assertUnderHourlyLimit(em: EntityManager, userId: string, now: Date): Promise<void> {
  await em.query('UPDATE users SET updated_at = ? WHERE id = ?', [toSqlDateTime(now), userId]);
  const recent: { created_at: Date | string }[] = await em.query(
    'SELECT created_at FROM access_requests WHERE requester_id = ? AND created_at > ? ORDER BY created_at ASC',
    [userId, toSqlDateTime(new Date(now.getTime() - HOUR_MS))],
  );
  if (recent.length < ACCESS_REQUESTS_PER_HOUR) return;
  const oldest = fromSqlDateTime(recent[0].created_at);
  const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + HOUR_MS - now.getTime()) / 1000));
  throw new RateLimitedError(retryAfter, 'Too many requests to join in this hour. Try again later.');
}

/**
 * `requestAccess`: an organization through one of its verified REQUEST email domains matching the
 * caller's verified address, or a workspace or domain the caller (a member of its organization)
 * may see. Anyone else hears NOT_FOUND, as for what does not exist.
 */
export async function requestAccess(
  ctx: RequestScope,
  input: { scope: Parameters<typeof scopeInputTarget>[0]; message?: string | null },
): Promise<AccessRequest> {
  const viewer = requireViewer(ctx);
  const message = validNote(input.message, 'message');
  const target = scopeInputTarget(input.scope);
  const scope = await findScope(ctx, target.kind, target.id);
  const notFound = () => new NotFoundError(target.kind === ScopeKind.ORGANIZATION ? 'Organization' : 'Scope');
  if (!scope) throw notFound();
  const held = await ctx.access.memberships();
  if (held.some((m) => m.scopeId === scopeId(scope))) throw new AlreadyMemberError('You are already a member here.');
  if (scope.kind === ScopeKind.ORGANIZATION) {
    if ((await ctx.access.joinModeIn(scope.organizationId)) !== EnrollmentMode.REQUEST) throw notFound();
  } else {
    const access = await ctx.access.at(scope);
    if (!access.permissions.has(Permission.READ)) throw await ctx.access.refusal(scope, Permission.READ, notFound());
    // An effective ADMIN (an organization's, a workspace's over its domains) has all there is to ask for.
    if (access.role === Role.ADMIN) throw new AlreadyMemberError('You are already an ADMIN here.');
  }
  const email = viewer.identity.email;
  const now = ctx.now;
  const request = Object.assign(new AccessRequest(), {
    id: randomUUID(),
    ...scopeColumns(scope),
    requesterId: viewer.id,
    message,
    status: AccessRequestStatus.PENDING,
    pendingKey: pendingKeyOf(scope, viewer.id),
    expiresAt: new Date(now.getTime() + ACCESS_REQUEST_TTL_MS),
    decidedAt: null,
    decidedById: null,
    reason: null,
    notifiedAt: null,
    createdAt: now,
    updatedAt: now,
  });
  const pendingOne = async () => {
    const existing = await ctx.db.getRepository(AccessRequest).findOneBy({ pendingKey: request.pendingKey as string });
    return existing ? new AccessRequestPendingError(existing.id) : null;
  };
  try {
    await withOrganizationLock(
      ctx.db,
      scope.organizationId,
      async (em) => {
        // Decided again inside the lock: the domain, the scope or the person's standing may have changed.
        if (scope.kind === ScopeKind.ORGANIZATION) {
          const domain = email.slice(email.lastIndexOf('@') + 1);
          const open = await em.findOneBy(EmailDomain, {
            organizationId: scope.organizationId,
            verifiedDomain: domain,
            enrollment: EnrollmentMode.REQUEST,
          });
          if (!open || !viewer.identity.emailVerified) throw notFound();
        } else {
          await assertScopeExists(em, scope);
        }
        const existing = await findLocked(em, AccessRequest, { pendingKey: request.pendingKey as string });
        if (existing && !(await expireRequest(em, existing, now))) throw new AccessRequestPendingError(existing.id);
        await assertUnderHourlyLimit(em, viewer.id, now);
        await em.insert(AccessRequest, request);
        await recordAudit(em, auditActorOf(ctx), {
          action: AuditAction.ACCESS_REQUESTED,
          scope,
          subjectId: viewer.id,
          email,
        });
      },
      notFound,
    );
  } catch (error) {
    // Two requests of one person for one scope through different nodes: the unique index lets one in.
    if (isUniqueViolation(error)) throw (await pendingOne()) ?? error;
    throw error;
  }
  ctx.loaders.accessRequestsByRequester.clear(viewer.id);
  return request;
}

async function mustFind(ctx: RequestScope, id: string): Promise<AccessRequest> {
  const request = await ctx.loaders.accessRequest.load(id);
  if (!request) throw requestNotFound();
  return request;
}

function assertPending(ctx: RequestScope, request: AccessRequest): void {
  const status = request.effectiveStatus(ctx.now);
  if (status !== AccessRequestStatus.PENDING) throw new AccessRequestNotPendingError(status);
}

async function requesterFacts(em: EntityManager, userId: string) {
  const [row] = await em.query('SELECT email, erased_at FROM users WHERE id = ?', [userId]);
  return { email: row && !row.erased_at ? String(row.email) : '' };
}

/**
 * `approveAccessRequest` (MANAGE_MEMBERS at the request's scope, checked by the rule): the rules
 * of an invitation apply to what is given — a role the scope accepts and not above the approver's
 * own, a custom role only from an ADMIN of the scope, an expiry no later than the approver's own
 * access, and a seat — and the membership is made as accepting an invitation makes it. The
 * request ends APPROVED, its audit event and the email to the requester in the same transaction.
 */
export async function approveAccessRequest(
  ctx: RequestScope,
  input: { id: string; role?: Role | null; customRoleId?: string | null; accessExpiresAt?: Date | null },
): Promise<Membership> {
  const request = await mustFind(ctx, input.id);
  assertPending(ctx, request);
  const scope = scopeOfRow(request);
  const access = await ctx.access.at(scope);
  const customRole = await customRoleToGive(ctx, input.customRoleId, scope, access);
  const role = customRole?.baseRole ?? input.role ?? Role.MEMBER;
  assertMayGrantRole(scope.kind, role, access);
  const asked = input.accessExpiresAt ? validFutureMoment(input.accessExpiresAt, 'accessExpiresAt', ctx.now) : null;
  const accessExpiresAt = earlier(asked, grantableUntil(scope.kind, role, access, Permission.MANAGE_MEMBERS));
  const now = ctx.now;
  const actor = auditActorOf(ctx);
  const membership = await withOrganizationLock(
    ctx.db,
    request.organizationId,
    async (em) => {
      await assertScopeExists(em, scope);
      if (!(await settle(em, request.id, AccessRequestStatus.APPROVED, now, { decidedById: actor.actorId }))) {
        throw await notPending(em, request.id, now);
      }
      const { email } = await requesterFacts(em, request.requesterId);
      await assertSeatFor(em, request.organizationId, email, 'join', now);
      await recordAudit(em, actor, {
        action: AuditAction.ACCESS_REQUEST_APPROVED,
        scope,
        subjectId: request.requesterId,
        toRole: role,
        customRole: customRole?.name ?? null,
      });
      const granted = await grantMembership(
        em,
        actor,
        request.requesterId,
        scope,
        role,
        'upgrade',
        accessExpiresAt,
        customRole,
      );
      await queueDecisionEmail(
        em,
        ctx.config,
        {
          organizationId: request.organizationId,
          recipient: email,
          scopeLabel: await scopeLabelOf(em, request),
          decision: 'APPROVED',
          role: customRole?.name ?? granted.role,
          accessExpiresAt: granted.expiresAt,
        },
        now,
      );
      return granted;
    },
    requestNotFound,
  );
  ctx.loaders.accessRequest.clear(request.id);
  ctx.access.noteKnownThroughRequests([request.requesterId]);
  ctx.outbox?.nudge();
  return membership;
}

/** `denyAccessRequest` (MANAGE_MEMBERS at its scope): DENIED with an optional reason, emailed to the requester. */
export async function denyAccessRequest(
  ctx: RequestScope,
  id: string,
  reasonGiven?: string | null,
): Promise<AccessRequest> {
  const reason = validNote(reasonGiven, 'reason');
  const request = await mustFind(ctx, id);
  assertPending(ctx, request);
  const now = ctx.now;
  const actor = auditActorOf(ctx);
  await withOrganizationLock(
    ctx.db,
    request.organizationId,
    async (em) => {
      if (!(await settle(em, id, AccessRequestStatus.DENIED, now, { decidedById: actor.actorId, reason }))) {
        throw await notPending(em, id, now);
      }
      await recordAudit(em, actor, {
        action: AuditAction.ACCESS_REQUEST_DENIED,
        scope: scopeOfRow(request),
        subjectId: request.requesterId,
      });
      const { email } = await requesterFacts(em, request.requesterId);
      const scopeLabel = await scopeLabelOf(em, request);
      const decision = { organizationId: request.organizationId, recipient: email, scopeLabel, reason };
      await queueDecisionEmail(em, ctx.config, { ...decision, decision: 'DENIED' }, now);
    },
    requestNotFound,
  );
  ctx.loaders.accessRequest.clear(id);
  ctx.access.noteKnownThroughRequests([request.requesterId]);
  ctx.outbox?.nudge();
  return Object.assign(request, {
    status: AccessRequestStatus.DENIED,
    pendingKey: null,
    decidedAt: now,
    decidedById: actor.actorId,
    reason,
    updatedAt: now,
  });
}

/** `withdrawAccessRequest`: the requester's own PENDING request; anyone else's is NOT_FOUND. */
export async function withdrawAccessRequest(ctx: RequestScope, id: string): Promise<AccessRequest> {
  const viewer = requireViewer(ctx);
  const request = await mustFind(ctx, id);
  if (request.requesterId !== viewer.id) throw requestNotFound();
  assertPending(ctx, request);
  const now = ctx.now;
  await withOrganizationLock(
    ctx.db,
    request.organizationId,
    async (em) => {
      if (!(await settle(em, id, AccessRequestStatus.WITHDRAWN, now))) throw await notPending(em, id, now);
      await recordWithdrawal(em, auditActorOf(ctx), request);
    },
    requestNotFound,
  );
  ctx.loaders.accessRequest.clear(id);
  ctx.loaders.accessRequestsByRequester.clear(viewer.id);
  return Object.assign(request, { status: AccessRequestStatus.WITHDRAWN, pendingKey: null, updatedAt: now });
}
