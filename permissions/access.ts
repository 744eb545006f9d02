import { Permission, Role, ScopeKind } from '../src/domain/enums';
import { BadUserInputError, ForbiddenError } from '../src/domain/errors';
import { type ScopeRef } from '../src/domain/scope';
import { type CustomRoleFact, isBuiltInKey } from '../src/domain/permission-keys';

export type { CustomRoleFact };

/**
 * The permission table of docs/domain-rules.md §2 and the role inheritance that feeds it, as pure functions.
 *
 * Every permission decision in the service comes from here: the shield rules, the visibility
 * filters of the services and the `viewerRole` / `viewerPermissions` fields all call
 * {@link accessAt}. Nothing here touches the database; callers hand in the viewer's
 * memberships.
 *
 * ACCOUNTING is not a rank between ADMIN and MEMBER. A caller's standing in a scope is a set of
 * *grants* (where each grant comes from), and the permissions are the union of what the table
 * gives each grant.
 */

/** Roles each scope accepts (docs/domain-rules.md §1). See {@link assertRoleAccepted}. */
export const ROLES_BY_SCOPE: Readonly<Record<ScopeKind, readonly Role[]>> = {
  [ScopeKind.ORGANIZATION]: [Role.ADMIN, Role.ACCOUNTING, Role.MEMBER],
  [ScopeKind.WORKSPACE]: [Role.ADMIN, Role.MEMBER],
  [ScopeKind.DOMAIN]: [Role.ADMIN, Role.MEMBER],
};

/** BAD_USER_INPUT on `role` unless a scope of `kind` accepts it (ACCOUNTING is organization-only). */
export function assertRoleAccepted(kind: ScopeKind, role: Role): void {
  if (!ROLES_BY_SCOPE[kind].includes(role)) {
    throw new BadUserInputError(`role ${role} is not accepted at ${kind.toLowerCase()} scope.`, 'role');
  }
}

/**
 * Where a caller's standing in a scope comes from. A role held at the scope itself and an
 * inherited one both count; a few grants exist only through inheritance.
 */
export enum Grant {
  ADMIN = 'ADMIN',
  ACCOUNTING = 'ACCOUNTING',
  MEMBER = 'MEMBER',
  /** Workspace only: what organization ADMIN adds on top of workspace ADMIN. */
  ORGANIZATION_ADMIN = 'ORGANIZATION_ADMIN',
  /** Workspace only: a member of one of its domains may see the workspace itself. */
  DOMAIN_MEMBER = 'DOMAIN_MEMBER',
  /** Any kind: a custom role's key held here lets its holder see the scope itself (docs/domain-rules.md §18). */
  KEY_HOLDER = 'KEY_HOLDER',
}

const P = Permission;

/** docs/domain-rules.md §2, cell by cell. */
export const PERMISSION_TABLE: Readonly<Record<ScopeKind, Partial<Record<Grant, readonly Permission[]>>>> = {
  [ScopeKind.ORGANIZATION]: {
    [Grant.ADMIN]: [
      P.READ,
      P.UPDATE,
      P.DELETE,
      P.READ_MEMBERS,
      P.INVITE_MEMBERS,
      P.MANAGE_MEMBERS,
      P.CREATE_WORKSPACE,
      P.READ_BILLING,
      P.UPDATE_BILLING,
      P.READ_AUDIT_LOG,
      P.MANAGE_WEBHOOKS,
      P.MANAGE_PROVISIONING,
      P.MANAGE_ROLES,
    ],
    [Grant.ACCOUNTING]: [P.READ, P.READ_MEMBERS, P.READ_BILLING, P.UPDATE_BILLING],
    [Grant.MEMBER]: [P.READ, P.READ_MEMBERS],
    [Grant.KEY_HOLDER]: [P.READ],
  },
  [ScopeKind.WORKSPACE]: {
    [Grant.ADMIN]: [
      P.READ,
      P.UPDATE,
      P.READ_MEMBERS,
      P.INVITE_MEMBERS,
      P.MANAGE_MEMBERS,
      P.CREATE_DOMAIN,
      P.READ_AUDIT_LOG,
    ],
    [Grant.ORGANIZATION_ADMIN]: [P.DELETE, P.READ_BILLING, P.UPDATE_BILLING],
    [Grant.ACCOUNTING]: [P.READ, P.READ_BILLING, P.UPDATE_BILLING],
    [Grant.MEMBER]: [P.READ, P.READ_MEMBERS],
    [Grant.DOMAIN_MEMBER]: [P.READ],
    [Grant.KEY_HOLDER]: [P.READ],
  },
  [ScopeKind.DOMAIN]: {
    [Grant.ADMIN]: [P.READ, P.UPDATE, P.DELETE, P.READ_MEMBERS, P.INVITE_MEMBERS, P.MANAGE_MEMBERS, P.READ_AUDIT_LOG],
    [Grant.MEMBER]: [P.READ, P.READ_MEMBERS],
    [Grant.KEY_HOLDER]: [P.READ],
  },
};

