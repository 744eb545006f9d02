import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Role } from '../src/domain/enums';
import { idColumn, timestampColumn } from './columns';
import { CustomRole } from './custom-role.entity';
import { Organization } from './organization.entity';

/**
 * A person as the organization's directory provisions them (a SCIM User, docs/domain-rules.md
 * §15). What the directory sent is kept whole in `resource`; the columns are what the service
 * decides and filters by: `userName` (any identifier, lower case, unique in the organization),
 * `email` (the person's address: userName when it is one, else the primary, work or first email),
 * `externalId`, `displayName`, every email value (`emails`: `\n`-separated, lower case, for
 * `emails.value` filters), `active`, the role (and the custom role, §18, whose base role it then is), and the person it is linked to once known (the
 * user who signed in with that verified address).
 */
@Entity({ name: 'scim_users' })
@Index('UQ_scim_users_organization_user_name', ['organizationId', 'userName'], { unique: true })
@Index('IDX_scim_users_organization_external', ['organizationId', 'externalId'])
@Index('IDX_scim_users_email', ['email'])
@Index('IDX_scim_users_user', ['userId'])
@Index('IDX_scim_users_custom_role', ['customRoleId'])
export class ScimUser {
  @PrimaryColumn(idColumn)
  id!: string;

  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_scim_users_organization' })
  organization?: Organization;

  @Column({ name: 'user_name', type: 'varchar', length: 254 })
  userName!: string;

  @Column({ type: 'varchar', length: 254, default: '' })
  email!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 255, nullable: true })
  displayName!: string | null;

  @Column({ type: 'varchar', length: 2000, default: '' })
  emails!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  /** The custom role the directory named in `roles` (docs/domain-rules.md §18); `role` is then its base role. */
  @Column({ ...idColumn, name: 'custom_role_id', nullable: true })
  customRoleId!: string | null;

  @ManyToOne(() => CustomRole, { onDelete: 'SET NULL', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'custom_role_id', foreignKeyConstraintName: 'FK_scim_users_custom_role' })
  customRoleRelation?: CustomRole | null;

  /** The resource as the directory last wrote it (JSON), without `id` and `meta`. */
  @Column({ type: 'text' })
  resource!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255, nullable: true })
  userId!: string | null;

  @Column(timestampColumn('created_at'))
  createdAt!: Date;

  @Column(timestampColumn('updated_at'))
  updatedAt!: Date;
}
