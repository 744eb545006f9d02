import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Role } from '../src/domain/enums';
import { idColumn } from './columns';
import { Organization } from './organization.entity';

/**
 * How many memberships a scope holds with one role: what `members.totalCount` and the seat
 * check read instead of counting a large organization's rows on every request. Written only by
 * `src/db/membership-rows.ts`, in the transaction of the membership change it counts (under the
 * organization's lock); `npm run check:counts` recounts and reports any drift.
 */
@Entity({ name: 'member_counts' })
@Index('IDX_member_counts_organization', ['organizationId'])
export class MemberCount {
  @PrimaryColumn({ ...idColumn, name: 'scope_id' })
  scopeId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_member_counts_organization' })
  organization?: Organization;

  @Column({ type: 'integer' })
  n!: number;
}
