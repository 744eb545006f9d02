import { BaseRecord } from './base.entity';
import { Directive, Field, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';

/** The top scope: holds workspaces, members, invitations and billing. */
@ObjectType({ description: 'The top scope: it holds workspaces; its ADMINs rule everything in it.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'organizations' })
export class Organization extends BaseRecord {
  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Written by every membership change of the organization: its serialization point. */
  @Column({ type: 'integer', default: 0 })
  version!: number;
}
