import { keysAt } from '../../../permissions/decisions';
import type { Membership } from '../../../entities/membership.entity';
import { User } from '../../../entities/user.entity';
import { accessAt, isInForce, sortedPermissions, sourcesAt } from '../../../permissions/access';
import { Permission, Role, ScopeKind } from '../../domain/enums';
import {
  isLastLastingAdmin,
  type MemberCapabilities,
  memberCapabilities,
  invitationCapabilities,
  type InvitationCapabilities,
} from '../../../permissions/capabilities';
import type { Invitation } from '../../../entities/invitation.entity';
import { OutboxStatus } from '../../../entities/outbox-email.entity';
import { DeliveryStatus } from '../../domain/enums';
import type { RequestScope } from '../../request/scope';
import { scopeInputTarget, scopeOfRow, type ScopeRef } from '../../domain/scope';
import { findScope } from '../../loaders/find-scope';
import { NotFoundError } from '../../domain/errors';

/**
 * The members screen's "why" and "what may I do" (docs/domain-rules.md §10), read through loaders so that a page
 * of members costs a fixed number of statements: every row's person's memberships in the
 * organization come in one statement, the organizations' lasting ADMINs in another.
 */

/** One membership that contributes to a person's access, as `AccessSource` shows it. */
export interface AccessSourceData {
  membership: Membership;
  role: Role;
  scope: ScopeKind;
  direct: boolean;
  /** The custom role the membership holds (docs/domain-rules.md §18), or null. */
  customRoleId: string | null;
}

export interface AccessExplanationData {
  user: User;
  scope: ScopeKind;
  effectiveRole: Role | null;
  permissions: Permission[];
  /** Every key, built-in and declared (docs/domain-rules.md §18). */
  permissionKeys: string[];
  sources: AccessSourceData[];
  /** The memberships held below the scope that the caller may read (docs/domain-rules.md §10). */
  heldBelow: AccessSourceData[];
}

function memberships(ctx: RequestScope, userId: string, organizationId: string): Promise<Membership[]> {
  return ctx.loaders.membershipsInOrganization.load({ userId, organizationId });
}

function toSources(scope: ScopeRef, held: readonly Membership[], now: Date): AccessSourceData[] {
  return sourcesAt(scope, held, now).map(({ membership, direct }) => ({
    membership,
    role: membership.role,
    scope: membership.scope,
    direct,
    customRoleId: membership.customRoleId ?? null,
  }));
}

/** `Member.viewerCan`: decided by `permissions/capabilities.ts`, the functions the mutations use. */
export async function capabilitiesOf(ctx: RequestScope, member: Membership): Promise<MemberCapabilities> {
  const access = await ctx.access.at(scopeOfRow(member));
  const lastingAdmins =
    member.role === Role.ADMIN && member.scope === ScopeKind.ORGANIZATION
      ? await ctx.loaders.lastingAdmins.load(member.organizationId)
      : [];
  const capabilities = memberCapabilities(
    ctx.viewer?.id ?? null,
    access,
    member,
    isLastLastingAdmin(member, lastingAdmins),
  );
  return Object.assign(capabilities, {
    // docs/domain-rules.md §18: an effective ADMIN of the scope gives the organization's custom roles the scope accepts.
    customRolesFor: async () =>
      access.role === Role.ADMIN
        ? (await ctx.loaders.customRolesByOrganization.load(member.organizationId)).filter(
            (role) =>
              (role.baseRole !== Role.ACCOUNTING || member.scope === ScopeKind.ORGANIZATION) &&
              role.id !== member.customRoleId,
          )
        : [],
  });
}

/** `Member.effectiveRole`: the person's standing in the membership's scope, inherited roles included. */
export async function effectiveRoleOf(ctx: RequestScope, member: Membership): Promise<Role | null> {
  return accessAt(scopeOfRow(member), await memberships(ctx, member.userId, member.organizationId), ctx.now).role;
}

/** `Member.accessSources`. */
export async function accessSourcesOf(ctx: RequestScope, member: Membership): Promise<AccessSourceData[]> {
  return toSources(scopeOfRow(member), await memberships(ctx, member.userId, member.organizationId), ctx.now);
}

/**
 * `AccessSource.member`: the contributing membership itself, for a caller who may read the
 * members of its scope; null otherwise (an organization MEMBER sees that a workspace ADMIN's
 * access comes from the organization, not who else is in it).
 */
