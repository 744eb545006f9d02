import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { idColumn, timestampColumn } from './columns';
import { Organization } from './organization.entity';
import { Workspace } from './workspace.entity';

const optional = (length: number) => ({ type: 'varchar' as const, length, nullable: true });

/** The organization's invoicing information (one row per organization, created on first update). */
@ObjectType({ description: "The organization's invoicing information." })
@Entity({ name: 'billing_profiles' })
export class BillingProfile {
  @PrimaryColumn({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @OneToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_billing_profiles_organization' })
  organizationRelation?: Relation<Organization>;

  @Field(() => String, { nullable: true })
  @Column({ ...optional(200), name: 'legal_name' })
  legalName!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ ...optional(254), name: 'billing_email' })
  billingEmail!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ ...optional(200), name: 'address_line1' })
  addressLine1!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ ...optional(200), name: 'address_line2' })
  addressLine2!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ ...optional(20), name: 'postal_code' })
  postalCode!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ ...optional(100), name: 'city' })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2, e.g. FR.' })
  @Column({ ...optional(2), name: 'country' })
  country!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ ...optional(20), name: 'vat_number' })
  vatNumber!: string | null;

  @Field(() => Date, { nullable: true })
  @Column(timestampColumn('updated_at'))
  updatedAt!: Date | null;
}

/** The invoice information of one workspace. */
@ObjectType({ description: 'The invoice information of one workspace.' })
@Entity({ name: 'workspace_billings' })
export class WorkspaceBilling {
  @PrimaryColumn({ ...idColumn, name: 'workspace_id' })
  workspaceId!: string;

  @OneToOne(() => Workspace, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_workspace_billings_workspace' })
  workspaceRelation?: Relation<Workspace>;

  @Field(() => String, { nullable: true })
  @Column({ ...optional(254), name: 'billing_email' })
  billingEmail!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ ...optional(64), name: 'purchase_order_number' })
  purchaseOrderNumber!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ ...optional(64), name: 'cost_center' })
  costCenter!: string | null;

  @Field(() => Date, { nullable: true })
  @Column(timestampColumn('updated_at'))
  updatedAt!: Date | null;
}