/** One membership of the caller, as far as inheritance needs it. */
export interface MembershipFact {
  scope: ScopeKind;
  role: Role;
  organizationId: string;
  workspaceId: string | null;
  domainId: string | null;
  /** When the membership ends by itself; from then on it grants nothing. */
  expiresAt?: Date | null;
  /** The custom role held (then `role` is its base role), or none. */
  customRole?: CustomRoleFact | null;
}

/** Whether a membership still counts at `now`: a time-limited one stops at its expiry, sweeper or not. */
export function isInForce(m: Pick<MembershipFact, 'expiresAt'>, now: Date): boolean {
  return !m.expiresAt || m.expiresAt.getTime() > now.getTime();
}

export interface Access {
  /** The effective role shown as `viewerRole`, or null. */
  role: Role | null;
  grants: readonly Grant[];
  permissions: ReadonlySet<Permission>;
  /**
   * Until when each permission held lasts: null when a lasting membership gives it, else the
   * latest expiry among the time-limited memberships that do. What a time-limited person grants
   * ends no later than this (docs/domain-rules.md §13).
   */
  until: ReadonlyMap<Permission, Date | null>;
  /** Keys that custom roles add here (built-in and declared); the built-in ones are also in `permissions`. */
  customKeys: ReadonlySet<string>;
}

/** The grant a role held at a scope itself gives there. */
export function roleGrant(role: Role): Grant {
  return role === Role.ADMIN ? Grant.ADMIN : role === Role.ACCOUNTING ? Grant.ACCOUNTING : Grant.MEMBER;
}

/**
 * What a role held at one scope passes down to the scopes below it (docs/domain-rules.md §2): organization ADMIN
 * cascades as ADMIN (with the organization-only workspace rights), organization ACCOUNTING
 * gives billing on every workspace, workspace ADMIN and MEMBER carry over to its domains.
 * Organization MEMBER, and ACCOUNTING on domains, pass nothing down.
 */
export const CASCADE: Readonly<
  Partial<Record<ScopeKind, Partial<Record<ScopeKind, Partial<Record<Role, readonly Grant[]>>>>>>
> = {
  [ScopeKind.ORGANIZATION]: {
    [ScopeKind.WORKSPACE]: {
      [Role.ADMIN]: [Grant.ADMIN, Grant.ORGANIZATION_ADMIN],
      [Role.ACCOUNTING]: [Grant.ACCOUNTING],
    },
    [ScopeKind.DOMAIN]: { [Role.ADMIN]: [Grant.ADMIN] },
  },
  [ScopeKind.WORKSPACE]: {
    [ScopeKind.DOMAIN]: { [Role.ADMIN]: [Grant.ADMIN], [Role.MEMBER]: [Grant.MEMBER] },
  },
};

/** One membership that gives a person something at a scope: held there (`direct`) or above it. */
export interface AccessSourceOf<M extends MembershipFact> {
  membership: M;
  direct: boolean;
  grants: readonly Grant[];
}

