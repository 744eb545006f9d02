import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { BaseRecord } from './base.entity';
import { timestampColumn, idColumn } from './columns';
import { Organization } from './organization.entity';

/**
 * A bearer token an organization's directory sends to `/scim/v2` (docs/domain-rules.md §15).
 * Only its SHA-256 is stored; it is shown once, when made. It acts on its own organization only,
 * over SCIM only, until revoked.
 */
@ObjectType({ description: 'A SCIM provisioning token (never the token itself).' })
@Entity({ name: 'provisioning_tokens' })
@Index('UQ_provisioning_tokens_hash', ['tokenHash'], { unique: true })
@Index('IDX_provisioning_tokens_organization', ['organizationId'])
export class ProvisioningToken extends BaseRecord {
  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_provisioning_tokens_organization' })
  organization?: Organization;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  description!: string | null;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'created_by_id', type: 'varchar', length: 255, nullable: true })
  createdById!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ ...timestampColumn('last_used_at'), nullable: true })
  lastUsedAt!: Date | null;

  @Column({ ...timestampColumn('revoked_at'), nullable: true })
  revokedAt!: Date | null;
}
