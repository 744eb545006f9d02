import { ArgsType, Field, InputType, Int, registerEnumType } from 'type-graphql';
import { Role } from './types/enums';

export enum MemberOrderField {
  JOINED_AT = 'JOINED_AT',
  NAME = 'NAME',
  EMAIL = 'EMAIL',
}
registerEnumType(MemberOrderField, {
  name: 'MemberOrderField',
  valuesConfig: { NAME: { description: 'The display name, people without one last.' } },
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

@InputType()
export class MemberOrder {
  @Field(() => MemberOrderField)
  field!: MemberOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction!: OrderDirection;
}

/** Arguments of every `members` field. Checked by the service (1–100, cursor shape). */
@ArgsType()
export class MemberListArgs {
  @Field(() => Int, { nullable: true, defaultValue: 50 })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Role, { nullable: true })
  role?: Role | null;

  @Field(() => String, { nullable: true, description: 'A case-insensitive substring of email or display name.' })
  query?: string | null;

  @Field(() => MemberOrder, {
    nullable: true,
    defaultValue: { field: MemberOrderField.JOINED_AT, direction: OrderDirection.ASC },
  })
  orderBy?: MemberOrder | null;
}
