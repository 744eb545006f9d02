import { Field, Int, ObjectType } from 'type-graphql';
import { User } from '../../entities/user.entity';
import type { CustomRole } from '../../entities/custom-role.entity';
import { DeliveryStatus, Permission, Role, ScopeKind } from '../../src/domain/enums';

@ObjectType({ description: 'What the caller may do to one membership, decided by the rules the server enforces.' })
export class MemberCapabilities {
  @Field(() => Boolean)
  changeRole!: boolean;

  @Field(() => Boolean)
  remove!: boolean;

  @Field(() => [Role], {
    description: 'The roles the caller may give this membership; empty when changeRole is false.',
  })
  assignableRoles!: Role[];

  @Field(() => Boolean)
  setExpiry!: boolean;

  /** The custom roles the caller may give (resolved on demand: it reads the organization's roles). */
  customRolesFor?: () => Promise<CustomRole[]>;
}

@ObjectType({ description: 'What the caller may do to one invitation.' })
export class InvitationCapabilities {
  @Field(() => Boolean)
  resend!: boolean;

  @Field(() => Boolean)
  revoke!: boolean;
}

@ObjectType({ description: 'One membership that gives a person access to a scope.' })
export class AccessSource {
  // `member` is resolved by AccessSourceResolver: null where the caller may not read it.

  @Field(() => Role)
  role!: Role;

  @Field(() => ScopeKind)
  scope!: ScopeKind;

  @Field(() => Boolean, {
    description: 'True when held at the scope asked about, false when passed down from a scope above.',
  })
  direct!: boolean;

  // `customRole` is resolved by AccessSourceResolver from this id.
  customRoleId?: string | null;
}

@ObjectType({ description: 'Why a person has the access they have in a scope.' })
export class AccessExplanation {
  @Field(() => User)
  user!: User;

  @Field(() => ScopeKind)
  scope!: ScopeKind;

  @Field(() => Role, { nullable: true })
  effectiveRole!: Role | null;

  @Field(() => [Permission])
  permissions!: Permission[];

  @Field(() => [String], { description: 'Every key, built-in and declared.' })
  permissionKeys!: string[];

  @Field(() => [AccessSource])
  sources!: AccessSource[];

  @Field(() => [AccessSource], {
    description:
      'The roles the person holds in scopes below this one (workspaces and domains of an organization, domains of a workspace), which give no access here: access passes down, never up. Only those whose members the caller may read; each is held at its own scope (direct).',
  })
  heldBelow!: AccessSource[];
}

@ObjectType({ description: "Whether an invitation's email went out." })
export class EmailDelivery {
  @Field(() => DeliveryStatus)
  status!: DeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Date, { nullable: true })
  lastAttemptAt!: Date | null;
}
