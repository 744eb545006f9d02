import { Field, ID, InputType } from 'type-graphql';
import { EnrollmentMode, Role } from '../../src/domain/enums';

@InputType()
export class CreateOrganizationInput {
  @Field(() => String)
  name!: string;
}

@InputType()
export class UpdateOrganizationInput {
  @Field(() => String, { nullable: true })
  name?: string | null;
}

@InputType()
export class CreateWorkspaceInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  name!: string;
}

@InputType()
export class UpdateWorkspaceInput {
  @Field(() => String, { nullable: true })
  name?: string | null;
}

@InputType()
export class CreateDomainInput {
  @Field(() => ID)
  workspaceId!: string;

  @Field(() => String)
  hostname!: string;
}

@InputType()
export class UpdateDomainInput {
  @Field(() => String, { nullable: true })
  hostname?: string | null;
}

@InputType({ description: 'Exactly one of the three ids.' })
export class ScopeInput {
  @Field(() => ID, { nullable: true })
  organizationId?: string | null;

  @Field(() => ID, { nullable: true })
  workspaceId?: string | null;

  @Field(() => ID, { nullable: true })
  domainId?: string | null;
}

@InputType()
export class InviteMemberInput {
  @Field(() => ScopeInput)
  scope!: ScopeInput;

  @Field(() => String)
  email!: string;

  @Field(() => Role, { defaultValue: Role.MEMBER })
  role!: Role;

  @Field(() => Date, {
    nullable: true,
    description: 'The membership made by accepting ends then; must lie in the future.',
  })
  accessExpiresAt?: Date | null;

  @Field(() => ID, { nullable: true, description: 'A custom role of the organization; role is then its base role.' })
  customRoleId?: string | null;
}

@InputType()
export class InvitationRowInput {
  @Field(() => String)
  email!: string;

  @Field(() => Role, { defaultValue: Role.MEMBER })
  role!: Role;

  @Field(() => ID, { nullable: true })
  customRoleId?: string | null;
}

@InputType()
export class InviteMembersInput {
  @Field(() => ScopeInput)
  scope!: ScopeInput;

  @Field(() => [InvitationRowInput], { description: '1 to 100 rows; an address may appear once.' })
  invitations!: InvitationRowInput[];

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Judge every row and write nothing.' })
  dryRun?: boolean | null;

  @Field(() => Date, { nullable: true, description: 'The memberships made by accepting end then.' })
  accessExpiresAt?: Date | null;
}

@InputType({
  description:
    'Exactly one of the two: the token from the email link, or the id of one of the caller’s pendingInvitations.',
})
export class RespondToInvitationInput {
  @Field(() => String, { nullable: true })
  token?: string | null;

  @Field(() => ID, { nullable: true })
  invitationId?: string | null;
}

@InputType()
export class ChangeMemberRoleInput {
  @Field(() => ID)
  memberId!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => ID, {
    nullable: true,
    description:
      'A custom role of the organization (the caller must be an effective ADMIN there); role is then its base role.',
  })
  customRoleId?: string | null;
}

@InputType({ description: 'A field left out stays as it is; a field set to null is cleared.' })
export class BillingProfileInput {
  @Field(() => String, { nullable: true })
  legalName?: string | null;

  @Field(() => String, { nullable: true })
  billingEmail?: string | null;

  @Field(() => String, { nullable: true })
  addressLine1?: string | null;

  @Field(() => String, { nullable: true })
  addressLine2?: string | null;

  @Field(() => String, { nullable: true })
  postalCode?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => String, { nullable: true })
  vatNumber?: string | null;
}

@InputType({ description: 'A field left out stays as it is; a field set to null is cleared.' })
export class WorkspaceBillingInput {
  @Field(() => String, { nullable: true })
  billingEmail?: string | null;

  @Field(() => String, { nullable: true })
  purchaseOrderNumber?: string | null;

  @Field(() => String, { nullable: true })
  costCenter?: string | null;
}

@InputType()
export class AddEmailDomainInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  domain!: string;

  @Field(() => EnrollmentMode, { nullable: true, defaultValue: EnrollmentMode.NONE })
  enrollment?: EnrollmentMode | null;
}

@InputType()
export class UpdateEmailDomainInput {
  @Field(() => EnrollmentMode, { nullable: true })
  enrollment?: EnrollmentMode | null;
}
