import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { MemberOrderField, OrderDirection, Role } from '../../src/domain/enums';
import type { MemberListArgs } from '../../src/services/memberships/membership-queries.service';

/** The GraphQL input `MemberOrder` (the service's own is `MemberOrder` of the members page). */
@InputType('MemberOrder')
export class MemberOrderInput {
  @Field(() => MemberOrderField)
  field!: MemberOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction!: OrderDirection;
}

/** Arguments of every `members` field, as GraphQL takes them. Checked by the service (1–100, cursor shape). */
@ArgsType()
export class MembersFieldArgs implements MemberListArgs {
  @Field(() => Int, { nullable: true, defaultValue: 50 })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Role, { nullable: true })
  role?: Role | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'Only the members holding this custom role (an id of Organization.customRoles); with role, both must match. An id that is no role of this organization matches nobody.',
  })
  customRoleId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Words (1–100 characters) that must each begin a word of the display name or of the email address (split at white space and @ . _ - +), ignoring case and accents.',
  })
  query?: string | null;

  @Field(() => MemberOrderInput, {
    nullable: true,
    defaultValue: { field: MemberOrderField.JOINED_AT, direction: OrderDirection.ASC },
  })
  orderBy?: MemberOrderInput | null;
}
