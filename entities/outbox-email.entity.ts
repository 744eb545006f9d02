import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { BaseRecord } from './base.entity';
import { idColumn, timestampColumn } from './columns';
import { Invitation } from './invitation.entity';
import { Organization } from './organization.entity';

export enum OutboxStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
  /** Given up: its invitation expired (or was answered) while the email waited. */
  FAILED = 'FAILED',
  /** Superseded (a resend) or withdrawn (a revoke) before it went out. */
  CANCELLED = 'CANCELLED',
}

/**
 * An email waiting to go out, written in the same transaction as what it announces. A
 * dispatcher claims due rows (a lease in `claimToken`/`claimedUntil`), sends them and marks them
 * SENT, after which the bodies no longer hold the invitation token.
 */
@Entity({ name: 'outbox_emails' })
@Index('IDX_outbox_emails_due', ['status', 'nextAttemptAt'])
@Index('IDX_outbox_emails_organization_due', ['organizationId', 'status', 'nextAttemptAt'])
@Index('IDX_outbox_emails_organization_created', ['organizationId', 'createdAt'])
@Index('IDX_outbox_emails_invitation', ['invitationId'])
export class OutboxEmail extends BaseRecord {
  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_outbox_emails_organization' })
  organizationRelation?: Relation<Organization>;

  @Column({ ...idColumn, name: 'invitation_id', nullable: true })
  invitationId!: string | null;

  @ManyToOne(() => Invitation, { onDelete: 'SET NULL', onUpdate: 'NO ACTION', nullable: true })
  @JoinColumn({ name: 'invitation_id', foreignKeyConstraintName: 'FK_outbox_emails_invitation' })
  invitationRelation?: Relation<Invitation> | null;

  @Column({ type: 'varchar', length: 254 })
  recipient!: string;

  @Column({ type: 'varchar', length: 300 })
  subject!: string;

  @Column({ name: 'text_body', type: 'text' })
  textBody!: string;

  @Column({ name: 'html_body', type: 'text' })
  htmlBody!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: OutboxStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column(timestampColumn('next_attempt_at'))
  nextAttemptAt!: Date;

  @Column({ name: 'claim_token', type: 'varchar', length: 36, nullable: true })
  claimToken!: string | null;

  @Column({ ...timestampColumn('claimed_until'), nullable: true })
  claimedUntil!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ ...timestampColumn('last_attempt_at'), nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ ...timestampColumn('sent_at'), nullable: true })
  sentAt!: Date | null;
}
