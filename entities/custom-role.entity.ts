import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Role, type ScopeKind } from '../src/domain/enums';
import { BaseRecord } from './base.entity';
import { idColumn } from './columns';
import { Organization } from './organization.entity';

/** The keys a custom role adds, per scope kind, as stored (a JSON object). */
export type CustomRoleGrants = Partial<Record<ScopeKind, string[]>>;

/**
 * A role an organization defines (docs/domain-rules.md §18): a base role (MEMBER, or ACCOUNTING
 * at organization scope) plus the permission keys it adds per scope kind. Memberships and
 * invitations name it by `custom_role_id`; its keys are read with the memberships on every
 * request, so an edit bites on the holders' next request.
 */
@ObjectType('CustomRole', { description: 'A role an organization defines: a base role plus permission keys.' })
@Entity({ name: 'custom_roles' })
@Index('UQ_custom_roles_organization_name', ['organizationId', 'nameKey'], { unique: true })
export class CustomRole extends BaseRecord {
  @Column({ ...idColumn, name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_custom_roles_organization' })
  organization?: Organization;

  @Field(() => String)
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** The name folded for the case-insensitive uniqueness of §18. */
  @Column({ name: 'name_key', type: 'varchar', length: 64 })
  nameKey!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Field(() => Role)
  @Column({ name: 'base_role', type: 'varchar', length: 16 })
  baseRole!: Role;

  /** JSON of {@link CustomRoleGrants}. */
  @Column({ type: 'text' })
  keys!: string;

  grants(): CustomRoleGrants {
    return JSON.parse(this.keys) as CustomRoleGrants;
  }
}
