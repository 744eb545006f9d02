import { CustomRole } from '../../../entities/custom-role.entity';
import { Invitation } from '../../../entities/invitation.entity';
import { InvitationStatus } from '../../domain/enums';
import { Membership } from '../../../entities/membership.entity';
import { Role } from '../../domain/enums';
import { type RequestScope, requireViewer } from '../../request/scope';
import { withOrganizationLock } from '../../db/transaction';
import {
  BadUserInputError,
  EmailMismatchError,
  EmailNotVerifiedError,
  InvitationExpiredError,
  InvitationNotPendingError,
  NotFoundError,
} from '../../domain/errors';
import { auditActorOf, recordAudit } from '../audit/audit.service';
import { cancelQueuedEmails, settle } from './invitation-settlement';
import { assertSeatFor } from '../billing/seats.service';
import { scopeOfRow } from '../../domain/scope';
import { grantMembership } from '../memberships/membership-grants';
import { AuditAction } from '../../domain/enums';
import { hashToken } from './invitation-tokens';
import { invitationNames } from './invitation-queries.service';
import { claimProvisionedAccess } from '../provisioning/provisioned-access';

/**
 * Answering invitations (docs/domain-rules.md §4): what a link shows before sign-in, accepting
 * and declining — by the link's token, or by the id of one of the caller's own pending
 * invitations.
 */

const invitationNotFound = () => new NotFoundError('Invitation');
const notPending = () => new InvitationNotPendingError();
const expired = () => new InvitationExpiredError();

/**
 * The invitation a signed-in caller answers: by the token of the link, or by the id of one of
 * their own pending invitations. Then the checks of docs/domain-rules.md §4, in order: answered or withdrawn,
 * expired, and whether the caller's verified email is the invited one.
 */
async function invitationToAnswer(
  ctx: RequestScope,
  input: { token?: string | null; invitationId?: string | null },
): Promise<Invitation> {
  const viewer = requireViewer(ctx);
  const hasToken = typeof input.token === 'string';
  const hasId = typeof input.invitationId === 'string';
  if (hasToken === hasId) throw new BadUserInputError('Give exactly one of token and invitationId.', 'input');
  const invitation = hasToken
    ? await ctx.db.getRepository(Invitation).findOneBy({ tokenHash: hashToken(input.token as string) })
    : await ctx.loaders.invitation.load(input.invitationId as string);
  const sameAddress = invitation !== null && invitation.email === viewer.identity.email;
  // By id, only the caller's own invitations exist for them.
  if (!invitation || (hasId && !sameAddress)) throw new NotFoundError('Invitation');
  const status = invitation.effectiveStatus(ctx.now);
  // Access that would already be over when it starts is as good as an expired invitation.
  if (status === InvitationStatus.EXPIRED || (invitation.accessExpiresAt && invitation.accessExpiresAt <= ctx.now)) {
    throw expired();
  }
  if (status !== InvitationStatus.PENDING) throw notPending();
  if (!sameAddress) throw new EmailMismatchError();
  if (!viewer.identity.emailVerified) throw new EmailNotVerifiedError();
  return invitation;
}

/** Why a conditional update found nothing to change: expired, or answered in the meantime. */
async function lostRace(ctx: RequestScope, id: string): Promise<InvitationExpiredError | InvitationNotPendingError> {
  const fresh = await ctx.db.getRepository(Invitation).findOneBy({ id });
  return fresh?.effectiveStatus(ctx.now) === InvitationStatus.EXPIRED ? expired() : notPending();
}

