import { BaseRecord } from './base.entity';
import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Role, ScopeKind } from '../src/domain/enums';
import { idColumn, timestampColumn } from './columns';
import { Domain } from './domain.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';
import { Workspace } from './workspace.entity';
import { CustomRole } from './custom-role.entity';
import type { CustomRoleFact } from '../src/domain/permission-keys';

/**
 * One person's role in one scope (the GraphQL `Member`). Every membership carries the ids of
 * all the scopes above it, and `scopeId`, the id of its own scope: the unique key
 * (user, scope) holds on both databases without relying on NULLs in unique indexes.
 */
@ObjectType('Member', { description: "One person's membership in one scope." })
@Entity({ name: 'memberships' })
@Index('UQ_memberships_user_scope', ['userId', 'scopeId'], { unique: true })
@Index('IDX_memberships_scope_created', ['scopeId', 'createdAt', 'id'])
@Index('IDX_memberships_scope_name', ['scopeId', 'unnamed', 'nameKey', 'id'])
@Index('IDX_memberships_scope_email', ['scopeId', 'emailKey', 'id'])
@Index('IDX_memberships_organization_user', ['organizationId', 'userId'])
@Index('IDX_memberships_workspace', ['workspaceId'])
@Index('IDX_memberships_domain', ['domainId'])
@Index('IDX_memberships_expires_at', ['expiresAt'])
// The scope's ADMINs (and whether their access lasts) without reading its other members.
@Index('IDX_memberships_scope_role', ['scopeId', 'role', 'expiresAt'])
@Index('IDX_memberships_custom_role', ['customRoleId'])
export class Membership extends BaseRecord {
  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_memberships_user' })
  userRelation?: Relation<User>;

  @Field(() => ScopeKind)
  @Column({ type: 'varchar', length: 16 })
  scope!: ScopeKind;

  @Column({ ...idColumn, name: 'scope_id' })
  scopeId!: string;

  @Field(() => Role, { description: 'The role granted at this scope itself.' })
  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_memberships_organization' })
  organizationRelation?: Relation<Organization>;

  @Column({ ...idColumn, name: 'workspace_id', nullable: true })
  workspaceId!: string | null;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE', onUpdate: 'NO ACTION', nullable: true })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_memberships_workspace' })
  workspaceRelation?: Relation<Workspace> | null;

  @Column({ ...idColumn, name: 'domain_id', nullable: true })
  domainId!: string | null;

  @ManyToOne(() => Domain, { onDelete: 'CASCADE', onUpdate: 'NO ACTION', nullable: true })
  @JoinColumn({ name: 'domain_id', foreignKeyConstraintName: 'FK_memberships_domain' })
  domainRelation?: Relation<Domain> | null;

  @Field(() => Date, { nullable: true, description: 'When the membership ends by itself; null for a lasting one.' })
  @Column({ ...timestampColumn('expires_at'), nullable: true })
  expiresAt!: Date | null;

  // The person's sort keys (`memberOrderKeys`), kept in step with their user row: the members
  // lists' NAME and EMAIL orders walk (scope_id, unnamed, name_key, id) and (scope_id, email_key, id).
  @Column({ type: 'boolean', default: false })
  unnamed!: boolean;

  @Column({ name: 'name_key', type: 'varchar', length: 100, default: '' })
  nameKey!: string;

  @Column({ name: 'email_key', type: 'varchar', length: 254, default: '' })
  emailKey!: string;

  @Field(() => Boolean, { description: "Managed by the organization's directory (SCIM)." })
  @Column({ type: 'boolean', default: false })
  provisioned!: boolean;

  /** The custom role held here (docs/domain-rules.md §18); `role` is then its base role. */
  @Column({ ...idColumn, name: 'custom_role_id', nullable: true })
  customRoleId!: string | null;

  @ManyToOne(() => CustomRole, { onDelete: 'SET NULL', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'custom_role_id', foreignKeyConstraintName: 'FK_memberships_custom_role' })
  customRoleRelation?: CustomRole | null;

  /** The custom role's keys, filled by the loaders that feed permission decisions (not a column). */
  customRole?: CustomRoleFact | null;
}
