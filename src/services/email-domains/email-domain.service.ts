import { randomBytes, randomUUID } from 'node:crypto';
import { EmailDomain } from '../../../entities/email-domain.entity';
import type { Membership } from '../../../entities/membership.entity';
import type { Organization } from '../../../entities/organization.entity';
import { type RequestScope, requireViewer } from '../../request/scope';
import { isUniqueViolation } from '../../db/sql';
import { findLocked, withOrganizationLock } from '../../db/transaction';
import { AuditAction, EnrollmentMode, Role } from '../../domain/enums';
import { claimRefusal } from '../../domain/email-domain-claims';
import { organizationScope } from '../../domain/scope';
import { AlreadyMemberError, BadUserInputError, NotFoundError, VerificationFailedError } from '../../domain/errors';
import { validHostname } from '../../domain/validation';
import { txtRecords } from '../../outbound/dns';
import { auditActorOf, recordAudit } from '../audit/audit.service';
import { grantMembership } from '../memberships/membership-grants';
import { assertSeatFor } from '../billing/seats.service';

/**
 * Verified email domains (docs/domain-rules.md §13): an organization claims `acme.com`, proves it by a TXT record,
 * and may let people signed in with a verified `@acme.com` address join as MEMBER. Settings of the
 * organization, changed under its lock and written to its audit log (the `email` of those events
 * holds the domain).
 */

const notFound = () => new NotFoundError('Email domain');

/** `Organization.emailDomains` (UPDATE on the organization, checked by the rule). */
export function emailDomainsOf(ctx: RequestScope, organizationId: string): Promise<EmailDomain[]> {
  return ctx.db.getRepository(EmailDomain).find({ where: { organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
}

async function mustFind(ctx: RequestScope, id: string): Promise<EmailDomain> {
  const found = await ctx.loaders.emailDomain.load(id);
  if (!found) throw notFound();
  return found;
}

/** Claims a domain: not a public mail provider's, not one this organization has claimed already. */
export async function addEmailDomain(
  ctx: RequestScope,
  input: { organizationId: string; domain: string; enrollment?: EnrollmentMode | null },
): Promise<EmailDomain> {
  const domain = validHostname(input.domain, 'domain');
  if (!domain.includes('.'))
    throw new BadUserInputError('domain must be a registered domain such as acme.com.', 'domain');
  const refusal = claimRefusal(domain);
  if (refusal) throw new BadUserInputError(refusal, 'domain');
  const now = ctx.now;
  const claim = Object.assign(new EmailDomain(), {
    id: randomUUID(),
    organizationId: input.organizationId,
    domain,
    verificationToken: randomBytes(16).toString('hex'),
    enrollment: input.enrollment ?? EnrollmentMode.NONE,
    verifiedAt: null,
    verifiedDomain: null,
    createdAt: now,
    updatedAt: now,
  });
  await withOrganizationLock(
    ctx.db,
    input.organizationId,
    async (em) => {
      if (await em.findOneBy(EmailDomain, { organizationId: input.organizationId, domain })) {
        throw new BadUserInputError(`${domain} is already claimed by this organization.`, 'domain');
      }
      await em.insert(EmailDomain, claim);
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.EMAIL_DOMAIN_ADDED,
        scope: organizationScope({ id: input.organizationId }),
        email: domain,
      });
    },
    () => new NotFoundError('Organization'),
  );
  return claim;
}

/**
 * Looks the claim's TXT record up and, when it holds the expected value, marks the domain
 * verified — unless another organization verified it first (one organization per verified domain).
 */
export async function verifyEmailDomain(ctx: RequestScope, id: string): Promise<EmailDomain> {
  const claim = await mustFind(ctx, id);
  if (claim.verifiedAt) return claim;
  const records = await txtRecords(ctx.config, claim.verificationRecordName);
  if (!records.includes(claim.verificationRecordValue)) {
    throw new VerificationFailedError(
      `The TXT record at ${claim.verificationRecordName} does not hold ${claim.verificationRecordValue}.`,
    );
  }
  const now = ctx.now;
  try {
    return await withOrganizationLock(
      ctx.db,
      claim.organizationId,
      async (em) => {
        const fresh = await findLocked(em, EmailDomain, { id });
        if (!fresh) throw notFound();
        if (fresh.verifiedAt) return fresh;
        const taken = await em.findOneBy(EmailDomain, { verifiedDomain: fresh.domain });
        if (taken) throw new BadUserInputError(`${fresh.domain} is verified by another organization.`, 'domain');
        await em.update(EmailDomain, { id }, { verifiedAt: now, verifiedDomain: fresh.domain, updatedAt: now });
        await recordAudit(em, auditActorOf(ctx), {
          action: AuditAction.EMAIL_DOMAIN_VERIFIED,
          scope: organizationScope({ id: fresh.organizationId }),
          email: fresh.domain,
        });
        return Object.assign(fresh, { verifiedAt: now, verifiedDomain: fresh.domain, updatedAt: now });
      },
      notFound,
    );
  } catch (error) {
    // Two organizations verifying at the same moment: the unique index lets one through.
    if (isUniqueViolation(error)) {
      throw new BadUserInputError(`${claim.domain} is verified by another organization.`, 'domain');
    }
    throw error;
  }
}

/** Changes who may join by the domain. */
export async function updateEmailDomain(
  ctx: RequestScope,
  id: string,
  input: { enrollment?: EnrollmentMode | null },
): Promise<EmailDomain> {
  const claim = await mustFind(ctx, id);
  if (!input.enrollment) return claim;
  const enrollment = input.enrollment;
  return withOrganizationLock(
    ctx.db,
    claim.organizationId,
    async (em) => {
      const fresh = await findLocked(em, EmailDomain, { id });
      if (!fresh) throw notFound();
      const now = ctx.now;
      await em.update(EmailDomain, { id }, { enrollment, updatedAt: now });
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.EMAIL_DOMAIN_UPDATED,
        scope: organizationScope({ id: fresh.organizationId }),
        email: fresh.domain,
      });
      return Object.assign(fresh, { enrollment, updatedAt: now });
    },
    notFound,
  );
}

