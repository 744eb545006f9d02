import { Entity, Index, PrimaryColumn } from 'typeorm';
import { idColumn } from './columns';

/**
 * The members search index (docs/domain-rules.md §3): one row per word a member of a scope is
 * found by (`searchWords` of their display name and email), so that a query word's matches are an
 * index range of (scope_id, word). Written only by `src/db/membership-rows.ts`, in the transaction
 * of every change that adds, renames or removes a membership; `npm run check:counts` recounts it.
 * The word compares bytewise (utf8mb4_nopad_bin on MariaDB), as on SQLite.
 */
@Entity({ name: 'member_words' })
@Index('IDX_member_words_membership', ['membershipId', 'word'])
export class MemberWord {
  @PrimaryColumn({ ...idColumn, name: 'scope_id' })
  scopeId!: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  word!: string;

  @PrimaryColumn({ ...idColumn, name: 'membership_id' })
  membershipId!: string;
}
