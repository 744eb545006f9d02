import { Membership } from '../../../entities/membership.entity';
import { updateMembershipRole } from '../../db/membership-rows';
import { findLocked, withOrganizationLock } from '../../db/transaction';
import { AuditAction, Role, ScopeKind } from '../../domain/enums';
import { BadUserInputError, NotFoundError } from '../../domain/errors';
import { organizationScope } from '../../domain/scope';
import { isUuid } from '../../domain/validation';
import type { RequestScope } from '../../request/scope';
import { auditActorOf, recordAudit } from '../audit/audit.service';
import { grantMembership } from '../memberships/membership-grants';

export type AdminGrant = 'granted' | 'promoted' | 'already';

/**
 * An operator names an organization's ADMIN (`npm run grant-admin`, docs/domain-rules.md §16):
 * how an organization an erasure left without one gets one back. The person must have signed in
 * once with that verified address; they become a lasting ADMIN of the organization, as a new
 * member or from the role they hold, under the organization's lock, audited as the scope's actor
 * (the system, for the command: `source: SYSTEM`).
 */
export async function grantAdminAsOperator(
  scope: RequestScope,
  organizationId: string,
  email: string,
): Promise<{ userId: string; outcome: AdminGrant }> {
  if (!isUuid(organizationId)) throw new NotFoundError('Organization');
  const address = email.normalize('NFC').trim().toLowerCase();
  const { db, now: at } = scope;
  const people: { id: string }[] = await db.query(
    'SELECT id FROM users WHERE email = ? AND email_verified = ? AND erased_at IS NULL ORDER BY created_at',
    [address, true],
  );
  if (people.length !== 1) {
    throw new BadUserInputError(
      people.length === 0
        ? `Nobody has signed in with the verified address ${address}: ask them to sign in once, then run this again.`
        : `${people.length} people have signed in with ${address}: name one by their id instead.`,
      'email',
    );
  }
  const userId = people[0].id;
  const actor = auditActorOf(scope);
  const outcome = await withOrganizationLock(
    db,
    organizationId,
    async (em): Promise<AdminGrant> => {
      const held = await findLocked(em, Membership, { userId, scopeId: organizationId });
      if (!held) {
        await grantMembership(em, actor, userId, organizationScope({ id: organizationId }), Role.ADMIN);
        return 'granted';
      }
      if (held.scope === ScopeKind.ORGANIZATION && held.role === Role.ADMIN && held.expiresAt === null)
        return 'already';
      await updateMembershipRole(em, held, { role: Role.ADMIN, expiresAt: null, updatedAt: at });
      await recordAudit(em, actor, {
        action: AuditAction.MEMBER_ROLE_CHANGED,
        scope: organizationScope({ id: organizationId }),
        subjectId: userId,
        fromRole: held.role,
        toRole: Role.ADMIN,
      });
      return 'promoted';
    },
    () => new NotFoundError('Organization'),
  );
  return { userId, outcome };
}
