import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { idColumn, timestampColumn } from './columns';
import { Organization } from './organization.entity';

/** A workspace inside an organization; it holds domains. */
@ObjectType({ description: 'A workspace inside an organization; it holds domains.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'workspaces' })
@Index('IDX_workspaces_organization', ['organizationId', 'createdAt'])
export class Workspace {
  @Field(() => ID)
  @PrimaryColumn(idColumn)
  id!: string;

  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_workspaces_organization' })
  organizationRelation?: Relation<Organization>;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => Date)
  @Column(timestampColumn('created_at'))
  createdAt!: Date;

  @Column(timestampColumn('updated_at'))
  updatedAt!: Date;
}
