import { BaseRecord } from './base.entity';
import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';

/** The top scope: holds workspaces, members, invitations and billing. */
@ObjectType({ description: 'The top scope: it holds workspaces; its ADMINs rule everything in it.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'organizations' })
export class Organization extends BaseRecord {
  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Null: no limit. Memberships of the organization plus its PENDING invitations may not exceed it.',
  })
  @Column({ name: 'seat_limit', type: 'integer', nullable: true })
  seatLimit!: number | null;

  /** Written by every membership change of the organization: its serialization point. */
  @Column({ type: 'integer', default: 0 })
  version!: number;
}
