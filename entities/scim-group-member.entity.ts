import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { idColumn, timestampColumn } from './columns';
import { ScimUser } from './scim-user.entity';
import { Workspace } from './workspace.entity';

/**
 * A directory group's member (docs/domain-rules.md §15): groups are workspaces, and what the
 * directory says about who is in one is kept here, whether or not the person has signed in yet;
 * their workspace membership follows once they have.
 */
@Entity({ name: 'scim_group_members' })
@Index('IDX_scim_group_members_user', ['scimUserId'])
export class ScimGroupMember {
  @PrimaryColumn({ ...idColumn, name: 'workspace_id' })
  workspaceId!: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_scim_group_members_workspace' })
  workspace?: Workspace;

  @PrimaryColumn({ ...idColumn, name: 'scim_user_id' })
  scimUserId!: string;

  @ManyToOne(() => ScimUser, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'scim_user_id', foreignKeyConstraintName: 'FK_scim_group_members_user' })
  scimUser?: ScimUser;

  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @Column(timestampColumn('created_at'))
  createdAt!: Date;
}
