import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { idColumn, timestampColumn } from './columns';

/** The top scope: holds workspaces, members, invitations and billing. */
@ObjectType({ description: 'The top scope: it holds workspaces; its ADMINs rule everything in it.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'organizations' })
export class Organization {
  @Field(() => ID)
  @PrimaryColumn(idColumn)
  id!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => Date)
  @Column(timestampColumn('created_at'))
  createdAt!: Date;

  @Column(timestampColumn('updated_at'))
  updatedAt!: Date;

  /** Written by every membership change of the organization: its serialization point. */
  @Column({ type: 'integer', default: 0 })
  version!: number;
}
