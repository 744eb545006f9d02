import type { Domain } from '../../entities/domain.entity';
import type { Organization } from '../../entities/organization.entity';
import type { Workspace } from '../../entities/workspace.entity';
import type { Loaders } from './index';
import { ScopeKind } from '../domain/enums';
import { domainScope, organizationScope, type ScopeRef, workspaceScope } from '../domain/scope';
import { isUuid } from '../domain/validation';

/**
 * What a lookup needs of the request scope (src/request/scope.ts, which sits above the loaders):
 * its loaders, and whose memberships are already on the way.
 */
interface Lookup {
  loaders: Loaders;
  viewer: object | null;
  access: { memberships(): Promise<unknown> };
}

/**
 * A loader read that treats a malformed id as absent, without asking the database. It waits for
 * the viewer's memberships first: they bring the viewer's organizations along (see the loader),
 * so an organization of theirs costs no statement of its own.
 */
export async function findOrganization(ctx: Lookup, id: string): Promise<Organization | null> {
  if (!isUuid(id)) return null;
  if (ctx.viewer) await ctx.access.memberships();
  return ctx.loaders.organization.load(id);
}

export async function findWorkspace(ctx: Lookup, id: string): Promise<Workspace | null> {
  return isUuid(id) ? ctx.loaders.workspace.load(id) : null;
}

export async function findDomain(ctx: Lookup, id: string): Promise<Domain | null> {
  return isUuid(id) ? ctx.loaders.domain.load(id) : null;
}

/** The scope a kind and an id name, with the ids above it, or null where there is no such thing. */
export async function findScope(ctx: Lookup, kind: ScopeKind, id: string): Promise<ScopeRef | null> {
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
