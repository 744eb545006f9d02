import { InvitationStatus } from '../src/domain/enums';
import { type Access, mayGrantRole, Permission, Role, ROLES_BY_SCOPE, ScopeKind } from './access';

/**
 * What a caller may do to one membership or one invitation (SPEC §10), as pure functions of the
 * caller's access at the row's scope. The mutations' rules and services call the same functions
 * as the `viewerCan` fields, so a button a frontend shows is a request the server accepts.
 *
 * The last-admin rule is decided here for display and again inside the organization's lock by
 * the service (where a concurrent change cannot slip between the check and the write).
 */

/** What these decisions need of a membership. */
export interface MemberRow {
  userId: string;
  scope: ScopeKind;
  role: Role;
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
export function isLastLastingAdmin(row: MemberRow, lastingAdminIds: readonly string[]): boolean {
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

/** Whether the caller may give the row `role` (the last-admin rule aside). */
export function mayChangeRoleTo(access: Access, row: MemberRow, role: Role): boolean {
  return assignableRoles(row.scope, access).includes(role);
}

/**
 * Whether the caller may remove the row (the last-admin rule aside): MANAGE_MEMBERS at its scope,
 * or their own workspace or domain membership — leaving it. Leaving the organization itself goes
 * through `leaveOrganization`, which takes the whole tree with it.
 */
export function mayRemove(viewerId: string | null, access: Access, row: MemberRow): boolean {
  if (access.permissions.has(Permission.MANAGE_MEMBERS)) return true;
  return viewerId !== null && row.userId === viewerId && row.scope !== ScopeKind.ORGANIZATION;
}

/** Whether the caller may set or clear the row's expiry (the last-admin rule aside). */
export function maySetExpiry(access: Access): boolean {
  return access.permissions.has(Permission.MANAGE_MEMBERS);
}

/** `Member.viewerCan`. */
export function memberCapabilities(
  viewerId: string | null,
  access: Access,
  row: MemberRow,
  lastLastingAdmin: boolean,
): MemberCapabilities {
  const roles = lastLastingAdmin ? [] : assignableRoles(row.scope, access);
  const changeRole = roles.some((role) => role !== row.role);
  return {
    changeRole,
    remove: !lastLastingAdmin && mayRemove(viewerId, access, row),
    assignableRoles: changeRole ? roles : [],
    setExpiry: !lastLastingAdmin && maySetExpiry(access),
  };
}

/** Statuses an invitation may be resent from (an EXPIRED one is renewed), and revoked from. */
export const RESENDABLE: readonly InvitationStatus[] = [InvitationStatus.PENDING, InvitationStatus.EXPIRED];
export const REVOCABLE: readonly InvitationStatus[] = [InvitationStatus.PENDING];

/** `Invitation.viewerCan`: INVITE_MEMBERS at its scope, and a status that allows it. */
export function invitationCapabilities(access: Access, status: InvitationStatus): InvitationCapabilities {
  const invite = access.permissions.has(Permission.INVITE_MEMBERS);
  return { resend: invite && RESENDABLE.includes(status), revoke: invite && REVOCABLE.includes(status) };
}
