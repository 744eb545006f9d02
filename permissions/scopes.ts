import { Domain } from '../entities/domain.entity';
import { Organization } from '../entities/organization.entity';
import { Workspace } from '../entities/workspace.entity';
import type { Context } from '../src/graphql/context';
import { findScope } from '../src/loaders/find-scope';
import { isUuid } from '../src/domain/validation';
import { domainScope, organizationScope, scopeInputTarget, scopeOfRow, workspaceScope } from '../src/domain/scope';
import { ScopeKind } from '../src/domain/enums';
import { type ScopeRef } from '../src/domain/scope';

/**
 * What a root field's argument names: a scope by id, a `ScopeInput`, or a row that lives in a
 * scope (an invitation, a membership). Rules decide on the scope it belongs to.
 */
export type Target =
  | 'Organization'
  | 'Workspace'
  | 'Domain'
  | 'ScopeInput'
  | 'Invitation'
  | 'Member'
  | 'WebhookEndpoint'
  | 'WebhookDelivery'
  | 'ProvisioningToken'
  | 'EmailDomain'
  | 'CustomRole'
  | 'AccessRequest';

/** The scope an argument value points at, or null where there is no such thing. */
export async function loadScope(ctx: Context, target: Target, value: unknown): Promise<ScopeRef | null> {
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

/** What NOT_FOUND names for each target. */
export const TARGET_LABEL: Record<Target, string> = {
  Organization: 'Organization',
  Workspace: 'Workspace',
  Domain: 'Domain',
  ScopeInput: 'Scope',
  Invitation: 'Invitation',
  Member: 'Member',
  WebhookEndpoint: 'Webhook endpoint',
  WebhookDelivery: 'Webhook delivery',
  ProvisioningToken: 'Provisioning token',
  EmailDomain: 'Email domain',
  CustomRole: 'Custom role',
  AccessRequest: 'Access request',
};
