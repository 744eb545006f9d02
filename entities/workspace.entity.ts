import { BaseRecord } from './base.entity';
import { Directive, Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { idColumn } from './columns';
import { CustomRole } from './custom-role.entity';
import { Organization } from './organization.entity';

/** A workspace inside an organization; it holds domains. */
@ObjectType({ description: 'A workspace inside an organization; it holds domains.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'workspaces' })
@Index('IDX_workspaces_organization', ['organizationId', 'createdAt'])
@Index('IDX_workspaces_custom_role', ['groupCustomRoleId'])
export class Workspace extends BaseRecord {
  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_workspaces_organization' })
  organizationRelation?: Relation<Organization>;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** The `externalId` a directory gave the workspace as its group (docs/domain-rules.md §15). */
  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  /**
   * The custom role its directory group gives the members it provisions there (the membership
   * extension's `role`, docs/domain-rules.md §15); none: MEMBER.
   */
  @Column({ ...idColumn, name: 'group_custom_role_id', nullable: true })
  groupCustomRoleId!: string | null;

  @ManyToOne(() => CustomRole, { onDelete: 'SET NULL', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'group_custom_role_id', foreignKeyConstraintName: 'FK_workspaces_custom_role' })
  groupCustomRoleRelation?: Relation<CustomRole> | null;
}
