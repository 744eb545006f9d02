import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Domain } from '../../entities/domain.entity';
import { Invitation } from '../../entities/invitation.entity';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import { User } from '../../entities/user.entity';
import { Workspace } from '../../entities/workspace.entity';
import type { RequestScope } from '../../src/request/scope';
import * as answers from '../../src/services/invitations/invitation-answers.service';
import * as invitations from '../../src/services/invitations/invitation-changes.service';
import { inviteMembers } from '../../src/services/invitations/invitation-bulk.service';
import { InvitationStatus } from '../../src/domain/enums';
import { InviteMemberInput, InviteMembersInput, RespondToInvitationInput } from '../types/inputs';
import { InviteMembersPayload } from './bulk-invitations.types';
import { InvitationPreview } from './invitation-preview.types';
import { EmailDelivery, InvitationCapabilities } from '../memberships/member-access.types';
import * as memberAccess from '../../src/services/memberships/member-access.service';

@Resolver(() => Invitation)
export class InvitationResolver {
  @Query(() => InvitationPreview, {
    nullable: true,
    description: 'What an invitation link shows before it is answered. Needs the token only, no sign-in.',
  })
  invitationByToken(@Arg('token', () => String) token: string, @Ctx() ctx: RequestScope) {
    return answers.invitationByToken(ctx, token);
  }

  @FieldResolver(() => InvitationStatus)
  status(@Root() invitation: Invitation, @Ctx() ctx: RequestScope) {
    return invitation.effectiveStatus(ctx.now);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "For a provisioned invitation, the name the organization's directory (SCIM displayName) gave this person; otherwise null.",
  })
  directoryName(@Root() invitation: Invitation, @Ctx() ctx: RequestScope) {
    if (!invitation.provisioned) return null;
    return ctx.loaders.directoryName.load({ organizationId: invitation.organizationId, email: invitation.email });
  }

  @FieldResolver(() => Organization)
  organization(@Root() invitation: Invitation, @Ctx() ctx: RequestScope) {
    return ctx.loaders.organization.load(invitation.organizationId);
  }

  @FieldResolver(() => Workspace, { nullable: true })
  workspace(@Root() invitation: Invitation, @Ctx() ctx: RequestScope) {
    return invitation.workspaceId ? ctx.loaders.workspace.load(invitation.workspaceId) : null;
  }

  @FieldResolver(() => Domain, { nullable: true })
  domain(@Root() invitation: Invitation, @Ctx() ctx: RequestScope) {
    return invitation.domainId ? ctx.loaders.domain.load(invitation.domainId) : null;
  }

  @FieldResolver(() => EmailDelivery, { nullable: true, description: "The invitation email's delivery." })
  delivery(@Root() invitation: Invitation, @Ctx() ctx: RequestScope) {
    return memberAccess.deliveryOf(ctx, invitation);
  }

  @FieldResolver(() => InvitationCapabilities)
  viewerCan(@Root() invitation: Invitation, @Ctx() ctx: RequestScope) {
    return memberAccess.invitationCapabilitiesOf(ctx, invitation);
  }

  @FieldResolver(() => User, { nullable: true })
  invitedBy(@Root() invitation: Invitation, @Ctx() ctx: RequestScope) {
    return invitation.invitedById ? ctx.loaders.user.load(invitation.invitedById) : null;
  }

  @Mutation(() => Invitation, { description: 'Creates a PENDING invitation and emails its link to the address.' })
  inviteMember(@Arg('input', () => InviteMemberInput) input: InviteMemberInput, @Ctx() ctx: RequestScope) {
    return invitations.inviteMember(ctx, input);
  }

  @Mutation(() => InviteMembersPayload, {
    description:
      'Up to 100 invitations into one scope, each row judged on its own: the valid rows are invited, the others say why not. With dryRun nothing is written or sent.',
  })
  inviteMembers(@Arg('input', () => InviteMembersInput) input: InviteMembersInput, @Ctx() ctx: RequestScope) {
    return inviteMembers(ctx, input);
  }

  @Mutation(() => Invitation, {
    description:
      'A new link (the old one stops working) and a fresh expiry, emailed again. Works on PENDING and EXPIRED invitations.',
  })
  resendInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return invitations.resendInvitation(ctx, id);
  }

  @Mutation(() => Invitation)
  revokeInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return invitations.revokeInvitation(ctx, id);
  }

  @Mutation(() => Membership, {
    description: 'The signed-in caller, whose verified email is the invited one, joins with the invited role.',
  })
  acceptInvitation(
    @Arg('input', () => RespondToInvitationInput) input: RespondToInvitationInput,
    @Ctx() ctx: RequestScope,
  ) {
    return answers.acceptInvitation(ctx, input);
  }

  @Mutation(() => Invitation)
  declineInvitation(
    @Arg('input', () => RespondToInvitationInput) input: RespondToInvitationInput,
    @Ctx() ctx: RequestScope,
  ) {
    return answers.declineInvitation(ctx, input);
  }
}
