import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timestampColumn } from './columns';

/**
 * An identity provider's event already applied (docs/domain-rules.md §16), by its message id
 * (`webhook-id` / `svix-id`): a replay of it is answered 200 and changes nothing. Kept for
 * IDENTITY_EVENT_MEMORY_DAYS, longer than any provider retries a message. `user_id` is the
 * provider's opaque `sub`, nothing of the person.
 */
@Entity({ name: 'identity_events' })
@Index('IDX_identity_events_received', ['receivedAt'])
export class IdentityEvent {
  @PrimaryColumn({ type: 'varchar', length: 255, name: 'message_id' })
  messageId!: string;

  @Column({ type: 'varchar', length: 40 })
  type!: string;

  @Column({ type: 'varchar', length: 255, name: 'user_id' })
  userId!: string;

  /** Its `webhook-timestamp`. */
  @Column(timestampColumn('sent_at'))
  sentAt!: Date;

  @Column(timestampColumn('received_at'))
  receivedAt!: Date;
}