/** Whether a membership is held at the scope itself. */
function isAt(m: MembershipFact, scope: ScopeRef): boolean {
  if (m.scope !== scope.kind || m.organizationId !== scope.organizationId) return false;
  if (scope.kind === ScopeKind.ORGANIZATION) return true;
  if (scope.kind === ScopeKind.WORKSPACE) return m.workspaceId === scope.workspaceId;
  return m.domainId === scope.domainId;
}

/** Whether a membership is held at a scope above `scope` in the same tree. */
function isAbove(m: MembershipFact, scope: ScopeRef): boolean {
  if (m.organizationId !== scope.organizationId || scope.kind === ScopeKind.ORGANIZATION) return false;
  if (m.scope === ScopeKind.ORGANIZATION) return true;
  return scope.kind === ScopeKind.DOMAIN && m.scope === ScopeKind.WORKSPACE && m.workspaceId === scope.workspaceId;
}

const DEPTH: Record<ScopeKind, number> = {
  [ScopeKind.DOMAIN]: 0,
  [ScopeKind.WORKSPACE]: 1,
  [ScopeKind.ORGANIZATION]: 2,
};

/**
 * The memberships that contribute to a person's standing at a scope, nearest first: the one held
 * there, and those above it whose role passes something down ({@link CASCADE}). `explainAccess`
 * and `Member.accessSources` show exactly these; {@link grantsAt} is built from them.
 */
export function sourcesAt<M extends MembershipFact>(
  scope: ScopeRef,
  memberships: readonly M[],
  now: Date,
): AccessSourceOf<M>[] {
  const sources: AccessSourceOf<M>[] = [];
  for (const membership of memberships) {
    if (!isInForce(membership, now)) continue;
    const custom = (membership.customRole?.grants[scope.kind]?.length ?? 0) > 0 ? [Grant.KEY_HOLDER] : [];
    if (isAt(membership, scope)) {
      sources.push({ membership, direct: true, grants: [roleGrant(membership.role), ...custom] });
    } else if (isAbove(membership, scope)) {
      const grants = [...(CASCADE[membership.scope]?.[scope.kind]?.[membership.role] ?? []), ...custom];
      if (grants.length > 0) sources.push({ membership, direct: false, grants });
    }
  }
  return sources.sort((a, b) => DEPTH[a.membership.scope] - DEPTH[b.membership.scope]);
}

/** Grants that the memberships give at a scope: the role held there plus what is passed down. */
export function grantsAt(scope: ScopeRef, memberships: readonly MembershipFact[], now: Date): Grant[] {
  return grantsWith(scope, memberships, now, customKeysAt(scope, memberships, now));
}

/**
 * A caller's standing at a scope as the keys need it: the grants there and the keys custom roles add
 * there, the latter worked out once (the grants depend on them: a key there lets its holder see the scope).
 */
export function standingAt(
  scope: ScopeRef,
  memberships: readonly MembershipFact[],
  now: Date,
): { grants: Grant[]; custom: Map<string, Date | null> } {
  const custom = customKeysAt(scope, memberships, now);
  return { grants: grantsWith(scope, memberships, now, custom), custom };
}

/** {@link grantsAt} with the custom roles' keys there already worked out. */
function grantsWith(
  scope: ScopeRef,
  memberships: readonly MembershipFact[],
  now: Date,
  custom: ReadonlyMap<string, Date | null>,
): Grant[] {
  const grants = new Set<Grant>();
  for (const source of sourcesAt(scope, memberships, now)) for (const grant of source.grants) grants.add(grant);
  // A member of one of a workspace's domains may see the workspace itself (its id and name).
  if (
    scope.kind === ScopeKind.WORKSPACE &&
    memberships.some((m) => m.scope === ScopeKind.DOMAIN && m.workspaceId === scope.workspaceId && isInForce(m, now))
  ) {
    grants.add(Grant.DOMAIN_MEMBER);
  }
  if (custom.size > 0) grants.add(Grant.KEY_HOLDER);
  return [...grants];
}

