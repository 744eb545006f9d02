import { BaseRecord } from './base.entity';
import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import { timestampColumn } from './columns';
import { parseBreakGlass, type SignInPolicyFact } from '../src/domain/sign-in-policy';

/** The top scope: holds workspaces, members, invitations and billing. */
@ObjectType({ description: 'The top scope: it holds workspaces; its ADMINs rule everything in it.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'organizations' })
export class Organization extends BaseRecord {
  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Null: no limit. Memberships of the organization plus its PENDING invitations may not exceed it.',
  })
  @Column({ name: 'seat_limit', type: 'integer', nullable: true })
  seatLimit!: number | null;

  /** Written by every membership change of the organization: its serialization point. */
  @Column({ type: 'integer', default: 0 })
  version!: number;

  // The sign-in policy (docs/domain-rules.md §20). Columns of the organization itself, so that they
  // come with the viewer's memberships (one join) and with the supergraph's decisions (one statement).

  @Column({ name: 'require_sso', type: 'boolean', default: false })
  requireSso!: boolean;

  @Column({ name: 'sso_connection', type: 'varchar', length: 255, nullable: true })
  ssoConnection!: string | null;

  @Column({ name: 'require_mfa', type: 'boolean', default: false })
  requireMfa!: boolean;

  /** JSON array of the break-glass members' organization membership ids (at most 3). */
  @Column({ name: 'break_glass', type: 'varchar', length: 255, nullable: true })
  breakGlass!: string | null;

  @Column({ ...timestampColumn('sign_in_policy_updated_at'), nullable: true })
  signInPolicyUpdatedAt!: Date | null;

  signInPolicy(): SignInPolicyFact {
    return {
      requireSso: Boolean(this.requireSso),
      ssoConnection: this.ssoConnection ?? null,
      requireMfa: Boolean(this.requireMfa),
      breakGlass: parseBreakGlass(this.breakGlass),
    };
  }
}
