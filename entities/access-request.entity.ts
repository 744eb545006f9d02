import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { AccessRequestStatus, ScopeKind } from '../src/domain/enums';
import { BaseRecord } from './base.entity';
import { idColumn, timestampColumn } from './columns';
import { Domain } from './domain.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';
import { Workspace } from './workspace.entity';

/**
 * A person's request to join a scope (docs/domain-rules.md §20): an organization through one of
 * its REQUEST email domains, or a workspace or domain of an organization they belong to.
 * `pendingKey` is `scopeId:requesterId` while the request is PENDING and null afterwards: its
 * unique index keeps one pending request per person and scope, also under races. `notifiedAt`
 * says when the scope's managers were emailed about it (their hourly digest).
 */
@ObjectType('AccessRequest')
@Entity({ name: 'access_requests' })
@Index('UQ_access_requests_pending_key', ['pendingKey'], { unique: true })
@Index('IDX_access_requests_organization_created', ['organizationId', 'createdAt'])
@Index('IDX_access_requests_requester_created', ['requesterId', 'createdAt'])
@Index('IDX_access_requests_scope_notified', ['scopeId', 'notifiedAt'])
@Index('IDX_access_requests_status_expires', ['status', 'expiresAt'])
@Index('IDX_access_requests_workspace', ['workspaceId'])
@Index('IDX_access_requests_domain', ['domainId'])
@Index('IDX_access_requests_decided_by', ['decidedById'])
export class AccessRequest extends BaseRecord {
  @Field(() => ScopeKind)
  @Column({ type: 'varchar', length: 16 })
  scope!: ScopeKind;

  @Column({ ...idColumn, name: 'scope_id' })
  scopeId!: string;

  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_access_requests_organization' })
  organizationRelation?: Relation<Organization>;

  @Column({ ...idColumn, name: 'workspace_id', nullable: true })
  workspaceId!: string | null;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE', onUpdate: 'NO ACTION', nullable: true })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_access_requests_workspace' })
  workspaceRelation?: Relation<Workspace> | null;

  @Column({ ...idColumn, name: 'domain_id', nullable: true })
  domainId!: string | null;

  @ManyToOne(() => Domain, { onDelete: 'CASCADE', onUpdate: 'NO ACTION', nullable: true })
  @JoinColumn({ name: 'domain_id', foreignKeyConstraintName: 'FK_access_requests_domain' })
  domainRelation?: Relation<Domain> | null;

  @Column({ name: 'requester_id', type: 'varchar', length: 255 })
  requesterId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'requester_id', foreignKeyConstraintName: 'FK_access_requests_requester' })
  requesterRelation?: Relation<User>;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  message!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: AccessRequestStatus;

  @Column({ name: 'pending_key', type: 'varchar', length: 300, nullable: true })
  pendingKey!: string | null;

  @Field(() => Date)
  @Column(timestampColumn('expires_at'))
  expiresAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ ...timestampColumn('decided_at'), nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by_id', type: 'varchar', length: 255, nullable: true })
  decidedById!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', onUpdate: 'NO ACTION', nullable: true })
  @JoinColumn({ name: 'decided_by_id', foreignKeyConstraintName: 'FK_access_requests_decided_by' })
  decidedByRelation?: Relation<User> | null;

  @Field(() => String, { nullable: true, description: 'The reason given with a denial.' })
  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  /** When the scope's managers were emailed about it (docs/domain-rules.md §20: their hourly digest). */
  @Column({ ...timestampColumn('notified_at'), nullable: true })
  notifiedAt!: Date | null;

  /** The status a reader sees: PENDING past its expiry reads as EXPIRED. */
  effectiveStatus(now: Date): AccessRequestStatus {
    return this.status === AccessRequestStatus.PENDING && this.expiresAt.getTime() <= now.getTime()
      ? AccessRequestStatus.EXPIRED
      : this.status;
  }
}
