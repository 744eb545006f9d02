import type { Domain } from '../entities/domain.entity';
import type { Invitation } from '../entities/invitation.entity';
import type { Membership } from '../entities/membership.entity';
import type { Organization } from '../entities/organization.entity';
import type { Workspace } from '../entities/workspace.entity';
import { accessAt, type Access, type Permission, ScopeKind, type ScopeRef } from '../permissions/access';
import type { Loaders } from './loaders';

const NO_ACCESS: Access = Object.freeze({ role: null, grants: [], permissions: new Set() }) as Access;

export function organizationScope(organization: Pick<Organization, 'id'>): ScopeRef {
  return { kind: ScopeKind.ORGANIZATION, organizationId: organization.id };
}

export function workspaceScope(workspace: Pick<Workspace, 'id' | 'organizationId'>): ScopeRef {
  return { kind: ScopeKind.WORKSPACE, organizationId: workspace.organizationId, workspaceId: workspace.id };
}

export function domainScope(domain: Pick<Domain, 'id' | 'workspaceId' | 'organizationId'>): ScopeRef {
  return {
    kind: ScopeKind.DOMAIN,
    organizationId: domain.organizationId,
    workspaceId: domain.workspaceId,
    domainId: domain.id,
  };
}

/** The scope an invitation or membership row belongs to. */
export function scopeOfRow(
  row: Pick<Invitation | Membership, 'scope' | 'organizationId' | 'workspaceId' | 'domainId'>,
): ScopeRef {
  if (row.scope === ScopeKind.ORGANIZATION) return { kind: ScopeKind.ORGANIZATION, organizationId: row.organizationId };
  if (row.scope === ScopeKind.WORKSPACE) {
    return { kind: ScopeKind.WORKSPACE, organizationId: row.organizationId, workspaceId: row.workspaceId as string };
  }
  return {
    kind: ScopeKind.DOMAIN,
    organizationId: row.organizationId,
    workspaceId: row.workspaceId as string,
    domainId: row.domainId as string,
  };
}

/**
 * The caller's access, computed from their memberships (loaded once per request through the
 * loader) with the pure table of `permissions/access.ts`, and memoised per scope for the request.
 */
export class ViewerAccess {
  private readonly memo = new Map<string, Promise<Access>>();
  /** People known to share an organization with the viewer (seen in a members list the viewer may read). */
  private readonly coMembers = new Set<string>();

  constructor(
    private readonly viewerId: string | null,
    private readonly loaders: Loaders,
  ) {}

  /** The viewer's memberships, or none for an anonymous caller. */
  async memberships(): Promise<Membership[]> {
    if (!this.viewerId) return [];
    return this.loaders.membershipsByUser.load(this.viewerId);
  }

  at(scope: ScopeRef): Promise<Access> {
    if (!this.viewerId) return Promise.resolve(NO_ACCESS);
    const key = `${scope.kind}:${scope.kind === ScopeKind.ORGANIZATION ? scope.organizationId : scope.kind === ScopeKind.WORKSPACE ? scope.workspaceId : scope.domainId}`;
    let access = this.memo.get(key);
    if (!access) {
      access = this.memberships().then((memberships) => accessAt(scope, memberships));
      this.memo.set(key, access);
    }
    return access;
  }

  /** Whether the viewer has `permission` at the scope. */
  async allows(scope: ScopeRef, permission: Permission): Promise<boolean> {
    return (await this.at(scope)).permissions.has(permission);
  }

  /**
   * Records people listed as members of a scope whose members the viewer may read. Every member
   * of a scope is a member of its organization, and so is the viewer: they share it.
   */
  noteCoMembers(userIds: Iterable<string>): void {
    for (const id of userIds) this.coMembers.add(id);
  }

  isKnownCoMember(userId: string): boolean {
    return this.coMembers.has(userId);
  }

  /** After a write that changes the viewer's memberships, later reads must see it. */
  invalidate(): void {
    this.memo.clear();
    this.coMembers.clear();
    if (this.viewerId) this.loaders.membershipsByUser.clear(this.viewerId);
  }
}
