import type { DataSource } from 'typeorm';
import { Organization } from '../../../entities/organization.entity';
import { type RequestScope, requireViewer } from '../../request/scope';
import { detachedFromTransaction, inTransaction, withOrganizationLock } from '../../db/transaction';
import { fromSqlDateTime, placeholders, toSqlDateTime } from '../../db/sql';
import { AuditAction, ChangeSource, ScopeKind } from '../../domain/enums';
import { organizationScope } from '../../domain/scope';
import { BadUserInputError, NotFoundError, SignInPolicyLockoutError } from '../../domain/errors';
import { isUuid } from '../../domain/validation';
import type { Logger } from '../../observability/logger';
import { MAX_BREAK_GLASS, type SignInPolicyFact, signInStanding } from '../../../permissions/sign-in';
import { auditActorOf, recordAudit } from '../audit/audit.service';

/**
 * An organization's sign-in policy (docs/domain-rules.md §20): setting it, and auditing the
 * break-glass members who get in without satisfying it. Enforcing it is the viewer's access's
 * (permissions/viewer-access.ts) and the supergraph decisions' (services/authorization): both read
 * the policy with the memberships, in the same statement.
 */

export interface SignInPolicyChange {
  requireSso: boolean;
  ssoConnection?: string | null;
  requireMfa: boolean;
  breakGlassMemberIds?: string[] | null;
}

const MAX_CONNECTION_LENGTH = 255;

/** The input checked on its own: BAD_USER_INPUT naming the field, before anything is read. */
function policyOf(input: SignInPolicyChange): SignInPolicyFact {
  const connection = input.ssoConnection?.trim() || null;
  if (connection !== null && connection.length > MAX_CONNECTION_LENGTH) {
    throw new BadUserInputError(`ssoConnection is at most ${MAX_CONNECTION_LENGTH} characters.`, 'ssoConnection');
  }
  if (input.requireSso && connection === null) {
    throw new BadUserInputError('requireSso needs the ssoConnection its tokens must name.', 'ssoConnection');
  }
  const breakGlass = [...new Set(input.breakGlassMemberIds ?? [])];
  if (breakGlass.length > MAX_BREAK_GLASS) {
    throw new BadUserInputError(`At most ${MAX_BREAK_GLASS} break-glass members.`, 'breakGlassMemberIds');
  }
  return { requireSso: input.requireSso, ssoConnection: connection, requireMfa: input.requireMfa, breakGlass };
}

/**
 * `setSignInPolicy` (UPDATE on the organization, checked by the rule). Break-glass entries are
 * organization memberships of the organization, in force. Refused with SIGN_IN_POLICY_LOCKOUT when
 * the caller's own sign-in would not satisfy the policy and they are not among its break-glass
 * members: an ADMIN never shuts themself out. Every refusal writes nothing. Takes effect on the
 * next request of every member (nothing is cached across requests).
 */
export async function setSignInPolicy(
  ctx: RequestScope,
  organizationId: string,
  input: SignInPolicyChange,
): Promise<Organization> {
  const viewer = requireViewer(ctx);
  const policy = policyOf(input);
  const notFound = () => new NotFoundError('Organization');
  const updated = await withOrganizationLock(
    ctx.db,
    organizationId,
    async (em) => {
      const ids = [...policy.breakGlass];
      const found: { id: string; organization_id: string; scope: string; expires_at: Date | string | null }[] =
        ids.length === 0 || !ids.every(isUuid)
          ? []
          : await em.query(
              `SELECT id, organization_id, scope, expires_at FROM memberships WHERE id IN (${placeholders(ids.length)})`,
              ids,
            );
      for (const id of ids) {
        const row = found.find((m) => m.id === id);
        const inForce = row && (row.expires_at === null || fromSqlDateTime(row.expires_at) > ctx.now);
        if (!row || row.organization_id !== organizationId || row.scope !== ScopeKind.ORGANIZATION || !inForce) {
          throw new BadUserInputError(
            `${id} is not a member of this organization (break-glass entries are organization members).`,
            'breakGlassMemberIds',
          );
        }
      }
      const [own] = (await em.query(
        'SELECT id FROM memberships WHERE organization_id = ? AND user_id = ? AND scope = ?',
        [organizationId, viewer.id, ScopeKind.ORGANIZATION],
      )) as { id: string }[];
      const standing = signInStanding(policy, viewer.identity, own?.id ?? null);
      if (standing.kind === 'blocked') throw new SignInPolicyLockoutError(standing.missing);
      await em.update(Organization, organizationId, {
        requireSso: policy.requireSso,
        ssoConnection: policy.ssoConnection,
        requireMfa: policy.requireMfa,
        breakGlass: JSON.stringify(policy.breakGlass),
        signInPolicyUpdatedAt: ctx.now,
        updatedAt: ctx.now,
      });
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.SIGN_IN_POLICY_CHANGED,
        scope: organizationScope({ id: organizationId }),
      });
      return em.findOneByOrFail(Organization, { id: organizationId });
    },
    notFound,
  );
  ctx.loaders.organization.clear(organizationId).prime(organizationId, updated);
  ctx.access.invalidate();
  return updated;
}

const HOUR_MS = 3_600_000;

/**
 * SIGN_IN_POLICY_BYPASSED events: one per break-glass member and organization per hour at most.
 * A bypass is reported by the viewer's access the first time a request decides anything in the
 * organization; this instance remembers what it recorded (so the next requests of the hour cost
 * nothing), and the database is asked for an event of the last hour before writing one, so that
 * other instances do not repeat it either (two instances racing in the same instant may both
 * write: the log is kept from flooding, not made exact). The write runs after the decision, not
 * in the request's way: a failure is logged, never the request's.
 */
export class BypassAudit {
  private readonly recorded = new Map<string, number>();
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger | null = null,
  ) {}

  record(organizationId: string, userId: string, requestId: string | null, at: Date): void {
    const key = `${organizationId}\n${userId}`;
    const last = this.recorded.get(key);
    if (last !== undefined && at.getTime() - last < HOUR_MS && at.getTime() >= last) return;
    if (this.recorded.size >= 10_000) this.recorded.clear();
    this.recorded.set(key, at.getTime());
    // Not waited for: its own transaction after the request's (a permission check may run inside one).
    const write = detachedFromTransaction(() => this.write(organizationId, userId, requestId, at)).catch(
      (error: unknown) => {
        this.recorded.delete(key);
        this.logger?.warn({ err: error, organizationId }, 'could not audit a sign-in policy bypass');
      },
    );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /** Resolves once the writes started so far are done (tests; shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async write(organizationId: string, userId: string, requestId: string | null, at: Date): Promise<void> {
    await inTransaction(this.db, async (em) => {
      const recent = await em.query(
        'SELECT 1 AS found FROM audit_events WHERE actor_id = ? AND occurred_at > ? AND action = ? AND organization_id = ? LIMIT 1',
        [userId, toSqlDateTime(new Date(at.getTime() - HOUR_MS)), AuditAction.SIGN_IN_POLICY_BYPASSED, organizationId],
      );
      if (recent.length > 0) return;
      await recordAudit(
        em,
        { at, actorId: userId, requestId, source: ChangeSource.USER },
        {
          action: AuditAction.SIGN_IN_POLICY_BYPASSED,
          scope: organizationScope({ id: organizationId }),
          subjectId: userId,
        },
      );
    });
  }
}
