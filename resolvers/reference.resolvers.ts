import type { Domain } from '../entities/domain.entity';
import type { Organization } from '../entities/organization.entity';
import type { User } from '../entities/user.entity';
import type { Workspace } from '../entities/workspace.entity';
import { Permission } from '../src/domain/enums';
import type { RequestScope } from '../src/request/scope';
import { findDomain, findOrganization, findWorkspace } from '../src/services/organizations/scope.service';
import { domainScope, organizationScope, workspaceScope } from '../src/domain/scope';
import { NotFoundError } from '../src/domain/errors';

/**
 * `__resolveReference` for the four entities. Each goes through the request's loader, so a whole
 * `_entities` list is one statement per type. An id that is missing or not visible to the caller
 * resolves to null with a NOT_FOUND error at `["_entities", i]` (the same answer for both), so
 * that a router can report it. Field rules still run on what comes back.
 */
type Ref = { id: string };

async function visible<T>(entity: T | null, readable: (entity: T) => Promise<boolean>, what: string): Promise<T> {
  if (entity && (await readable(entity))) return entity;
  throw new NotFoundError(what);
}

export const referenceResolvers = {
  User: {
    // Both loads start at once, so every reference of the list lands in the same two batches.
    __resolveReference: async (ref: Ref, ctx: RequestScope): Promise<User> => {
      const [user, shared] = await Promise.all([
        ctx.loaders.user.load(ref.id),
        ctx.access.sharesOrganizationWith(ref.id),
      ]);
      if (!user || !shared) throw new NotFoundError('User');
      return user;
    },
  },
  Organization: {
    __resolveReference: async (ref: Ref, ctx: RequestScope): Promise<Organization> =>
      visible(
        await findOrganization(ctx, ref.id),
        (o) => ctx.access.allows(organizationScope(o), Permission.READ),
        'Organization',
      ),
  },
  Workspace: {
    __resolveReference: async (ref: Ref, ctx: RequestScope): Promise<Workspace> =>
      visible(
        await findWorkspace(ctx, ref.id),
        (w) => ctx.access.allows(workspaceScope(w), Permission.READ),
        'Workspace',
      ),
  },
  Domain: {
    __resolveReference: async (ref: Ref, ctx: RequestScope): Promise<Domain> =>
      visible(await findDomain(ctx, ref.id), (d) => ctx.access.allows(domainScope(d), Permission.READ), 'Domain'),
  },
};
