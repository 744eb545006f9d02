import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { EnrollmentMode } from '../src/domain/enums';
import { BaseRecord } from './base.entity';
import { idColumn, timestampColumn } from './columns';
import { Organization } from './organization.entity';

/** The TXT record's name: a label of our own under the claimed domain. */
export const VERIFICATION_LABEL = '_membership-verification';

/**
 * An email domain an organization claims (`acme.com`). It counts once a TXT record proves the
 * organization controls it. `verifiedDomain` holds the domain while verified and is unique: one
 * organization per verified domain, also when two verify at the same moment.
 */
@ObjectType({ description: 'An email domain an organization claims; it counts once verified in DNS.' })
@Entity({ name: 'email_domains' })
@Index('UQ_email_domains_organization_domain', ['organizationId', 'domain'], { unique: true })
@Index('UQ_email_domains_verified_domain', ['verifiedDomain'], { unique: true })
export class EmailDomain extends BaseRecord {
  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_email_domains_organization' })
  organization?: Organization;

  @Field(() => String, { description: 'e.g. acme.com' })
  @Column({ type: 'varchar', length: 253 })
  domain!: string;

  /** 128 random bits, hex: what the TXT record must hold. */
  @Column({ name: 'verification_token', type: 'varchar', length: 64 })
  verificationToken!: string;

  @Field(() => EnrollmentMode)
  @Column({ type: 'varchar', length: 16 })
  enrollment!: EnrollmentMode;

  @Field(() => Date, { nullable: true })
  @Column({ ...timestampColumn('verified_at'), nullable: true })
  verifiedAt!: Date | null;

  @Column({ name: 'verified_domain', type: 'varchar', length: 253, nullable: true })
  verifiedDomain!: string | null;

  @Field(() => Boolean)
  get verified(): boolean {
    return this.verifiedAt !== null;
  }

  @Field(() => String, { description: 'Publish a TXT record with this name ...' })
  get verificationRecordName(): string {
    return `${VERIFICATION_LABEL}.${this.domain}`;
  }

  @Field(() => String, { description: '... and this value, then call verifyEmailDomain.' })
  get verificationRecordValue(): string {
    return `membership-verification=${this.verificationToken}`;
  }
}
