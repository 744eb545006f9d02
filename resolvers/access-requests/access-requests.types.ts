import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { AccessRequest } from '../../entities/access-request.entity';
import { Role } from '../../src/domain/enums';
import { Connection } from '../types/connections';
import { ScopeInput } from '../types/inputs';

/** docs/domain-rules.md §20. No `nodes`: the contract's list has edges only. */
@ObjectType()
export class AccessRequestConnection extends Connection(AccessRequest, 'AccessRequest', { nodes: false }) {}

@InputType()
export class RequestAccessInput {
  @Field(() => ScopeInput)
  scope!: ScopeInput;

  @Field(() => String, { nullable: true, description: 'At most 500 characters.' })
  message?: string | null;
}

@InputType()
export class ApproveAccessRequestInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Role, { defaultValue: Role.MEMBER })
  role!: Role;

  @Field(() => ID, { nullable: true })
  customRoleId?: string | null;

  @Field(() => Date, { nullable: true })
  accessExpiresAt?: Date | null;
}
