import { Domain } from '../entities/domain.entity';
import { Organization } from '../entities/organization.entity';
import { Workspace } from '../entities/workspace.entity';
import type { Context } from '../src/context';
import { findDomain, findOrganization, findWorkspace } from '../src/services/scope.service';
import { domainScope, organizationScope, workspaceScope } from '../src/viewer-access';
import { ScopeKind, type ScopeRef } from './access';

/** The scope an id names, with the ids above it, or null where there is no such thing. */
export async function loadScope(ctx: Context, kind: ScopeKind, id: string): Promise<ScopeRef | null> {
  switch (kind) {
    case ScopeKind.ORGANIZATION: {
      const organization = await findOrganization(ctx, id);
      return organization && organizationScope(organization);
    }
    case ScopeKind.WORKSPACE: {
      const workspace = await findWorkspace(ctx, id);
      return workspace && workspaceScope(workspace);
    }
    case ScopeKind.DOMAIN: {
      const domain = await findDomain(ctx, id);
      return domain && domainScope(domain);
    }
  }
}

/** The scope of an entity object reached as a parent (query, mutation result or `_entities`). */
export function scopeOfEntity(entity: unknown): ScopeRef | null {
  if (entity instanceof Organization) return organizationScope(entity);
  if (entity instanceof Workspace) return workspaceScope(entity);
  if (entity instanceof Domain) return domainScope(entity);
  return null;
}

export const SCOPE_LABEL: Record<ScopeKind, string> = {
  [ScopeKind.ORGANIZATION]: 'Organization',
  [ScopeKind.WORKSPACE]: 'Workspace',
  [ScopeKind.DOMAIN]: 'Domain',
};
