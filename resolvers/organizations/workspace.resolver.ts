import { WorkspaceBilling } from '../../entities/billing.entity';
import { workspaceBillingOf } from '../../src/services/billing/billing.service';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Domain } from '../../entities/domain.entity';
import { Organization } from '../../entities/organization.entity';
import { Workspace } from '../../entities/workspace.entity';
import type { RequestScope } from '../../src/request/scope';
import * as scopes from '../../src/services/organizations/scope.service';
import { workspaceScope } from '../../src/domain/scope';
import { CreateWorkspaceInput, UpdateWorkspaceInput } from '../types/inputs';
import { ScopeFieldsResolver } from './scope-fields.resolver';

@Resolver(() => Workspace)
export class WorkspaceResolver extends ScopeFieldsResolver(
  Workspace,
  workspaceScope,
  "The caller's effective role here, inheritance included, or null.",
) {
  @Query(() => Workspace, { nullable: true })
  workspace(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return scopes.findWorkspace(ctx, id);
  }

  @FieldResolver(() => Organization)
  organization(@Root() workspace: Workspace, @Ctx() ctx: RequestScope) {
    return ctx.loaders.organization.load(workspace.organizationId);
  }

  @FieldResolver(() => Boolean, {
    description:
      "True when the organization's directory (SCIM) manages the workspace as one of its groups: it gave it an externalId or a role, or provisions members into it. Those memberships follow the group.",
  })
  async directoryGroup(@Root() workspace: Workspace, @Ctx() ctx: RequestScope): Promise<boolean> {
    if (workspace.externalId || workspace.groupCustomRoleId) return true;
    return ctx.loaders.groupMembersIn.load(workspace.id);
  }

  @FieldResolver(() => [Domain], { description: 'The domains the caller may see.' })
  domains(@Root() workspace: Workspace, @Ctx() ctx: RequestScope) {
    return scopes.visibleDomains(ctx, workspace);
  }

  @FieldResolver(() => WorkspaceBilling, {
    nullable: true,
    description: 'Organization ADMIN and ACCOUNTING only: null with a FORBIDDEN error for others.',
  })
  billing(@Root() workspace: Workspace, @Ctx() ctx: RequestScope) {
    return workspaceBillingOf(ctx, workspace.id);
  }

  @Mutation(() => Workspace)
  createWorkspace(@Arg('input', () => CreateWorkspaceInput) input: CreateWorkspaceInput, @Ctx() ctx: RequestScope) {
    return scopes.createWorkspace(ctx, input);
  }

  @Mutation(() => Workspace)
  updateWorkspace(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWorkspaceInput) input: UpdateWorkspaceInput,
    @Ctx() ctx: RequestScope,
  ) {
    return scopes.updateWorkspace(ctx, id, input);
  }

  @Mutation(() => ID)
  deleteWorkspace(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return scopes.deleteWorkspace(ctx, id);
  }
}
