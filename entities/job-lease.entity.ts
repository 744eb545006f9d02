import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timestampColumn } from './columns';

/**
 * Who runs a periodic job that only one instance at a time may run (the audit log's retention
 * sweep), and until when: an instance takes the lease when it is free or has run out, and keeps
 * it by renewing it (`src/db/leases.ts`).
 */
@Entity({ name: 'job_leases' })
export class JobLease {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  holder!: string | null;

  @Column({ ...timestampColumn('held_until'), nullable: true })
  heldUntil!: Date | null;
}
