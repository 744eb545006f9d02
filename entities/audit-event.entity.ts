import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AuditAction, ChangeSource, Role, ScopeKind } from '../src/domain/enums';
import { idColumn, timestampColumn } from './columns';
import { Organization } from './organization.entity';

/**
 * One change to membership, access, settings or billing, written by the service in the same
 * transaction as the change (a change that rolls back leaves none). `actor` and `subject` are
 * resolved as users by field resolvers; the ids are kept as they were, so the log stays true
 * after the people have left. Events go with their organization when it is deleted.
 */
@ObjectType({ description: 'One change to membership, access, settings or billing.' })
@Entity({ name: 'audit_events' })
@Index('IDX_audit_events_organization_time', ['organizationId', 'occurredAt', 'id'])
@Index('IDX_audit_events_workspace_time', ['workspaceId', 'occurredAt', 'id'])
@Index('IDX_audit_events_domain_time', ['domainId', 'occurredAt', 'id'])
@Index('IDX_audit_events_actor_time', ['actorId', 'occurredAt'])
@Index('IDX_audit_events_subject_time', ['subjectId', 'occurredAt'])
@Index('IDX_audit_events_organization_actor', ['organizationId', 'actorId'])
@Index('IDX_audit_events_organization_subject', ['organizationId', 'subjectId'])
@Index('IDX_audit_events_action_time', ['action', 'occurredAt'])
@Index('IDX_audit_events_time', ['occurredAt'])
// An erasure finds the events that name a person's address (docs/domain-rules.md §16).
@Index('IDX_audit_events_email', ['email'])
export class AuditEvent {
  @Field(() => ID)
  @PrimaryColumn(idColumn)
  id!: string;

  @Field(() => AuditAction)
  @Column({ type: 'varchar', length: 40 })
  action!: AuditAction;

  @Field(() => Date)
  @Column(timestampColumn('occurred_at'))
  occurredAt!: Date;

  /** Who made the change; null when the system did. Resolved as `actor: User`. */
  @Column({ name: 'actor_id', type: 'varchar', length: 255, nullable: true })
  actorId!: string | null;

  @Field(() => ScopeKind)
  @Column({ type: 'varchar', length: 20 })
  scope!: ScopeKind;

  @Field(() => ID)
  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_audit_events_organization' })
  organization?: Organization;

  /** No foreign key: a deleted workspace's or domain's events stay in its organization's log. */
  @Field(() => ID, { nullable: true })
  @Column({ ...idColumn, name: 'workspace_id', nullable: true })
  workspaceId!: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ ...idColumn, name: 'domain_id', nullable: true })
  domainId!: string | null;

  /** The person the change is about. Resolved as `subject: User`. */
  @Column({ name: 'subject_id', type: 'varchar', length: 255, nullable: true })
  subjectId!: string | null;

  @Field(() => String, { nullable: true, description: 'The address an invitation event is about.' })
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Field(() => Role, { nullable: true })
  @Column({ name: 'from_role', type: 'varchar', length: 20, nullable: true })
  fromRole!: Role | null;

  @Field(() => Role, { nullable: true })
  @Column({ name: 'to_role', type: 'varchar', length: 20, nullable: true })
  toRole!: Role | null;

  @Field(() => String, {
    nullable: true,
    description: 'The custom role the event is about, or the one given with toRole, by its name at the time.',
  })
  @Column({ name: 'custom_role', type: 'varchar', length: 64, nullable: true })
  customRole!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'What the setting was before the change, as text: the seat limit, the billing details changed, the day access ended, a token name. Null where it did not exist or the event names no setting.',
  })
  @Column({ name: 'before_value', type: 'varchar', length: 500, nullable: true })
  before!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'What the setting became, as text (see before). Null where it was removed.',
  })
  @Column({ name: 'after_value', type: 'varchar', length: 500, nullable: true })
  after!: string | null;

  @Field(() => String, { nullable: true, description: 'The x-request-id of the request that made the change.' })
  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Field(() => ChangeSource)
  @Column({ type: 'varchar', length: 20, default: ChangeSource.USER })
  source!: ChangeSource;

  /** The provisioning token that made the change, when `source` is PROVISIONING. */
  @Field(() => ID, {
    nullable: true,
    description: 'The provisioning token that made the change, when source is PROVISIONING.',
  })
  @Column({ ...idColumn, name: 'provisioning_token_id', nullable: true })
  provisioningTokenId!: string | null;
}
