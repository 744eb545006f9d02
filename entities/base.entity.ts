import { Field, ID, ObjectType } from 'type-graphql';
import { Column, PrimaryColumn } from 'typeorm';
import { idColumn, timestampColumn } from './columns';

/**
 * What every record of the membership model has: a UUID, when it was created (public) and when
 * it last changed (internal). Organizations, workspaces, domains, memberships and invitations
 * extend it; TypeORM and type-graphql both inherit its columns and fields.
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