/** Gives the domain up; nobody joins by it any more (members who did stay). */
export async function removeEmailDomain(ctx: RequestScope, id: string): Promise<string> {
  const claim = await mustFind(ctx, id);
  await withOrganizationLock(
    ctx.db,
    claim.organizationId,
    async (em) => {
      const fresh = await findLocked(em, EmailDomain, { id });
      if (!fresh) throw notFound();
      await em.delete(EmailDomain, { id });
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.EMAIL_DOMAIN_REMOVED,
        scope: organizationScope({ id: fresh.organizationId }),
        email: fresh.domain,
      });
    },
    notFound,
  );
  return id;
}

/** `User.joinableOrganizations`: those the caller may join by their verified address, not in yet. */
export async function joinableOrganizations(ctx: RequestScope): Promise<Organization[]> {
  const ids = await ctx.access.joinableOrganizationIds();
  const organizations = await Promise.all(ids.map((id) => ctx.loaders.organization.load(id)));
  return organizations.filter((o): o is Organization => o !== null);
}

/**
 * `joinOrganization`: a signed-in person with a verified address at one of the organization's
 * verified AUTO_JOIN domains joins as MEMBER, seats permitting. Everyone else gets NOT_FOUND, as
 * for an organization they cannot see. Decided again inside the lock: the domain may have been
 * removed or its enrollment changed since.
 */
export async function joinOrganization(ctx: RequestScope, organizationId: string): Promise<Membership> {
  const viewer = requireViewer(ctx);
  const organizationNotFound = () => new NotFoundError('Organization');
  if ((await ctx.access.memberships()).some((m) => m.organizationId === organizationId && m.scope === 'ORGANIZATION')) {
    throw new AlreadyMemberError('You are already a member of this organization.');
  }
  if (!(await ctx.access.joinableOrganizationIds()).includes(organizationId)) throw organizationNotFound();
  const email = viewer.identity.email;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const membership = await withOrganizationLock(
    ctx.db,
    organizationId,
    async (em) => {
      const open = await em.findOneBy(EmailDomain, {
        organizationId,
        verifiedDomain: domain,
        enrollment: EnrollmentMode.AUTO_JOIN,
      });
      if (!open) throw organizationNotFound();
      await assertSeatFor(em, organizationId, email, 'join', ctx.now);
      const actor = auditActorOf(ctx);
      const scope = organizationScope({ id: organizationId });
      await recordAudit(em, actor, {
        action: AuditAction.MEMBER_JOINED_BY_EMAIL_DOMAIN,
        scope,
        subjectId: viewer.id,
        email,
        toRole: Role.MEMBER,
      });
      return grantMembership(em, actor, viewer.id, scope, Role.MEMBER);
    },
    organizationNotFound,
  );
  ctx.access.invalidate();
  return membership;
}
