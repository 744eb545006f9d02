import type { Domain } from '../entities/domain.entity';
import type { Organization } from '../entities/organization.entity';
import type { User } from '../entities/user.entity';
import type { Workspace } from '../entities/workspace.entity';
import { Permission } from '../permissions/access';
import type { Context } from '../src/context';
import { findDomain, findOrganization, findWorkspace } from '../src/services/scope.service';
import { domainScope, organizationScope, workspaceScope } from '../src/domain/scope';

/**
 * `__resolveReference` for the four entities. Each goes through the request's loader, so a whole
 * `_entities` list is one statement per type; an id that is missing or not visible to the
 * caller resolves to null, the same answer for both. Field rules still run on what comes back.
 */
type Ref = { id: string };

async function visible<T>(entity: T | null, readable: (entity: T) => Promise<boolean>): Promise<T | null> {
  return entity && (await readable(entity)) ? entity : null;
}

export const referenceResolvers = {
  User: {
    // Both loads start at once, so every reference of the list lands in the same two batches.
    __resolveReference: async (ref: Ref, ctx: Context): Promise<User | null> => {
      if (typeof ref.id !== 'string') return null;
      const [user, visible] = await Promise.all([
        ctx.loaders.user.load(ref.id),
        ctx.access.sharesOrganizationWith(ref.id),
      ]);
      return visible ? user : null;
    },
  },
  Organization: {
    __resolveReference: async (ref: Ref, ctx: Context): Promise<Organization | null> =>
      visible(await findOrganization(ctx, String(ref.id)), (o) =>
        ctx.access.allows(organizationScope(o), Permission.READ),
      ),
  },
  Workspace: {
    __resolveReference: async (ref: Ref, ctx: Context): Promise<Workspace | null> =>
      visible(await findWorkspace(ctx, String(ref.id)), (w) => ctx.access.allows(workspaceScope(w), Permission.READ)),
  },
  Domain: {
    __resolveReference: async (ref: Ref, ctx: Context): Promise<Domain | null> =>
      visible(await findDomain(ctx, String(ref.id)), (d) => ctx.access.allows(domainScope(d), Permission.READ)),
  },
};
