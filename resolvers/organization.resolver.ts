import { Invitation } from '../entities/invitation.entity';
import { invitationsAt } from '../src/services/invitation.service';
import { BillingProfile } from '../entities/billing.entity';
import { billingProfileOf } from '../src/services/billing.service';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Organization } from '../entities/organization.entity';
import { Workspace } from '../entities/workspace.entity';
import type { Context } from '../src/context';
import { memberConnection } from '../src/services/membership.service';
import * as scopes from '../src/services/scope.service';
import { organizationScope } from '../src/viewer-access';
import { MemberListArgs } from './member-list-args';
import { selects } from './selection';
import { MemberConnection } from './types/connections';
import { InvitationStatus, Permission, Role } from './types/enums';
import { CreateOrganizationInput, UpdateOrganizationInput } from './types/inputs';
import { viewerPermissions, viewerRole } from './viewer-fields';

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, {
    nullable: true,
    description: 'Null with a NOT_FOUND error where the id does not exist or the caller may not see it.',
  })
  organization(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return scopes.findOrganization(ctx, id);
  }

  @FieldResolver(() => Role, { nullable: true, description: "The caller's role here, or null." })
  viewerRole(@Root() organization: Organization, @Ctx() ctx: Context) {
    return viewerRole(ctx, organizationScope(organization));
  }

  @FieldResolver(() => [Permission])
  viewerPermissions(@Root() organization: Organization, @Ctx() ctx: Context) {
    return viewerPermissions(ctx, organizationScope(organization));
  }

  @FieldResolver(() => MemberConnection, { nullable: true })
  members(
    @Root() organization: Organization,
    @Args(() => MemberListArgs) args: MemberListArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return memberConnection(ctx, organization.id, args, selects(info, 'totalCount'));
  }

  @FieldResolver(() => [Workspace], {
    description: 'ADMIN and ACCOUNTING see every workspace; others, those they belong to or hold a domain in.',
  })
  workspaces(@Root() organization: Organization, @Ctx() ctx: Context) {
    return scopes.visibleWorkspaces(ctx, organization);
  }

  @FieldResolver(() => [Invitation], { nullable: true })
  invitations(
    @Root() organization: Organization,
    @Arg('status', () => InvitationStatus, { nullable: true, defaultValue: InvitationStatus.PENDING })
    status: InvitationStatus,
    @Ctx() ctx: Context,
  ) {
    return invitationsAt(ctx, organizationScope(organization), status);
  }

  @FieldResolver(() => BillingProfile, {
    nullable: true,
    description: 'ADMIN and ACCOUNTING only: null with a FORBIDDEN error for others.',
  })
  billingProfile(@Root() organization: Organization, @Ctx() ctx: Context) {
    return billingProfileOf(ctx, organization.id);
  }

  @Mutation(() => Organization, { description: 'The caller becomes its first ADMIN.' })
  createOrganization(@Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput, @Ctx() ctx: Context) {
    return scopes.createOrganization(ctx, input);
  }

  @Mutation(() => Organization)
  updateOrganization(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateOrganizationInput) input: UpdateOrganizationInput,
    @Ctx() ctx: Context,
  ) {
    return scopes.updateOrganization(ctx, id, input);
  }

  @Mutation(() => ID, {
    description: 'Deletes the organization with its workspaces, domains, memberships and invitations. Returns the id.',
  })
  deleteOrganization(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return scopes.deleteOrganization(ctx, id);
  }
}
