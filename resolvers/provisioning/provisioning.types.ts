import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ProvisioningToken } from '../../entities/provisioning-token.entity';

@InputType()
export class CreateProvisioningTokenInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@ObjectType()
export class ProvisioningTokenCreated {
  @Field(() => String, { description: 'Shown once: the bearer token the directory sends to /scim/v2.' })
  token!: string;

  @Field(() => ProvisioningToken)
  provisioningToken!: ProvisioningToken;
}
