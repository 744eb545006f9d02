import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timestampColumn } from './columns';

/** A person, as the identity provider knows them. `id` is the token's `sub`. */
@ObjectType({ description: 'A person, identified by the identity provider.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'users' })
@Index('IDX_users_email', ['email'])
export class User {
  @Field(() => ID, { description: "The identity provider's subject (the token's `sub`), the same in every subgraph." })
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id!: string;

  /** Compared bytewise on both databases (utf8mb4_bin on MariaDB): émile@ is not emile@. */
  @Field(() => String)
  @Directive('@shareable')
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ name: 'email_verified', type: 'boolean' })
  emailVerified!: boolean;

  @Field(() => String, { nullable: true })
  @Directive('@shareable')
  @Column({ name: 'display_name', type: 'varchar', length: 255, nullable: true })
  displayName!: string | null;

  @Column(timestampColumn('created_at'))
  createdAt!: Date;

  @Column(timestampColumn('updated_at'))
  updatedAt!: Date;

  /**
   * When the identity provider had this person erased (docs/domain-rules.md §16): their name and
   * address are gone from every row, the id stays so that the log still reads.
   */
  @Column({ ...timestampColumn('erased_at'), nullable: true })
  erasedAt!: Date | null;

  /**
   * The `webhook-timestamp` of the newest identity provider event applied to this person
   * (docs/domain-rules.md §16): an older one arriving late never undoes it.
   */
  @Column({ ...timestampColumn('identity_event_at'), nullable: true })
  identityEventAt!: Date | null;
}