/** Union of the table's cells for the grants. */
export function permissionsFor(kind: ScopeKind, grants: readonly Grant[]): Set<Permission> {
  const permissions = new Set<Permission>();
  for (const grant of grants) {
    for (const permission of PERMISSION_TABLE[kind][grant] ?? []) permissions.add(permission);
  }
  return permissions;
}

/** The role shown for a set of grants: ADMIN first, then ACCOUNTING, then MEMBER; none for a bare domain member. */
export function displayedRole(grants: readonly Grant[]): Role | null {
  if (grants.includes(Grant.ADMIN)) return Role.ADMIN;
  if (grants.includes(Grant.ACCOUNTING)) return Role.ACCOUNTING;
  if (grants.includes(Grant.MEMBER)) return Role.MEMBER;
  return null;
}

/** The later of two ends of access, null being "lasting". */
function later(a: Date | null, b: Date | null): Date | null {
  return a === null || b === null ? null : a > b ? a : b;
}

/** Until when each permission lasts, from the memberships that give it (see `Access.until`). */
function permissionsUntil(
  scope: ScopeRef,
  memberships: readonly MembershipFact[],
  now: Date,
): Map<Permission, Date | null> {
  const until = new Map<Permission, Date | null>();
  const extend = (permission: Permission, end: Date | null) =>
    until.set(permission, until.has(permission) ? later(until.get(permission) ?? null, end) : end);
  for (const source of sourcesAt(scope, memberships, now)) {
    const end = source.membership.expiresAt ?? null;
    for (const permission of permissionsFor(scope.kind, source.grants)) extend(permission, end);
  }
  if (scope.kind === ScopeKind.WORKSPACE) {
    for (const m of memberships) {
      if (m.scope === ScopeKind.DOMAIN && m.workspaceId === scope.workspaceId && isInForce(m, now)) {
        for (const permission of PERMISSION_TABLE[ScopeKind.WORKSPACE][Grant.DOMAIN_MEMBER] ?? []) {
          extend(permission, m.expiresAt ?? null);
        }
      }
    }
  }
  return until;
}

/**
 * The caller's effective role and permissions at a scope, at the moment `now` (a membership past
 * its expiry counts for nothing). Fails closed: no membership, no permission.
 */
export function accessAt(scope: ScopeRef, memberships: readonly MembershipFact[], now: Date): Access {
  return accessFrom(scope, bearingOn(scope, memberships), now);
}

/**
 * The memberships that can matter at a scope: those held there or above it in its tree, and for a
 * workspace those held at its domains (they let their holders see it). Everything {@link accessAt}
 * decides is decided from these and the scope's kind alone — it reads nothing else — so two scopes
 * of one kind with the same memberships bearing on them have the same access: an organization
 * ADMIN's hundreds of workspaces and domains are one decision each (see {@link accessByBearing}).
 */
export function bearingOn<M extends MembershipFact>(scope: ScopeRef, memberships: readonly M[]): M[] {
  return memberships.filter(
    (m) =>
      isAt(m, scope) ||
      isAbove(m, scope) ||
      (scope.kind === ScopeKind.WORKSPACE &&
        m.scope === ScopeKind.DOMAIN &&
        m.organizationId === scope.organizationId &&
        m.workspaceId === scope.workspaceId),
  );
}

/**
 * {@link accessAt} remembered by what it is decided from (the scope's kind and the ids of the
 * memberships bearing on it), for one caller at one moment: give each request its own.
 */
export function accessByBearing<M extends MembershipFact & { id: string }>(now: Date) {
  const decided = new Map<string, Access>();
  return (scope: ScopeRef, memberships: readonly M[]): Access => {
    const bearing = bearingOn(scope, memberships);
    let key: string = scope.kind;
    for (const m of bearing) key += `:${m.id}`;
    let access = decided.get(key);
    if (!access) decided.set(key, (access = accessFrom(scope, bearing, now)));
    return access;
  };
}

