import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Domain } from '../../entities/domain.entity';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import { User } from '../../entities/user.entity';
import { Workspace } from '../../entities/workspace.entity';
import type { RequestScope } from '../../src/request/scope';
import * as memberships from '../../src/services/memberships/membership-changes.service';
import { memberTotalCount } from '../../src/services/memberships/membership-queries.service';
import * as memberAccess from '../../src/services/memberships/member-access.service';
import type { AccessSourceData } from '../../src/services/memberships/member-access.service';
import { Role } from '../../src/domain/enums';
import { ChangeMemberRoleInput, ScopeInput } from '../types/inputs';
import { AccessExplanation, AccessSource, MemberCapabilities } from './member-access.types';
import { MemberConnection } from '../types/connections';

@Resolver(() => Membership)
export class MemberResolver {
  /** Members of a page carry their user (read with the page): returned as is, without a promise. */
  @FieldResolver(() => User)
  user(@Root() member: Membership & { user?: User }, @Ctx() ctx: RequestScope) {
    return member.user ?? ctx.loaders.user.load(member.userId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The name the organization's directory (SCIM displayName) gave this person; null when it gave none or the person is not provisioned.",
  })
  directoryName(@Root() member: Membership, @Ctx() ctx: RequestScope) {
    return ctx.loaders.directoryName.load({ organizationId: member.organizationId, userId: member.userId });
  }

  @FieldResolver(() => Organization)
  organization(@Root() member: Membership, @Ctx() ctx: RequestScope) {
    return ctx.loaders.organization.load(member.organizationId);
  }

  @FieldResolver(() => Workspace, { nullable: true })
  workspace(@Root() member: Membership, @Ctx() ctx: RequestScope) {
    return member.workspaceId ? ctx.loaders.workspace.load(member.workspaceId) : null;
  }

  @FieldResolver(() => Domain, { nullable: true })
  domain(@Root() member: Membership, @Ctx() ctx: RequestScope) {
    return member.domainId ? ctx.loaders.domain.load(member.domainId) : null;
  }

  @FieldResolver(() => Role, {
    nullable: true,
    description: "The strongest role this person has in this membership's scope, inherited ones included.",
  })
  effectiveRole(@Root() member: Membership, @Ctx() ctx: RequestScope) {
    return memberAccess.effectiveRoleOf(ctx, member);
  }

  @FieldResolver(() => [AccessSource], {
    description:
      'Where that access comes from: this membership and every membership above it that passes something down.',
  })
  accessSources(@Root() member: Membership, @Ctx() ctx: RequestScope) {
    return memberAccess.accessSourcesOf(ctx, member);
  }

  @FieldResolver(() => MemberCapabilities, {
    description: 'What the caller may do to this membership, decided by the rules the server enforces.',
  })
  viewerCan(@Root() member: Membership, @Ctx() ctx: RequestScope) {
    return memberAccess.capabilitiesOf(ctx, member);
  }
}

@Resolver(() => AccessSource)
export class AccessSourceResolver {
  @FieldResolver(() => Membership, {
    nullable: true,
    description:
      'Null when the caller may not read that membership (it lies in a scope whose members they cannot see).',
  })
  member(@Root() source: AccessSourceData, @Ctx() ctx: RequestScope) {
    return memberAccess.visibleSourceMember(ctx, source);
  }
}

@Resolver()
export class ExplainAccessResolver {
  @Query(() => AccessExplanation, {
    nullable: true,
    description:
      'Why a person has the access they have in a scope. Needs READ_MEMBERS there; NOT_FOUND where the caller may not see the scope. A person with no access gets effectiveRole null and empty lists.',
  })
  explainAccess(
    @Arg('userId', () => ID) userId: string,
    @Arg('scope', () => ScopeInput) scope: ScopeInput,
    @Ctx() ctx: RequestScope,
  ) {
    return memberAccess.explainAccess(ctx, userId, scope);
  }
}

@Resolver()
export class MemberMutationResolver {
  @Mutation(() => Membership)
  changeMemberRole(@Arg('input', () => ChangeMemberRoleInput) input: ChangeMemberRoleInput, @Ctx() ctx: RequestScope) {
    return memberships.changeMemberRole(ctx, input);
  }

  @Mutation(() => ID, {
    description:
      'Removes a membership; at organization scope also every workspace and domain membership of that person in it. Returns the id.',
  })
  removeMember(@Arg('memberId', () => ID) memberId: string, @Ctx() ctx: RequestScope) {
    return memberships.removeMember(ctx, memberId);
  }

  @Mutation(() => ID, {
    description:
      "The caller leaves the organization and everything in it. Returns the organization's id. With successorMemberId (an organization membership), that member becomes ADMIN in the same transaction: the last ADMIN's way out.",
  })
  leaveOrganization(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('successorMemberId', () => ID, { nullable: true }) successorMemberId: string | null,
    @Ctx() ctx: RequestScope,
  ) {
    return memberships.leaveOrganization(ctx, organizationId, successorMemberId);
  }

  @Mutation(() => Membership, {
    description: 'Sets or clears (null) the moment a membership ends by itself. Needs MANAGE_MEMBERS at its scope.',
  })
  setMemberExpiry(
    @Arg('memberId', () => ID) memberId: string,
    @Arg('expiresAt', () => Date, { nullable: true }) expiresAt: Date | null,
    @Ctx() ctx: RequestScope,
  ) {
    return memberships.setMemberExpiry(ctx, memberId, expiresAt);
  }
}

@Resolver(() => MemberConnection)
export class MemberConnectionResolver {
  @FieldResolver(() => Int, {
    description:
      'How many members match the filter (the cursor does not narrow it). Exact; with a search, capped at 10,000 (then totalCountIsLowerBound is true).',
  })
  totalCount(@Root() connection: MemberConnection, @Ctx() ctx: RequestScope): number | Promise<number> {
    // Read with the page when selected: returned as is, without a promise.
    return connection.total ? connection.total.total : memberTotalCount(ctx, connection).then((t) => t.total);
  }

  @FieldResolver(() => Boolean, {
    description: 'True when a search matches more members than it counts: totalCount then reads "10,000+".',
  })
  totalCountIsLowerBound(@Root() connection: MemberConnection, @Ctx() ctx: RequestScope): boolean | Promise<boolean> {
    return connection.total ? connection.total.lowerBound : memberTotalCount(ctx, connection).then((t) => t.lowerBound);
  }
}
