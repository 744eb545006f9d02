import { Field, ID, InputType } from 'type-graphql';

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
