import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { AccessRequest } from '../../entities/access-request.entity';
import { Domain } from '../../entities/domain.entity';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import { User } from '../../entities/user.entity';
import { Workspace } from '../../entities/workspace.entity';
import { AccessRequestStatus, EnrollmentMode } from '../../src/domain/enums';
import type { RequestScope } from '../../src/request/scope';
import * as changes from '../../src/services/access-requests/access-request-changes.service';
import * as queries from '../../src/services/access-requests/access-request-queries.service';
import { AccessRequestConnection, ApproveAccessRequestInput, RequestAccessInput } from './access-requests.types';

/** Requests to join (docs/domain-rules.md §20). */
@Resolver(() => AccessRequest)
export class AccessRequestResolver {
  @FieldResolver(() => AccessRequestStatus)
  status(@Root() request: AccessRequest, @Ctx() ctx: RequestScope) {
    return request.effectiveStatus(ctx.now);
  }

  @FieldResolver(() => User)
  requester(@Root() request: AccessRequest, @Ctx() ctx: RequestScope) {
    return ctx.loaders.user.load(request.requesterId);
  }

  @FieldResolver(() => Organization)
  organization(@Root() request: AccessRequest, @Ctx() ctx: RequestScope) {
    return ctx.loaders.organization.load(request.organizationId);
  }

  @FieldResolver(() => Workspace, { nullable: true })
  workspace(@Root() request: AccessRequest, @Ctx() ctx: RequestScope) {
    return request.workspaceId ? ctx.loaders.workspace.load(request.workspaceId) : null;
  }

  @FieldResolver(() => Domain, { nullable: true })
  domain(@Root() request: AccessRequest, @Ctx() ctx: RequestScope) {
    return request.domainId ? ctx.loaders.domain.load(request.domainId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  decidedBy(@Root() request: AccessRequest, @Ctx() ctx: RequestScope) {
    return request.decidedById ? ctx.loaders.user.load(request.decidedById) : null;
  }

  @Mutation(() => AccessRequest, {
    description:
      "Asks to join an organization (through a REQUEST email domain) or a workspace or domain of one's organization.",
  })
  requestAccess(@Arg('input', () => RequestAccessInput) input: RequestAccessInput, @Ctx() ctx: RequestScope) {
    return changes.requestAccess(ctx, input);
  }

  @Mutation(() => Membership, {
    description: "Needs MANAGE_MEMBERS at the request's scope; the rules of an invitation apply to the role given.",
  })
  approveAccessRequest(
    @Arg('input', () => ApproveAccessRequestInput) input: ApproveAccessRequestInput,
    @Ctx() ctx: RequestScope,
  ) {
    return changes.approveAccessRequest(ctx, input);
  }

  @Mutation(() => AccessRequest)
  denyAccessRequest(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Ctx() ctx: RequestScope,
  ) {
    return changes.denyAccessRequest(ctx, id, reason);
  }

  @Mutation(() => AccessRequest, { description: 'The requester withdraws their own PENDING request.' })
  withdrawAccessRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return changes.withdrawAccessRequest(ctx, id);
  }
}

@Resolver(() => Organization)
export class OrganizationAccessRequestsResolver {
  @FieldResolver(() => EnrollmentMode, {
    nullable: true,
    description: "For an organization in the caller's joinableOrganizations: how they may get in.",
  })
  viewerJoinMode(@Root() organization: Organization, @Ctx() ctx: RequestScope) {
    return ctx.access.joinModeIn(organization.id);
  }

  @FieldResolver(() => AccessRequestConnection, {
    nullable: true,
    description:
      'Requests to join the organization, its workspaces and domains that the caller may decide (MANAGE_MEMBERS at their scope), newest first.',
  })
  accessRequests(
    @Root() organization: Organization,
    @Arg('status', () => AccessRequestStatus, { nullable: true, defaultValue: AccessRequestStatus.PENDING })
    status: AccessRequestStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestScope,
  ) {
    return queries.accessRequestsOf(ctx, organization.id, { status, first, after });
  }
}

@Resolver(() => User)
export class UserAccessRequestsResolver {
  @FieldResolver(() => [AccessRequest], {
    nullable: true,
    description: "The user's own requests to join, newest first.",
  })
  accessRequests(
    @Root() _user: User,
    @Arg('status', () => AccessRequestStatus, { nullable: true }) status: AccessRequestStatus | null,
    @Ctx() ctx: RequestScope,
  ) {
    return queries.ownAccessRequests(ctx, status);
  }
}
