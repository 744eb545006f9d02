import { BillingProfile } from '../../entities/billing.entity';
import { billingProfileOf } from '../../src/services/billing/billing.service';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { membersAskedOf, selects } from './selection';
import { Organization } from '../../entities/organization.entity';
import { WebhookEndpoint } from '../../entities/webhook.entity';
import { ProvisioningToken } from '../../entities/provisioning-token.entity';
import { provisioningTokensOf } from '../../src/services/provisioning/provisioning-tokens.service';
import { allInvitationsOf } from '../../src/services/invitations/invitation-queries.service';
import { webhookEndpointsOf } from '../../src/services/webhooks/webhook.service';
import { InvitationConnection } from '../types/connections';
import { InvitationStatus } from '../../src/domain/enums';
import { Workspace } from '../../entities/workspace.entity';
import type { RequestScope } from '../../src/request/scope';
import * as scopes from '../../src/services/organizations/scope.service';
import { readMemberPagesAhead } from '../../src/services/memberships/membership-queries.service';
import * as seats from '../../src/services/billing/seats.service';
import { organizationScope } from '../../src/domain/scope';
import { CreateOrganizationInput, UpdateOrganizationInput } from '../types/inputs';
import { ScopeFieldsResolver } from './scope-fields.resolver';

@Resolver(() => Organization)
export class OrganizationResolver extends ScopeFieldsResolver(
  Organization,
  organizationScope,
  "The caller's role here, or null.",
) {
  @Query(() => Organization, {
    nullable: true,
    description: 'Null with a NOT_FOUND error where the id does not exist or the caller may not see it.',
  })
  organization(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return scopes.findOrganization(ctx, id);
  }

  @FieldResolver(() => [Workspace], {
    description: 'ADMIN and ACCOUNTING see every workspace; others, those they belong to or hold a domain in.',
  })
  async workspaces(@Root() organization: Organization, @Ctx() ctx: RequestScope, @Info() info: GraphQLResolveInfo) {
    const withDomains = selects(info, 'domains');
    const workspaces = await scopes.visibleWorkspaces(ctx, organization, withDomains);
    // A tree (`workspaces { domains { members(…) } }`): every domain's page in one statement now,
    // so that the hundreds of fields below answer without waiting.
    const ahead = withDomains ? membersAskedOf(info, 'domains', 'Domain') : null;
    if (ahead) {
      await readMemberPagesAhead(ctx, scopes.domainsKnownVisible(ctx, workspaces), ahead.args, ahead.withCount);
    }
    return workspaces;
  }

  @FieldResolver(() => BillingProfile, {
    nullable: true,
    description: 'ADMIN and ACCOUNTING only: null with a FORBIDDEN error for others.',
  })
  billingProfile(@Root() organization: Organization, @Ctx() ctx: RequestScope) {
    return billingProfileOf(ctx, organization.id);
  }

  @FieldResolver(() => InvitationConnection, {
    nullable: true,
    description:
      'Every invitation of the organization tree that the caller may see (where they may invite), newest first.',
  })
  async allInvitations(
    @Root() organization: Organization,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('status', () => [InvitationStatus], { nullable: true }) status: InvitationStatus[] | null,
    @Arg('query', () => String, { nullable: true }) query: string | null,
    @Ctx() ctx: RequestScope,
  ): Promise<InvitationConnection> {
    return Object.assign(
      new InvitationConnection(),
      await allInvitationsOf(ctx, organization.id, { first, after, status, query }),
    );
  }

  @FieldResolver(() => [WebhookEndpoint], { nullable: true, description: 'Needs MANAGE_WEBHOOKS.' })
  webhookEndpoints(@Root() organization: Organization, @Ctx() ctx: RequestScope) {
    return webhookEndpointsOf(ctx, organization.id);
  }

  @FieldResolver(() => [ProvisioningToken], {
    nullable: true,
    description: 'SCIM provisioning tokens (never the token itself). Needs MANAGE_PROVISIONING.',
  })
  provisioningTokens(@Root() organization: Organization, @Ctx() ctx: RequestScope) {
    return provisioningTokensOf(ctx, organization.id);
  }

  @FieldResolver(() => Boolean, {
    description: 'True when an erasure or a deprovisioning left the organization without an ADMIN.',
  })
  async needsAdmin(@Root() organization: Organization, @Ctx() ctx: RequestScope) {
    return (await ctx.loaders.lastingAdmins.load(organization.id)).length === 0;
  }

  @FieldResolver(() => Int, {
    description: 'Organization memberships plus PENDING, unexpired invitations to people who are not members yet.',
  })
  seatsUsed(@Root() organization: Organization, @Ctx() ctx: RequestScope) {
    return ctx.loaders.seatsUsed.load(organization.id);
  }

  @Mutation(() => Organization, { description: 'Null removes the limit. Needs UPDATE_BILLING on the organization.' })
  updateSeatLimit(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('seatLimit', () => Int, { nullable: true }) seatLimit: number | null,
    @Ctx() ctx: RequestScope,
  ) {
    return seats.updateSeatLimit(ctx, organizationId, seatLimit);
  }

  @Mutation(() => Organization, { description: 'The caller becomes its first ADMIN.' })
  createOrganization(
    @Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput,
    @Ctx() ctx: RequestScope,
  ) {
    return scopes.createOrganization(ctx, input);
  }

  @Mutation(() => Organization)
  updateOrganization(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateOrganizationInput) input: UpdateOrganizationInput,
    @Ctx() ctx: RequestScope,
  ) {
    return scopes.updateOrganization(ctx, id, input);
  }

  @Mutation(() => ID, {
    description: 'Deletes the organization with its workspaces, domains, memberships and invitations. Returns the id.',
  })
  deleteOrganization(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return scopes.deleteOrganization(ctx, id);
  }
}
