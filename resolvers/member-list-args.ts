import { ArgsType, Field, Int } from 'type-graphql';
import { Role } from './types/enums';

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
}
