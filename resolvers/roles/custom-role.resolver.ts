import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { CustomRole } from '../../entities/custom-role.entity';
import { Invitation } from '../../entities/invitation.entity';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import { ScopeKind } from '../../src/domain/enums';
import type { RequestScope } from '../../src/request/scope';
import * as roles from '../../src/services/roles/custom-roles.service';
import {
  CreateCustomRoleInput,
  PermissionGrant,
  ReassignCustomRoleInput,
  UpdateCustomRoleInput,
} from './custom-roles.types';
import { AccessSource, MemberCapabilities } from '../memberships/member-access.types';

/** Custom roles (docs/domain-rules.md §18): their fields and mutations. */
@Resolver(() => CustomRole)
export class CustomRoleResolver {
  @FieldResolver(() => [PermissionGrant])
  grants(@Root() role: CustomRole): PermissionGrant[] {
    const grants = role.grants();
    return Object.values(ScopeKind)
      .filter((scope) => (grants[scope]?.length ?? 0) > 0)
      .map((scope) => ({ scope, keys: grants[scope] as string[] }));
  }

  @FieldResolver(() => Int, { description: 'Memberships and pending invitations that hold it.' })
  holders(@Root() role: CustomRole, @Ctx() ctx: RequestScope): Promise<number> {
    return ctx.loaders.customRoleHolders.load(role.id);
  }

  @FieldResolver(() => Date)
  updatedAt(@Root() role: CustomRole): Date {
    return role.updatedAt;
  }

  @Mutation(() => CustomRole, { description: 'Needs MANAGE_ROLES on the organization.' })
  createCustomRole(@Arg('input', () => CreateCustomRoleInput) input: CreateCustomRoleInput, @Ctx() ctx: RequestScope) {
    return roles.createCustomRole(ctx, input);
  }

  @Mutation(() => CustomRole)
  updateCustomRole(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateCustomRoleInput) input: UpdateCustomRoleInput,
    @Ctx() ctx: RequestScope,
  ) {
    return roles.updateCustomRole(ctx, id, input);
  }

  @Mutation(() => ID, {
    description:
      'ROLE_IN_USE while memberships or pending invitations hold it, unless reassign says where they go. Returns the id.',
  })
  deleteCustomRole(
    @Arg('id', () => ID) id: string,
    @Arg('reassign', () => ReassignCustomRoleInput, { nullable: true }) reassign: ReassignCustomRoleInput | null,
    @Ctx() ctx: RequestScope,
  ) {
    return roles.deleteCustomRole(ctx, id, reassign);
  }
}

@Resolver(() => Organization)
export class OrganizationCustomRolesResolver {
  @FieldResolver(() => [CustomRole], { nullable: true, description: 'Needs READ_MEMBERS.' })
  customRoles(@Root() organization: Organization, @Ctx() ctx: RequestScope) {
    return roles.customRolesOf(ctx, organization.id);
  }
}

@Resolver(() => Membership)
export class MemberCustomRoleResolver {
  @FieldResolver(() => CustomRole, {
    nullable: true,
    description: 'The custom role held here, if any; role is then its base role.',
  })
  customRole(@Root() membership: Membership, @Ctx() ctx: RequestScope) {
    return membership.customRoleId ? ctx.loaders.customRole.load(membership.customRoleId) : null;
  }
}

@Resolver(() => Invitation)
export class InvitationCustomRoleResolver {
  @FieldResolver(() => CustomRole, { nullable: true })
  customRole(@Root() invitation: Invitation, @Ctx() ctx: RequestScope) {
    return invitation.customRoleId ? ctx.loaders.customRole.load(invitation.customRoleId) : null;
  }
}

@Resolver(() => MemberCapabilities)
export class MemberCapabilitiesCustomRolesResolver {
  @FieldResolver(() => [CustomRole], { description: 'The custom roles the caller may give this membership.' })
  assignableCustomRoles(@Root() capabilities: MemberCapabilities): Promise<CustomRole[]> | CustomRole[] {
    return capabilities.customRolesFor?.() ?? [];
  }
}

@Resolver(() => AccessSource)
export class AccessSourceCustomRoleResolver {
  @FieldResolver(() => CustomRole, { nullable: true })
  customRole(@Root() source: AccessSource, @Ctx() ctx: RequestScope) {
    return source.customRoleId ? ctx.loaders.customRole.load(source.customRoleId) : null;
  }
}
