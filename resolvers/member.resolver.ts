import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Domain } from '../entities/domain.entity';
import { Membership } from '../entities/membership.entity';
import { Organization } from '../entities/organization.entity';
import { User } from '../entities/user.entity';
import { Workspace } from '../entities/workspace.entity';
import type { Context } from '../src/context';
import * as memberships from '../src/services/membership.service';
import { memberTotalCount } from '../src/services/membership.service';
import { ChangeMemberRoleInput } from './types/inputs';
import { MemberConnection } from './types/connections';

@Resolver(() => Membership)
export class MemberResolver {
  /** Members of a page carry their user (read with the page): returned as is, without a promise. */
  @FieldResolver(() => User)
  user(@Root() member: Membership & { user?: User }, @Ctx() ctx: Context) {
    return member.user ?? ctx.loaders.user.load(member.userId);
  }

  @FieldResolver(() => Organization)
  organization(@Root() member: Membership, @Ctx() ctx: Context) {
    return ctx.loaders.organization.load(member.organizationId);
  }

  @FieldResolver(() => Workspace, { nullable: true })
  workspace(@Root() member: Membership, @Ctx() ctx: Context) {
    return member.workspaceId ? ctx.loaders.workspace.load(member.workspaceId) : null;
  }

  @FieldResolver(() => Domain, { nullable: true })
  domain(@Root() member: Membership, @Ctx() ctx: Context) {
    return member.domainId ? ctx.loaders.domain.load(member.domainId) : null;
  }
}

@Resolver()
export class MemberMutationResolver {
  @Mutation(() => Membership)
  changeMemberRole(@Arg('input', () => ChangeMemberRoleInput) input: ChangeMemberRoleInput, @Ctx() ctx: Context) {
    return memberships.changeMemberRole(ctx, input);
  }

  @Mutation(() => ID, {
    description:
      'Removes a membership; at organization scope also every workspace and domain membership of that person in it. Returns the id.',
  })
  removeMember(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: Context) {
    return memberships.removeMember(ctx, memberId);
  }

  @Mutation(() => ID, {
    description: "The caller leaves the organization and everything in it. Returns the organization's id.",
  })
  leaveOrganization(@Arg('organizationId', () => ID) organizationId: string, @Ctx() ctx: Context) {
    return memberships.leaveOrganization(ctx, organizationId);
  }
}

@Resolver(() => MemberConnection)
export class MemberConnectionResolver {
  @FieldResolver(() => Int, { description: 'How many members match the filter (the cursor does not narrow it).' })
  totalCount(@Root() connection: MemberConnection, @Ctx() ctx: Context) {
    return memberTotalCount(ctx, connection);
  }
}
