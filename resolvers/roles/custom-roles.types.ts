import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Role, ScopeKind } from '../../src/domain/enums';

@ObjectType({ description: 'The keys a custom role adds at one scope kind.' })
export class PermissionGrant {
  @Field(() => ScopeKind)
  scope!: ScopeKind;

  @Field(() => [String])
  keys!: string[];
}

@InputType()
export class PermissionGrantInput {
  @Field(() => ScopeKind)
  scope!: ScopeKind;

  @Field(() => [String])
  keys!: string[];
}

@InputType()
export class CreateCustomRoleInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Role, { defaultValue: Role.MEMBER, description: 'MEMBER or ACCOUNTING.' })
  baseRole!: Role;

  @Field(() => [PermissionGrantInput])
  grants!: PermissionGrantInput[];
}

@InputType({ description: 'A field left out stays as it is.' })
export class UpdateCustomRoleInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [PermissionGrantInput], { nullable: true })
  grants?: PermissionGrantInput[] | null;
}

@InputType()
export class ReassignCustomRoleInput {
  @Field(() => ID, {
    nullable: true,
    description: "Another custom role of the organization; null gives the holders the deleted role's base role.",
  })
  customRoleId?: string | null;
}