/** Joins with the invited role (and the implied organization membership), in one transaction. */
export async function acceptInvitation(
  ctx: RequestScope,
  input: { token?: string | null; invitationId?: string | null },
): Promise<Membership> {
  const viewer = requireViewer(ctx);
  const invitation = await invitationToAnswer(ctx, input);
  if (invitation.provisioned) {
    // A directory's invitation: joining links the person to what the directory provisioned (§15).
    await claimProvisionedAccess(ctx, viewer.id, invitation.email, {
      refusals: 'throw',
      accepted: { organizationId: invitation.organizationId },
    });
    const joined = await ctx.db
      .getRepository(Membership)
      .findOneBy({ userId: viewer.id, scopeId: invitation.organizationId });
    if (!joined) throw await lostRace(ctx, invitation.id);
    ctx.access.invalidate();
    return joined;
  }
  let raceLost = false;
  const membership = await withOrganizationLock(
    ctx.db,
    invitation.organizationId,
    async (em) => {
      if (!(await settle(em, invitation.id, InvitationStatus.ACCEPTED, ctx.now))) {
        raceLost = true;
        return null;
      }
      // Already holding a role there (say the organization MEMBER a workspace invitation brought):
      // the invited role if it confers more, and the invitation ends ACCEPTED either way. The seat
      // the invitation held becomes the member's: only room among the members is needed.
      await assertSeatFor(em, invitation.organizationId, invitation.email, 'accept', ctx.now);
      const actor = auditActorOf(ctx);
      await recordAudit(em, actor, {
        action: AuditAction.INVITATION_ACCEPTED,
        scope: scopeOfRow(invitation),
        email: invitation.email,
        toRole: invitation.role,
      });
      // The custom role as it is now (read in the transaction): deleted meanwhile, its holders moved.
      const customRole = invitation.customRoleId
        ? await em.findOneBy(CustomRole, { id: invitation.customRoleId })
        : null;
      return grantMembership(
        em,
        actor,
        viewer.id,
        scopeOfRow(invitation),
        invitation.role,
        'upgrade',
        invitation.accessExpiresAt ?? null,
        customRole,
      );
    },
    invitationNotFound,
  );
  if (raceLost || !membership) throw await lostRace(ctx, invitation.id);
  ctx.access.invalidate();
  return membership;
}

/** The invitee declines: the invitation ends DECLINED and its unsent email is withdrawn. */
export async function declineInvitation(
  ctx: RequestScope,
  input: { token?: string | null; invitationId?: string | null },
): Promise<Invitation> {
  const invitation = await invitationToAnswer(ctx, input);
  const now = ctx.now;
  const changed = await withOrganizationLock(
    ctx.db,
    invitation.organizationId,
    async (em) => {
      if (!(await settle(em, invitation.id, InvitationStatus.DECLINED, now))) return false;
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.INVITATION_DECLINED,
        scope: scopeOfRow(invitation),
        email: invitation.email,
        toRole: invitation.role,
      });
      await cancelQueuedEmails(em, invitation.id, now);
      return true;
    },
    invitationNotFound,
  );
  if (!changed) throw await lostRace(ctx, invitation.id);
  return Object.assign(invitation, {
    status: InvitationStatus.DECLINED,
    pendingKey: null,
    answeredAt: now,
    updatedAt: now,
  });
}

/** What the holder of an invitation link sees before answering it. */
export interface InvitationPreviewData {
  email: string;
  organizationName: string;
  workspaceName: string | null;
  domainHostname: string | null;
  role: Role;
  inviterName: string | null;
  status: InvitationStatus;
  expiresAt: Date;
  accessExpiresAt: Date | null;
}

/** What a link shows before sign-in. Unknown, wrong and rotated tokens are all just NOT_FOUND. */
export async function invitationByToken(ctx: RequestScope, token: string): Promise<InvitationPreviewData> {
  const invitation =
    token.length > 0 && token.length <= 128
      ? await ctx.db.getRepository(Invitation).findOneBy({ tokenHash: hashToken(token) })
      : null;
  if (!invitation) throw new NotFoundError('Invitation');
  const [names, inviter] = await Promise.all([
    invitationNames(ctx, invitation),
    invitation.invitedById ? ctx.loaders.user.load(invitation.invitedById) : null,
  ]);
  return {
    email: invitation.email,
    organizationName: names.organizationName,
    workspaceName: names.workspaceName,
    domainHostname: names.domainHostname,
    role: invitation.role,
    inviterName: inviter ? (inviter.displayName ?? inviter.email) : null,
    status: invitation.effectiveStatus(ctx.now),
    expiresAt: invitation.expiresAt,
    accessExpiresAt: invitation.accessExpiresAt ?? null,
  };
}
