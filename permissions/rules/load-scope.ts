import { Domain } from '../../entities/domain.entity';
import { Organization } from '../../entities/organization.entity';
import { Workspace } from '../../entities/workspace.entity';
import type { RequestScope } from '../../src/request/scope';
import { findScope } from '../../src/loaders/find-scope';
import { isUuid } from '../../src/domain/validation';
import {
  domainScope,
  organizationScope,
  type ScopeRef,
  scopeInputTarget,
  scopeOfRow,
  workspaceScope,
} from '../../src/domain/scope';
import { ScopeKind } from '../../src/domain/enums';
import type { Target } from '../scopes';

/** The rules' reads of a target's scope, through the request's loaders (the pure names are in `../scopes.ts`). */

/** The scope an argument value points at, or null where there is no such thing. */
export async function loadScope(ctx: RequestScope, target: Target, value: unknown): Promise<ScopeRef | null> {
  if (target === 'ScopeInput') {
    const { kind, id } = scopeInputTarget(value as Parameters<typeof scopeInputTarget>[0]);
    return findScope(ctx, kind, id);
  }
  if (typeof value !== 'string') return null;
  switch (target) {
    case 'Organization':
      return findScope(ctx, ScopeKind.ORGANIZATION, value);
    case 'Workspace':
      return findScope(ctx, ScopeKind.WORKSPACE, value);
    case 'Domain':
      return findScope(ctx, ScopeKind.DOMAIN, value);
    case 'Invitation': {
      const invitation = isUuid(value) ? await ctx.loaders.invitation.load(value) : null;
      return invitation && scopeOfRow(invitation);
    }
    case 'EmailDomain': {
      const claim = isUuid(value) ? await ctx.loaders.emailDomain.load(value) : null;
      return claim && organizationScope({ id: claim.organizationId });
    }
    case 'WebhookEndpoint': {
      const endpoint = isUuid(value) ? await ctx.loaders.webhookEndpoint.load(value) : null;
      return endpoint && organizationScope({ id: endpoint.organizationId });
    }
    case 'WebhookDelivery': {
      const delivery = isUuid(value) ? await ctx.loaders.webhookDelivery.load(value) : null;
      return delivery && organizationScope({ id: delivery.organizationId });
    }
    case 'ProvisioningToken': {
      const token = isUuid(value) ? await ctx.loaders.provisioningToken.load(value) : null;
      return token && !token.revokedAt ? organizationScope({ id: token.organizationId }) : null;
    }
    case 'CustomRole': {
      const role = isUuid(value) ? await ctx.loaders.customRole.load(value) : null;
      return role && organizationScope({ id: role.organizationId });
    }
    case 'AccessRequest': {
      const request = isUuid(value) ? await ctx.loaders.accessRequest.load(value) : null;
      return request && scopeOfRow(request);
    }
    case 'Member': {
      const membership = isUuid(value) ? await ctx.loaders.membership.load(value) : null;
      return membership && scopeOfRow(membership);
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
