import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timestampColumn } from './columns';

/**
 * Every address a person has had here (docs/domain-rules.md §16): their first one and each one a
 * sign-in or the identity provider's `user.updated` gave them since. It exists so that an erasure
 * finds what was written under an address they no longer hold — invitations, audit events, emails,
 * webhook bodies — and it is itself forgotten by the erasure. The address compares bytewise
 * (utf8mb4_bin on MariaDB), as `users.email` does.
 */
@Entity({ name: 'user_addresses' })
export class UserAddress {
  @PrimaryColumn({ type: 'varchar', length: 255, name: 'user_id' })
  userId!: string;

  @PrimaryColumn({ type: 'varchar', length: 254 })
  email!: string;

  @Column(timestampColumn('first_seen_at'))
  firstSeenAt!: Date;
}
