import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { idColumn, timestampColumn } from './columns';
import { Organization } from './organization.entity';

/**
 * How many invitation emails (new invitations and resends) an organization has queued in one
 * clock hour. Written in the invitation's transaction; deleting a workspace, a domain or an
 * invitation leaves it alone, so the limit cannot be reset by deleting what was invited into.
 * Only deleting the organization itself removes its counters.
 */
@Entity({ name: 'invitation_counters' })
export class InvitationCounter {
  @PrimaryColumn({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_invitation_counters_organization' })
  organization?: Organization;

  /** The start of the clock hour counted. */
  @PrimaryColumn({ ...timestampColumn('window_start') } as never)
  windowStart!: Date;

  @Column({ type: 'integer' })
  count!: number;
}
