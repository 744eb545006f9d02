import { BaseRecord } from './base.entity';
import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { InvitationStatus, Role, ScopeKind } from '../src/domain/enums';

import { idColumn, timestampColumn } from './columns';
import { Domain } from './domain.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';
import { Workspace } from './workspace.entity';
import { CustomRole } from './custom-role.entity';

/** What is stored. EXPIRED is also derived: a PENDING invitation past `expiresAt` reads as EXPIRED. */

/**
 * An invitation to join a scope with a role. Only the SHA-256 of the link's token is stored.
 * `pendingKey` is `scopeId:email` while the invitation is PENDING and null afterwards: its
 * unique index makes "one pending invitation per address and scope" hold under races too.
 */
@ObjectType()
@Entity({ name: 'invitations' })
@Index('UQ_invitations_token_hash', ['tokenHash'], { unique: true })
@Index('UQ_invitations_pending_key', ['pendingKey'], { unique: true })
@Index('IDX_invitations_scope_status', ['scopeId', 'status', 'createdAt'])
@Index('IDX_invitations_email_status', ['email', 'status'])
@Index('IDX_invitations_organization', ['organizationId'])
@Index('IDX_invitations_workspace', ['workspaceId'])
@Index('IDX_invitations_domain', ['domainId'])
@Index('IDX_invitations_invited_by', ['invitedById'])
@Index('IDX_invitations_custom_role', ['customRoleId'])
export class Invitation extends BaseRecord {
  @Field(() => ScopeKind)
  @Column({ type: 'varchar', length: 16 })
  scope!: ScopeKind;

  @Column({ ...idColumn, name: 'scope_id' })
  scopeId!: string;

  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_invitations_organization' })
  organizationRelation?: Relation<Organization>;

  @Column({ ...idColumn, name: 'workspace_id', nullable: true })
  workspaceId!: string | null;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE', onUpdate: 'NO ACTION', nullable: true })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_invitations_workspace' })
  workspaceRelation?: Relation<Workspace> | null;

  @Column({ ...idColumn, name: 'domain_id', nullable: true })
  domainId!: string | null;

  @ManyToOne(() => Domain, { onDelete: 'CASCADE', onUpdate: 'NO ACTION', nullable: true })
  @JoinColumn({ name: 'domain_id', foreignKeyConstraintName: 'FK_invitations_domain' })
  domainRelation?: Relation<Domain> | null;

  @Field(() => String)
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Field(() => Role)
  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ type: 'varchar', length: 16 })
  status!: InvitationStatus;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'pending_key', type: 'varchar', length: 300, nullable: true })
  pendingKey!: string | null;

  @Column({ name: 'invited_by_id', type: 'varchar', length: 255, nullable: true })
  invitedById!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', onUpdate: 'NO ACTION', nullable: true })
  @JoinColumn({ name: 'invited_by_id', foreignKeyConstraintName: 'FK_invitations_invited_by' })
  invitedByRelation?: Relation<User> | null;

  @Field(() => Date)
  @Column(timestampColumn('expires_at'))
  expiresAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'When the membership made by accepting ends by itself; null for a lasting one.',
  })
  @Column({ ...timestampColumn('access_expires_at'), nullable: true })
  accessExpiresAt!: Date | null;

  @Column({ ...timestampColumn('answered_at'), nullable: true })
  answeredAt!: Date | null;

  @Field(() => Boolean, {
    description:
      "Made by the organization's directory (SCIM) for someone who has not signed in yet: no email, no link; it becomes a membership at their first sign-in with that verified address.",
  })
  @Column({ type: 'boolean', default: false })
  provisioned!: boolean;

  /** The provisioning token that made a provisioned invitation (docs/domain-rules.md §15). */
  @Column({ name: 'provisioning_token_id', type: 'varchar', length: 36, nullable: true })
  provisioningTokenId!: string | null;

  /** The status a reader sees: PENDING past its expiry reads as EXPIRED. */
  effectiveStatus(now: Date): InvitationStatus {
    return this.status === InvitationStatus.PENDING && this.expiresAt.getTime() <= now.getTime()
      ? InvitationStatus.EXPIRED
      : this.status;
  }

  /** The custom role the invitation gives (docs/domain-rules.md §18); `role` is then its base role. */
  @Column({ ...idColumn, name: 'custom_role_id', nullable: true })
  customRoleId!: string | null;

  @ManyToOne(() => CustomRole, { onDelete: 'SET NULL', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'custom_role_id', foreignKeyConstraintName: 'FK_invitations_custom_role' })
  customRoleRelation?: CustomRole | null;
}
