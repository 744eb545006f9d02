import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { AuditEvent } from '../../entities/audit-event.entity';
import { Connection } from '../types/connections';
import { AuditAction } from '../../src/domain/enums';

@InputType()
export class AuditLogFilter {
  @Field(() => [AuditAction], { nullable: true })
  actions?: AuditAction[] | null;

  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => ID, { nullable: true })
  subjectId?: string | null;

  @Field(() => Date, { nullable: true })
  since?: Date | null;

  @Field(() => Date, { nullable: true })
  until?: Date | null;
}

@ObjectType()
export class AuditEventConnection extends Connection(AuditEvent, 'AuditEvent') {}
