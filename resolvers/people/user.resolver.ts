import { Invitation } from '../../entities/invitation.entity';
import { pendingInvitationsOfViewer } from '../../src/services/invitations/invitation-queries.service';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { User } from '../../entities/user.entity';
import type { RequestScope } from '../../src/request/scope';
import { organizationsOfViewer } from '../../src/services/memberships/membership-queries.service';
import { OrganizationConnection } from '../types/connections';
import { Organization } from '../../entities/organization.entity';
import * as emailDomains from '../../src/services/email-domains/email-domain.service';
import { dataExportOf } from '../../src/services/people/data-export.service';
import { JSONScalar } from '../types/json.scalar';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, {
    nullable: true,
    description: 'The signed-in user, or null when the request carries no valid credentials.',
  })
  me(@Ctx() ctx: RequestScope) {
    return ctx.viewer ? ctx.loaders.user.load(ctx.viewer.id) : null;
  }

  /** Guarded to the user themself by the shield rule, so the viewer's own memberships answer it. */
  @FieldResolver(() => OrganizationConnection, {
    nullable: true,
    description: "Organizations this user belongs to, directly or through a workspace or domain. The user's own only.",
  })
  organizations(
    @Root() _user: User,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestScope,
  ) {
    return organizationsOfViewer(ctx, { first, after });
  }

  @FieldResolver(() => [Invitation], {
    nullable: true,
    description: "PENDING invitations addressed to this user's verified email. The user's own only.",
  })
  pendingInvitations(@Ctx() ctx: RequestScope) {
    return pendingInvitationsOfViewer(ctx);
  }

  @FieldResolver(() => Boolean, {
    description:
      'True once this person was erased (at the identity provider’s request or by an operator): displayName is null and email a placeholder.',
  })
  erased(@Root() user: User) {
    return Boolean(user.erasedAt);
  }

  @FieldResolver(() => JSONScalar, {
    nullable: true,
    description: "Everything stored about the caller, as one JSON document (GDPR access). The user's own only.",
  })
  dataExport(@Ctx() ctx: RequestScope) {
    return dataExportOf(ctx);
  }

  @FieldResolver(() => [Organization], {
    nullable: true,
    description:
      "Organizations this user may join by joinOrganization (a verified AUTO_JOIN email domain matches the user's verified email) or ask to join (a REQUEST domain), and is not in yet. The user's own only; only id, name and viewerJoinMode of each are readable.",
  })
  joinableOrganizations(@Ctx() ctx: RequestScope) {
    return emailDomains.joinableOrganizations(ctx);
  }
}
