import { BaseRecord } from './base.entity';
import { Directive, Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { idColumn } from './columns';
import { Organization } from './organization.entity';
import { Workspace } from './workspace.entity';

/**
 * A hostname inside a workspace, unique within it. `organizationId` is kept beside
 * `workspaceId` so that permission checks and organization-wide deletes need no join.
 */
@ObjectType({ description: 'A hostname (e.g. shop.example.com) inside a workspace.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'domains' })
@Index('UQ_domains_workspace_hostname', ['workspaceId', 'hostname'], { unique: true })
@Index('IDX_domains_organization', ['organizationId'])
export class Domain extends BaseRecord {
  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_domains_organization' })
  organizationRelation?: Relation<Organization>;

  @Column({ ...idColumn, name: 'workspace_id' })
  workspaceId!: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_domains_workspace' })
  workspaceRelation?: Relation<Workspace>;

  @Field(() => String)
  @Column({ type: 'varchar', length: 253 })
  hostname!: string;
}
