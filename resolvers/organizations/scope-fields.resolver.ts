import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, type ClassType, Ctx, FieldResolver, Info, Int, Resolver, Root } from 'type-graphql';
import { Invitation } from '../../entities/invitation.entity';
import { sortedPermissions } from '../../permissions/access';
import { type Permission as PermissionValue } from '../../src/domain/enums';
import { invitableRoles } from '../../permissions/capabilities';
import type { RequestScope } from '../../src/request/scope';
import type { ScopeRef } from '../../src/domain/scope';
import { auditLog } from '../../src/services/audit/audit.service';
import { auditLogPeople } from '../../src/services/audit/audit-people.service';
import { User } from '../../entities/user.entity';
import { invitationsAt } from '../../src/services/invitations/invitation-queries.service';
import { memberConnection } from '../../src/services/memberships/membership-queries.service';
import { MembersFieldArgs } from '../memberships/member-list-args';
import { selects, selectsTotal } from './selection';
import { whenReady } from '../../src/domain/maybe-promise';
import { AuditEventConnection, AuditLogFilter } from '../audit/audit.types';
import { MemberConnection } from '../types/connections';
import { InvitationStatus, Permission, Role } from '../../src/domain/enums';

/**
 * The fields every scope type has — `viewerRole`, `viewerPermissions`, `members`, `invitations` —
 * written once: Organization, Workspace and Domain resolvers extend the class this returns for
 * their type, with the function that gives an object's scope.
 */
export function ScopeFieldsResolver<T extends { id: string }>(
  scopeType: ClassType<T>,
  scopeOf: (root: T) => ScopeRef,
  viewerRoleDescription: string,
) {
  @Resolver(() => scopeType)
  abstract class ScopeFields {
    @FieldResolver(() => Role, { nullable: true, description: viewerRoleDescription })
    viewerRole(@Root() root: T, @Ctx() ctx: RequestScope): Role | null | Promise<Role | null> {
      // Decided already in this request (a tree's lists are filtered by it): no promise.
      const scope = scopeOf(root);
      const decided = ctx.access.accessNow(scope);
      return decided ? decided.role : ctx.access.at(scope).then((access) => access.role);
    }

    @FieldResolver(() => [Permission])
    async viewerPermissions(@Root() root: T, @Ctx() ctx: RequestScope): Promise<PermissionValue[]> {
      return sortedPermissions((await ctx.access.at(scopeOf(root))).permissions);
    }

    @FieldResolver(() => [String], {
      description: 'Every permission key the caller holds here, built-in and declared.',
    })
    viewerPermissionKeys(@Root() root: T, @Ctx() ctx: RequestScope): Promise<string[]> {
      return ctx.access.keysAt(scopeOf(root));
    }

    @FieldResolver(() => [Role], {
      description:
        'The roles the caller may invite people with here (what an invite form offers); empty where they may not invite.',
    })
    async viewerInvitableRoles(@Root() root: T, @Ctx() ctx: RequestScope): Promise<Role[]> {
      const scope = scopeOf(root);
      return invitableRoles(scope.kind, await ctx.access.at(scope));
    }

    @FieldResolver(() => MemberConnection, { nullable: true })
    members(
      @Root() root: T,
      @Args(() => MembersFieldArgs) args: MembersFieldArgs,
      @Ctx() ctx: RequestScope,
      @Info() info: GraphQLResolveInfo,
    ): MemberConnection | Promise<MemberConnection> {
      const page = memberConnection(ctx, root.id, args, selectsTotal(info), selects(info, 'edges'));
      // A page read ahead (a tree's) answers at once, without a promise.
      return whenReady(page, (read) => Object.assign(new MemberConnection(), read));
    }

    @FieldResolver(() => AuditEventConnection, {
      nullable: true,
      description: 'Needs READ_AUDIT_LOG here. Events of this scope and of every scope below it, newest first.',
    })
    async auditLog(
      @Root() root: T,
      @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
      @Arg('after', () => String, { nullable: true }) after: string | null,
      @Arg('filter', () => AuditLogFilter, { nullable: true }) filter: AuditLogFilter | null,
      @Ctx() ctx: RequestScope,
    ): Promise<AuditEventConnection> {
      return Object.assign(new AuditEventConnection(), await auditLog(ctx, scopeOf(root), { first, after, filter }));
    }

    @FieldResolver(() => [User], {
      nullable: true,
      description:
        "Needs READ_AUDIT_LOG here. The people this scope's audit log names (who acted, whom a change was about), members or not any more, whose name, address or directory name contains `search`; named people first. At most `first` (1–100).",
    })
    auditLogPeople(
      @Root() root: T,
      @Arg('search', () => String, { nullable: true }) search: string | null,
      @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
      @Ctx() ctx: RequestScope,
    ): Promise<User[]> {
      return auditLogPeople(ctx, scopeOf(root), { search, first });
    }

    @FieldResolver(() => [Invitation], { nullable: true })
    invitations(
      @Root() root: T,
      @Arg('status', () => InvitationStatus, { nullable: true, defaultValue: InvitationStatus.PENDING })
      status: InvitationStatus,
      @Ctx() ctx: RequestScope,
    ) {
      return invitationsAt(ctx, scopeOf(root), status);
    }
  }
  return ScopeFields;
}
