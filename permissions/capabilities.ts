import { InvitationStatus } from '../src/domain/enums';
import { type Access, grantableUntil, mayGrantRole, permissionsOfRole, ROLES_BY_SCOPE } from './access';
import { Permission, Role, ScopeKind } from '../src/domain/enums';

/**
 * What a caller may do to one membership or one invitation (docs/domain-rules.md §10), as pure functions of the
 * caller's access at the row's scope. The mutations' rules and services call the same functions
 * as the `viewerCan` fields, so a button a frontend shows is a request the server accepts.
 *
 * The last-admin rule is decided here for display and again inside the organization's lock by
 * the service (where a concurrent change cannot slip between the check and the write).
 */

/** What these decisions need of a membership. */
export interface MembershipFacts {
  userId: string;
  scope: ScopeKind;
  role: Role;
  /** When the membership ends by itself; null (or absent) for a lasting one. */
  expiresAt?: Date | null;
}

export interface MemberCapabilities {
  changeRole: boolean;
  remove: boolean;
  assignableRoles: Role[];
  setExpiry: boolean;
}

export interface InvitationCapabilities {
  resend: boolean;
  revoke: boolean;
}

/**
 * Whether the row is its organization's last lasting ADMIN: an ADMIN at the organization itself
 * with no other lasting ADMIN beside them. Nobody may demote, remove or time-limit that row.
 */
export function isLastLastingAdmin(row: MembershipFacts, lastingAdminIds: readonly string[]): boolean {
  return (
    row.scope === ScopeKind.ORGANIZATION &&
    row.role === Role.ADMIN &&
    !lastingAdminIds.some((userId) => userId !== row.userId)
  );
}

/** The roles the caller may give at a scope of `kind`: what it accepts, capped by the caller's own standing. */
export function assignableRoles(kind: ScopeKind, access: Access): Role[] {
  if (!access.permissions.has(Permission.MANAGE_MEMBERS)) return [];
  return ROLES_BY_SCOPE[kind].filter((role) => mayGrantRole(kind, role, access));
}

/**
 * The roles the caller may invite people with at a scope of `kind` (`viewerInvitableRoles`):
 * what it accepts, capped by the caller's own standing, for those who may invite there at all.
 */
export function invitableRoles(kind: ScopeKind, access: Access): Role[] {
  if (!access.permissions.has(Permission.INVITE_MEMBERS)) return [];
  return ROLES_BY_SCOPE[kind].filter((role) => mayGrantRole(kind, role, access));
}

/** Whether `role` confers something that `held` does not, at a scope of `kind`. */
export function raises(kind: ScopeKind, held: Role, role: Role): boolean {
  const before = permissionsOfRole(kind, held);
  return [...permissionsOfRole(kind, role)].some((permission) => !before.has(permission));
}

/**
 * Whether the caller may give the row `role` (the last-admin rule aside): a role they may grant
 * there and, when their own access is time-limited and the role raises the row, only on a
 * membership that ends no later than their access does (docs/domain-rules.md §13) — the raised role cannot outlive
 * the one who gave it.
 */
export function mayChangeRoleTo(access: Access, row: MembershipFacts, role: Role): boolean {
  if (!assignableRoles(row.scope, access).includes(role)) return false;
  if (!raises(row.scope, row.role, role)) return true;
  const end = grantableUntil(row.scope, role, access, Permission.MANAGE_MEMBERS);
  return end === null || (!!row.expiresAt && row.expiresAt <= end);
}

/**
 * Whether the caller may remove the row (the last-admin rule aside): MANAGE_MEMBERS at its scope,
 * or their own workspace or domain membership — leaving it. Leaving the organization itself goes
 * through `leaveOrganization`, which takes the whole tree with it.
 */
export function mayRemove(viewerId: string | null, access: Access, row: MembershipFacts): boolean {
  if (access.permissions.has(Permission.MANAGE_MEMBERS)) return true;
  return viewerId !== null && row.userId === viewerId && row.scope !== ScopeKind.ORGANIZATION;
}

/**
 * Whether the caller may set or clear the row's expiry (the last-admin rule aside): MANAGE_MEMBERS
 * at its scope, and never on their own membership — nobody makes their own access last longer.
 */
export function maySetExpiry(viewerId: string | null, access: Access, row: MembershipFacts): boolean {
  return access.permissions.has(Permission.MANAGE_MEMBERS) && viewerId !== null && row.userId !== viewerId;
}

/**
 * Whether the caller may give the row `expiresAt` (null: lasting): besides `maySetExpiry`, someone
 * whose own access is time-limited may only end the row no later than their access ends, or
 * bring its end forward — never clear it or push it past their own (docs/domain-rules.md §13).
 */
export function mayGiveExpiry(
  viewerId: string | null,
  access: Access,
  row: MembershipFacts,
  expiresAt: Date | null,
): boolean {
  if (!maySetExpiry(viewerId, access, row)) return false;
  const end = grantableUntil(row.scope, row.role, access, Permission.MANAGE_MEMBERS);
  if (end === null) return true;
  return expiresAt !== null && (expiresAt <= end || (!!row.expiresAt && expiresAt <= row.expiresAt));
}

/** `Member.viewerCan`. */
export function memberCapabilities(
  viewerId: string | null,
  access: Access,
  row: MembershipFacts,
  lastLastingAdmin: boolean,
): MemberCapabilities {
  const roles = lastLastingAdmin
    ? []
    : assignableRoles(row.scope, access).filter((role) => role === row.role || mayChangeRoleTo(access, row, role));
  const changeRole = roles.some((role) => role !== row.role);
  return {
    changeRole,
    remove: !lastLastingAdmin && mayRemove(viewerId, access, row),
    assignableRoles: changeRole ? roles : [],
    setExpiry: !lastLastingAdmin && maySetExpiry(viewerId, access, row),
  };
}

/** Statuses an invitation may be resent from (an EXPIRED one is renewed), and revoked from. */
export const RESENDABLE: readonly InvitationStatus[] = [InvitationStatus.PENDING, InvitationStatus.EXPIRED];
export const REVOCABLE: readonly InvitationStatus[] = [InvitationStatus.PENDING];

/**
 * `Invitation.viewerCan`: INVITE_MEMBERS at its scope, and a status that allows it. A directory's
 * (provisioned) invitation sends no email: it is never resent.
 */
export function invitationCapabilities(
  access: Access,
  status: InvitationStatus,
  provisioned = false,
): InvitationCapabilities {
  const invite = access.permissions.has(Permission.INVITE_MEMBERS);
  return {
    resend: invite && !provisioned && RESENDABLE.includes(status),
    revoke: invite && REVOCABLE.includes(status),
  };
}
