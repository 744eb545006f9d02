import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Domain } from '../entities/domain.entity';
import { Membership } from '../entities/membership.entity';
import { Organization } from '../entities/organization.entity';
import { User } from '../entities/user.entity';
import { Workspace } from '../entities/workspace.entity';
import type { Context } from '../src/context';
import { memberTotalCount } from '../src/services/membership.service';
import { MemberConnection } from './types/connections';

@Resolver(() => Membership)
export class MemberResolver {
  @FieldResolver(() => User)
  user(@Root() member: Membership, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(member.userId);
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

@Resolver(() => MemberConnection)
export class MemberConnectionResolver {
  @FieldResolver(() => Int, { description: 'How many members match the filter (the cursor does not narrow it).' })
  totalCount(@Root() connection: MemberConnection, @Ctx() ctx: Context) {
    return memberTotalCount(ctx, connection);
  }
}
