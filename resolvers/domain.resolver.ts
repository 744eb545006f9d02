import { Invitation } from '../entities/invitation.entity';
import { invitationsAt } from '../src/services/invitation.service';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Domain } from '../entities/domain.entity';
import { Workspace } from '../entities/workspace.entity';
import type { Context } from '../src/context';
import { memberConnection } from '../src/services/membership.service';
import * as scopes from '../src/services/scope.service';
import { domainScope } from '../src/viewer-access';
import { MemberListArgs } from './member-list-args';
import { selects } from './selection';
import { MemberConnection } from './types/connections';
import { InvitationStatus, Permission, Role } from './types/enums';
import { CreateDomainInput, UpdateDomainInput } from './types/inputs';
import { viewerPermissions, viewerRole } from './viewer-fields';

@Resolver(() => Domain)
export class DomainResolver {
  @Query(() => Domain, { nullable: true })
  domain(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return scopes.findDomain(ctx, id);
  }

  @FieldResolver(() => Workspace)
  workspace(@Root() domain: Domain, @Ctx() ctx: Context) {
    return ctx.loaders.workspace.load(domain.workspaceId);
  }

  @FieldResolver(() => Role, {
    nullable: true,
    description: "The caller's effective role here, inheritance included, or null.",
  })
  viewerRole(@Root() domain: Domain, @Ctx() ctx: Context) {
    return viewerRole(ctx, domainScope(domain));
  }

  @FieldResolver(() => [Permission])
  viewerPermissions(@Root() domain: Domain, @Ctx() ctx: Context) {
    return viewerPermissions(ctx, domainScope(domain));
  }

  @FieldResolver(() => MemberConnection, { nullable: true })
  members(
    @Root() domain: Domain,
    @Args(() => MemberListArgs) args: MemberListArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return memberConnection(ctx, domain.id, args, selects(info, 'totalCount'));
  }

  @FieldResolver(() => [Invitation], { nullable: true })
  invitations(
    @Root() domain: Domain,
    @Arg('status', () => InvitationStatus, { nullable: true, defaultValue: InvitationStatus.PENDING })
    status: InvitationStatus,
    @Ctx() ctx: Context,
  ) {
    return invitationsAt(ctx, domainScope(domain), status);
  }

  @Mutation(() => Domain)
  createDomain(@Arg('input', () => CreateDomainInput) input: CreateDomainInput, @Ctx() ctx: Context) {
    return scopes.createDomain(ctx, input);
  }

  @Mutation(() => Domain)
  updateDomain(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateDomainInput) input: UpdateDomainInput,
    @Ctx() ctx: Context,
  ) {
    return scopes.updateDomain(ctx, id, input);
  }

  @Mutation(() => ID)
  deleteDomain(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return scopes.deleteDomain(ctx, id);
  }
}
