import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Invitation } from '../../entities/invitation.entity';

@ObjectType({
  description:
    'Why one row was refused: code is one of the error codes (BAD_USER_INPUT, FORBIDDEN, ALREADY_MEMBER, INVITATION_PENDING, SEAT_LIMIT_REACHED, RATE_LIMITED).',
})
export class RowError {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { nullable: true })
  field!: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'With INVITATION_PENDING: the pending invitation to resend instead.',
  })
  invitationId!: string | null;
}

@ObjectType()
export class InviteRowResult {
  @Field(() => String)
  email!: string;

  @Field(() => Invitation, {
    nullable: true,
    description: 'The invitation made; null on a dry run or when the row was refused.',
  })
  invitation!: Invitation | null;

  @Field(() => RowError, { nullable: true, description: 'Null when the row is (or would be) invited.' })
  error!: RowError | null;
}

@ObjectType()
export class InviteMembersPayload {
  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => Int, { description: 'Rows invited (or, on a dry run, that would be).' })
  invitedCount!: number;

  @Field(() => [InviteRowResult], { description: 'One per row, in the order given.' })
  results!: InviteRowResult[];
}