export async function visibleSourceMember(ctx: RequestScope, source: AccessSourceData): Promise<Membership | null> {
  return (await ctx.access.allows(scopeOfRow(source.membership), Permission.READ_MEMBERS)) ? source.membership : null;
}

/**
 * `explainAccess(userId, scope)`: anyone's standing at a scope where the caller may read the
 * members (checked by the rule). A person with no access there, or no such person, gets no role
 * and empty lists: the answer does not tell whether the id belongs to anyone.
 */
export async function explainAccess(
  ctx: RequestScope,
  userId: string,
  scopeInput: Parameters<typeof scopeInputTarget>[0],
): Promise<AccessExplanationData> {
  const target = scopeInputTarget(scopeInput);
  const scope = await findScope(ctx, target.kind, target.id);
  if (!scope) throw new NotFoundError('Scope');
  const held = userId.length <= 255 ? await memberships(ctx, userId, scope.organizationId) : [];
  const access = accessAt(scope, held, ctx.now);
  const user =
    (held.length > 0 ? await ctx.loaders.user.load(userId) : null) ?? Object.assign(new User(), { id: userId });
  return {
    user,
    scope: scope.kind,
    effectiveRole: access.role,
    permissions: sortedPermissions(access.permissions),
    permissionKeys: ctx.permissions.sorted(keysAt(scope, held, ctx.now, ctx.permissions)),
    sources: toSources(scope, held, ctx.now),
    heldBelow: await heldBelow(ctx, scope, held),
  };
}

/** Whether a membership is held in a scope below `scope`: the organization's workspaces and domains, a workspace's domains. */
function isBelow(m: Membership, scope: ScopeRef): boolean {
  if (m.organizationId !== scope.organizationId) return false;
  if (scope.kind === ScopeKind.ORGANIZATION) return m.scope !== ScopeKind.ORGANIZATION;
  return scope.kind === ScopeKind.WORKSPACE && m.scope === ScopeKind.DOMAIN && m.workspaceId === scope.workspaceId;
}

/**
 * The roles a person holds below the scope explained (they give nothing there: access passes down,
 * never up), workspaces before domains: an explanation at organization level names the person's
 * workspace roles too. Only those whose scope the caller may read the members of (deny by default):
 * the list tells nothing the members lists would not.
 */
async function heldBelow(ctx: RequestScope, scope: ScopeRef, held: readonly Membership[]): Promise<AccessSourceData[]> {
  const below = held.filter((m) => isInForce(m, ctx.now) && isBelow(m, scope));
  const readable = await Promise.all(below.map((m) => ctx.access.allows(scopeOfRow(m), Permission.READ_MEMBERS)));
  return below
    .filter((_, i) => readable[i])
    .sort((a, b) => (a.scope === b.scope ? 0 : a.scope === ScopeKind.WORKSPACE ? -1 : 1))
    .map((membership) => ({
      membership,
      role: membership.role,
      scope: membership.scope,
      direct: true,
      customRoleId: membership.customRoleId ?? null,
    }));
}

/** `Invitation.viewerCan`. */
export async function invitationCapabilitiesOf(
  ctx: RequestScope,
  invitation: Invitation,
): Promise<InvitationCapabilities> {
  return invitationCapabilities(
    await ctx.access.at(scopeOfRow(invitation)),
    invitation.effectiveStatus(ctx.now),
    invitation.provisioned,
  );
}

/** `Invitation.delivery`, as a frontend shows it. */
export interface EmailDeliveryData {
  status: DeliveryStatus;
  attempts: number;
  lastAttemptAt: Date | null;
}

/**
 * Whether the invitation's email went out: PENDING while it waits or is retried, DELIVERED once
 * the SMTP server took it, FAILED when it was given up (refused for good, or its invitation could
 * no longer be answered). Null when no email is on record or it was withdrawn before it went out
 * (the invitation was revoked or answered first).
 */
export async function deliveryOf(ctx: RequestScope, invitation: Invitation): Promise<EmailDeliveryData | null> {
  const email = await ctx.loaders.invitationEmail.load(invitation.id);
  if (!email) return null;
  const status =
    email.status === OutboxStatus.SENT
      ? DeliveryStatus.DELIVERED
      : email.status === OutboxStatus.FAILED
        ? DeliveryStatus.FAILED
        : email.status === OutboxStatus.PENDING
          ? DeliveryStatus.PENDING
          : null;
  return status && { status, attempts: email.attempts, lastAttemptAt: email.lastAttemptAt ?? null };
}
