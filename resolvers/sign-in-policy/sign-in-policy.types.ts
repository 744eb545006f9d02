import { Field, ID, InputType, ObjectType } from 'type-graphql';

/** docs/domain-rules.md §20. `breakGlass` is resolved from the stored membership ids (SignInPolicyResolver). */
@ObjectType()
export class SignInPolicy {
  @Field(() => Boolean)
  requireSso!: boolean;

  @Field(() => String, { nullable: true, description: "The value the token's sign-in connection claim must have." })
  ssoConnection!: string | null;

  @Field(() => Boolean)
  requireMfa!: boolean;

  @Field(() => Date, { nullable: true })
  updatedAt!: Date | null;

  organizationId!: string;
  breakGlassIds!: string[];
}

@InputType()
export class SignInPolicyInput {
  @Field(() => Boolean)
  requireSso!: boolean;

  @Field(() => String, { nullable: true })
  ssoConnection?: string | null;

  @Field(() => Boolean)
  requireMfa!: boolean;

  @Field(() => [ID], { nullable: true, defaultValue: [] })
  breakGlassMemberIds?: string[] | null;
}
