import { Field, ID, ObjectType } from 'type-graphql';
import { Column, PrimaryColumn } from 'typeorm';
import { idColumn, timestampColumn } from './columns';

/**
 * What every record of the membership model has: a UUID, when it was created (public) and when
 * it last changed (internal). Organizations, workspaces, domains, memberships, invitations and
 * outbox emails extend it; TypeORM and type-graphql both inherit its columns and fields (the
 * outbox email is no GraphQL type, so its fields go nowhere). Users differ: their id is the
 * identity provider's subject.
 */
@ObjectType()
export abstract class BaseRecord {
  @Field(() => ID)
  @PrimaryColumn(idColumn)
  id!: string;

  @Field(() => Date)
  @Column(timestampColumn('created_at'))
  createdAt!: Date;

  @Column(timestampColumn('updated_at'))
  updatedAt!: Date;
}
