import { Field, ObjectType } from 'type-graphql';
import { InvitationStatus } from '../../src/domain/enums';
import { Role } from '../../src/domain/enums';

@ObjectType({ description: 'What the holder of an invitation link sees before answering it.' })
export class InvitationPreview {
  @Field(() => String, {
    description: 'The invited address, so that a person signed in with another account knows which one to use.',
  })
  email!: string;

  @Field(() => String)
  organizationName!: string;

  @Field(() => String, { nullable: true })
  workspaceName!: string | null;

  @Field(() => String, { nullable: true })
  domainHostname!: string | null;

  @Field(() => Role)
  role!: Role;

  @Field(() => String, { nullable: true })
  inviterName!: string | null;

  @Field(() => InvitationStatus)
  status!: InvitationStatus;

  @Field(() => Date, { description: 'When the link stops working.' })
  expiresAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'When the access that accepting gives ends by itself; null for lasting access.',
  })
  accessExpiresAt!: Date | null;
}
