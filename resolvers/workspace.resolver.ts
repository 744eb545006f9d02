import { Invitation } from '../entities/invitation.entity';
import { invitationsAt } from '../src/services/invitation.service';
import { WorkspaceBilling } from '../entities/billing.entity';
import { workspaceBillingOf } from '../src/services/billing.service';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Domain } from '../entities/domain.entity';
import { Organization } from '../entities/organization.entity';
import { Workspace } from '../entities/workspace.entity';
import type { Context } from '../src/context';
import { memberConnection } from '../src/services/membership.service';
import * as scopes from '../src/services/scope.service';
import { workspaceScope } from '../src/viewer-access';
import { MemberListArgs } from './member-list-args';
import { selects } from './selection';
import { MemberConnection } from './types/connections';
import { InvitationStatus, Permission, Role } from './types/enums';
import { CreateWorkspaceInput, UpdateWorkspaceInput } from './types/inputs';
import { viewerPermissions, viewerRole } from './viewer-fields';

@Resolver(() => Workspace)
export class WorkspaceResolver {
  @Query(() => Workspace, { nullable: true })
  workspace(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return scopes.findWorkspace(ctx, id);
  }

  @FieldResolver(() => Organization)
  organization(@Root() workspace: Workspace, @Ctx() ctx: Context) {
    return ctx.loaders.organization.load(workspace.organizationId);
  }

  @FieldResolver(() => Role, {
    nullable: true,
    description: "The caller's effective role here, inheritance included, or null.",
  })
  viewerRole(@Root() workspace: Workspace, @Ctx() ctx: Context) {
    return viewerRole(ctx, workspaceScope(workspace));
  }

  @FieldResolver(() => [Permission])
  viewerPermissions(@Root() workspace: Workspace, @Ctx() ctx: Context) {
    return viewerPermissions(ctx, workspaceScope(workspace));
  }

  @FieldResolver(() => MemberConnection, { nullable: true })
  members(
    @Root() workspace: Workspace,
    @Args(() => MemberListArgs) args: MemberListArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return memberConnection(ctx, workspace.id, args, selects(info, 'totalCount'));
  }

  @FieldResolver(() => [Domain], { description: 'The domains the caller may see.' })
  domains(@Root() workspace: Workspace, @Ctx() ctx: Context) {
    return scopes.visibleDomains(ctx, workspace);
  }

  @FieldResolver(() => [Invitation], { nullable: true })
  invitations(
    @Root() workspace: Workspace,
    @Arg('status', () => InvitationStatus, { nullable: true, defaultValue: InvitationStatus.PENDING })
    status: InvitationStatus,
    @Ctx() ctx: Context,
  ) {
    return invitationsAt(ctx, workspaceScope(workspace), status);
  }

  @FieldResolver(() => WorkspaceBilling, {
    nullable: true,
    description: 'Organization ADMIN and ACCOUNTING only: null with a FORBIDDEN error for others.',
  })
  billing(@Root() workspace: Workspace, @Ctx() ctx: Context) {
    return workspaceBillingOf(ctx, workspace.id);
  }

  @Mutation(() => Workspace)
  createWorkspace(@Arg('input', () => CreateWorkspaceInput) input: CreateWorkspaceInput, @Ctx() ctx: Context) {
    return scopes.createWorkspace(ctx, input);
  }

  @Mutation(() => Workspace)
  updateWorkspace(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWorkspaceInput) input: UpdateWorkspaceInput,
    @Ctx() ctx: Context,
  ) {
    return scopes.updateWorkspace(ctx, id, input);
  }

  @Mutation(() => ID)
  deleteWorkspace(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return scopes.deleteWorkspace(ctx, id);
  }
}
