import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AuditAction, DeliveryStatus } from '../src/domain/enums';
import { BaseRecord } from './base.entity';
import { idColumn, timestampColumn } from './columns';
import { Organization } from './organization.entity';

/**
 * Where an organization's audit events are POSTed (Standard Webhooks). The secret is stored as it
 * is: the service needs the key itself to sign every delivery, so encrypting it with a key kept
 * beside it would protect nothing; it is never shown again after creation or rotation.
 */
@ObjectType()
@Entity({ name: 'webhook_endpoints' })
@Index('IDX_webhook_endpoints_organization', ['organizationId'])
export class WebhookEndpoint extends BaseRecord {
  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_webhook_endpoints_organization' })
  organization?: Organization;

  @Field(() => String)
  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** The actions delivered, comma-separated; empty: every action. */
  @Column({ name: 'actions', type: 'varchar', length: 1000, default: '' })
  actionList!: string;

  @Field(() => Boolean)
  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** `whsec_` + base64 of 32 random bytes. */
  @Column({ type: 'varchar', length: 100 })
  secret!: string;

  @Field(() => Date, {
    nullable: true,
    description:
      'Since when every delivery has failed (null once one succeeds); the endpoint is disabled when this lasts WEBHOOK_DISABLE_AFTER_HOURS.',
  })
  @Column({ ...timestampColumn('failing_since'), nullable: true })
  failingSince!: Date | null;

  get actions(): AuditAction[] {
    return this.actionList ? (this.actionList.split(',') as AuditAction[]) : [];
  }
}

/**
 * One event on its way to one endpoint: the outbox row of a webhook. It keeps the body, the URL
 * and the secret it was queued with (no foreign key to the endpoint), so that an organization's
 * own ORGANIZATION_DELETED still goes out after its endpoints are gone.
 */
@ObjectType()
@Entity({ name: 'webhook_deliveries' })
@Index('IDX_webhook_deliveries_due', ['status', 'nextAttemptAt'])
@Index('IDX_webhook_deliveries_organization_due', ['organizationId', 'status', 'nextAttemptAt'])
@Index('IDX_webhook_deliveries_endpoint_created', ['endpointId', 'createdAt', 'id'])
// An erasure rewrites the bodies of its events' deliveries; retention removes them with their events.
@Index('IDX_webhook_deliveries_event', ['eventId'])
export class WebhookDelivery extends BaseRecord {
  @Column({ ...idColumn, name: 'endpoint_id' })
  endpointId!: string;

  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @Field(() => ID, { description: 'The audit event delivered; also the webhook-id header, the same on every attempt.' })
  @Column({ ...idColumn, name: 'event_id' })
  eventId!: string;

  @Field(() => AuditAction)
  @Column({ type: 'varchar', length: 40 })
  action!: AuditAction;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 100 })
  secret!: string;

  @Column({ type: 'text' })
  body!: string;

  @Field(() => DeliveryStatus)
  @Column({ type: 'varchar', length: 20 })
  status!: DeliveryStatus;

  @Field(() => Int)
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Field(() => Date, { nullable: true })
  @Column({ ...timestampColumn('last_attempt_at'), nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last attempt, null when it got no answer.' })
  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the last attempt failed (an HTTP status, a timeout, a refused connection).',
  })
  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ ...timestampColumn('next_attempt_at'), nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'claim_token', type: 'varchar', length: 36, nullable: true })
  claimToken!: string | null;

  @Column({ ...timestampColumn('claimed_until'), nullable: true })
  claimedUntil!: Date | null;
}
