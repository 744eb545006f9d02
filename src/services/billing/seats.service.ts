import type { EntityManager } from 'typeorm';
import { Organization } from '../../../entities/organization.entity';
import type { RequestScope } from '../../request/scope';
import { isMemberByEmail, seatCounts } from '../../db/seats';
import { toSqlDateTime } from '../../db/sql';
import { withOrganizationLock } from '../../db/transaction';
import { AuditAction } from '../../domain/enums';
import { organizationScope } from '../../domain/scope';
import { BadUserInputError, NotFoundError, SeatLimitReachedError } from '../../domain/errors';
import { auditActorOf, recordAudit } from '../audit/audit.service';

/**
 * Seats (docs/domain-rules.md §13): an organization's members plus the people it has invited (PENDING, unexpired
 * invitations to addresses that are not members yet, each address once). `seatLimit` caps them;
 * null means no cap. Lowering the cap removes nobody, it only stops new seats.
 */

/**
 * How a person takes a seat: by being invited (`invite`: the invitation holds it), by accepting
 * an invitation (`accept`: the seat the invitation held becomes a member's), or by joining without
 * one (`join`: a verified email domain, a directory).
 */
export type SeatUse = 'invite' | 'accept' | 'join';

/**
 * Inside `withOrganizationLock` (whose version write comes before every read here, so they see
 * the latest committed rows, and concurrent seat changes of one organization take turns), before
 * `email` gets a seat. SEAT_LIMIT_REACHED when that would pass the limit (docs/domain-rules.md §13):
 *
 * - a member already holds their seat, whatever the use;
 * - `invite`: an address already invited holds one; anyone else needs a free seat
 *   (members + invited + 1 ≤ limit);
 * - `accept`: the invitation's own pending seat is the one it takes, never a second one, but the
 *   members themselves need room (members + 1 ≤ limit), so that invitations made before the limit
 *   was lowered cannot all turn into members — with 1 member, 6 pending invitations and a limit
 *   of 4, exactly 3 accept;
 * - `join`: room among the members, and a free seat unless the address is already invited.
 */
export async function assertSeatFor(
  em: EntityManager,
  organizationId: string,
  email: string,
  use: SeatUse,
  now: Date,
): Promise<void> {
  const [organization] = await em.query('SELECT seat_limit FROM organizations WHERE id = ?', [organizationId]);
  const limit =
    organization?.seat_limit === null || organization?.seat_limit === undefined
      ? null
      : Number(organization.seat_limit);
  if (limit === null) return;
  if (email !== '' && (await isMemberByEmail(em, organizationId, email))) return;
  const [[counts], mine] = await Promise.all([
    seatCounts(em, [organizationId], now),
    email === '' || use === 'accept'
      ? Promise.resolve([])
      : em.query(
          "SELECT 1 AS found FROM invitations WHERE organization_id = ? AND email = ? AND status = 'PENDING' AND expires_at > ?",
          [organizationId, email, toSqlDateTime(now)],
        ),
  ]);
  if (use !== 'invite' && counts.members + 1 > limit) throw new SeatLimitReachedError(limit);
  if (use !== 'accept' && mine.length === 0 && counts.members + counts.invited + 1 > limit) {
    throw new SeatLimitReachedError(limit);
  }
}

/** Most seats an organization may be limited to (a larger figure is a typo). */
const MAX_SEAT_LIMIT = 10_000_000;

/**
 * `updateSeatLimit` (UPDATE_BILLING, checked by the rule): sets or removes (null) the cap. It may
 * be set below what is used: nobody is removed, only new seats stop.
 */
export async function updateSeatLimit(
  ctx: RequestScope,
  organizationId: string,
  seatLimit: number | null,
): Promise<Organization> {
  if (seatLimit !== null && (!Number.isInteger(seatLimit) || seatLimit < 1 || seatLimit > MAX_SEAT_LIMIT)) {
    throw new BadUserInputError(`seatLimit must be null or a whole number from 1 to ${MAX_SEAT_LIMIT}.`, 'seatLimit');
  }
  const notFound = () => new NotFoundError('Organization');
  const organization = await withOrganizationLock(
    ctx.db,
    organizationId,
    async (em) => {
      const before = await em.findOneBy(Organization, { id: organizationId });
      await em.update(Organization, { id: organizationId }, { seatLimit, updatedAt: ctx.now });
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.SEAT_LIMIT_CHANGED,
        scope: organizationScope({ id: organizationId }),
        // No limit is null on both sides.
        before: before?.seatLimit ?? null,
        after: seatLimit,
      });
      return em.findOneBy(Organization, { id: organizationId });
    },
    notFound,
  );
  if (!organization) throw notFound();
  ctx.loaders.organization.clear(organizationId).prime(organizationId, organization);
  ctx.loaders.seatsUsed.clear(organizationId);
  return organization;
}