/** {@link accessAt} from the memberships bearing on the scope. */
function accessFrom(scope: ScopeRef, memberships: readonly MembershipFact[], now: Date): Access {
  const { grants, custom } = standingAt(scope, memberships, now);
  const permissions = permissionsFor(scope.kind, grants);
  const until = permissionsUntil(scope, memberships, now);
  for (const [key, end] of custom) {
    if (!isBuiltInKey(key)) continue;
    permissions.add(key);
    until.set(key, until.has(key) ? later(until.get(key) ?? null, end) : end);
  }
  return { role: displayedRole(grants), grants, permissions, until, customKeys: new Set(custom.keys()) };
}

/**
 * The keys custom roles add at a scope (docs/domain-rules.md §18), each with until when it lasts:
 * a custom role held at a scope adds its keys for that scope's kind there, and its keys for the
 * kinds below on every scope below.
 */
export function customKeysAt(
  scope: ScopeRef,
  memberships: readonly MembershipFact[],
  now: Date,
): Map<string, Date | null> {
  const keys = new Map<string, Date | null>();
  for (const m of memberships) {
    const added = m.customRole?.grants[scope.kind];
    if (!added || added.length === 0 || !isInForce(m, now) || !(isAt(m, scope) || isAbove(m, scope))) continue;
    const end = m.expiresAt ?? null;
    for (const key of added) keys.set(key, keys.has(key) ? later(keys.get(key) ?? null, end) : end);
  }
  return keys;
}

/**
 * Until when a caller keeps everything that giving `role` at a scope of `kind` takes — `via`
 * (INVITE_MEMBERS or MANAGE_MEMBERS) and every permission the role confers: null while all of it
 * lasts. Someone whose access is time-limited grants nothing that outlives it (docs/domain-rules.md §13).
 */
export function grantableUntil(kind: ScopeKind, role: Role, access: Access, via: Permission): Date | null {
  let end: Date | null = null;
  for (const permission of [via, ...permissionsOfRole(kind, role)]) {
    const until = access.until.get(permission);
    if (until && (end === null || until < end)) end = until;
  }
  return end;
}

/** The earlier of two ends of access, null being "lasting". */
export function earlier(a: Date | null, b: Date | null): Date | null {
  return a === null ? b : b === null ? a : a < b ? a : b;
}

/**
 * Whether a caller who may READ a scope sees all of it. A member of a domain with no role in
 * its workspace holds the workspace's READ only to see its id, name and organization (and their
 * own domains in it): nothing else of it, such as when it was created.
 */
export function seesWholeScope(access: Access): boolean {
  return (
    access.permissions.has(Permission.READ) &&
    access.grants.some((grant) => grant !== Grant.DOMAIN_MEMBER && grant !== Grant.KEY_HOLDER)
  );
}

/** Permissions a role confers when held at a scope (used to decide who may grant it). */
export function permissionsOfRole(kind: ScopeKind, role: Role): Set<Permission> {
  return permissionsFor(kind, [roleGrant(role)]);
}

/**
 * Whether a caller with `access` may grant `role` at a scope of `kind`: the scope must accept the
 * role and the role must confer nothing the caller lacks there ("nobody grants a role above
 * their own effective role").
 */
export function mayGrantRole(kind: ScopeKind, role: Role, access: Access): boolean {
  return ROLES_BY_SCOPE[kind].includes(role) && missingToGrant(kind, role, access) === null;
}

/** The first permission `role` confers at a scope of `kind` that the caller lacks there, or null. */
export function missingToGrant(kind: ScopeKind, role: Role, access: Access): Permission | null {
  return sortedPermissions(permissionsOfRole(kind, role)).find((p) => !access.permissions.has(p)) ?? null;
}

/** FORBIDDEN for a role above the caller's own, naming what they lack for it. */
export function assertMayGrantRole(kind: ScopeKind, role: Role, access: Access): void {
  assertRoleAccepted(kind, role);
  const missing = missingToGrant(kind, role, access);
  if (missing) throw new ForbiddenError({ permission: missing, message: 'You cannot grant a role above your own.' });
}

/** Stable order for `viewerPermissions`: the enum's declaration order. */
export function sortedPermissions(permissions: ReadonlySet<Permission>): Permission[] {
  return Object.values(Permission).filter((p) => permissions.has(p));
}
