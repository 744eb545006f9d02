import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { CustomRole, type CustomRoleGrants } from '../../../entities/custom-role.entity';
import { Invitation } from '../../../entities/invitation.entity';
import { Membership } from '../../../entities/membership.entity';
import { ScimUser } from '../../../entities/scim-user.entity';
import { Workspace } from '../../../entities/workspace.entity';
import { type Access, assertRoleAccepted } from '../../../permissions/access';
import { updateMembershipRole } from '../../db/membership-rows';
import { withOrganizationLock } from '../../db/transaction';
import { AuditAction, InvitationStatus, Role, ScopeKind } from '../../domain/enums';
import { BadUserInputError, ForbiddenError, NotFoundError, RoleInUseError } from '../../domain/errors';
import { organizationScope, type ScopeRef, scopeOfRow } from '../../domain/scope';
import type { RequestScope } from '../../request/scope';
import { auditActorOf, recordAudit } from '../audit/audit.service';

/**
 * Custom roles (docs/domain-rules.md §18): an organization ADMIN (MANAGE_ROLES, checked by the
 * rule) defines up to 50 roles, each a base role plus permission keys per scope kind. Every
 * change is made under the organization's lock and audited; holders see an edit on their next
 * request, since their roles' keys are read with their memberships.
 */

export const MAX_CUSTOM_ROLES = 50;
const BASE_ROLES = [Role.MEMBER, Role.ACCOUNTING];

export interface GrantInput {
  scope: ScopeKind;
  keys: string[];
}

export interface CreateCustomRoleData {
  organizationId: string;
  name: string;
  description?: string | null;
  baseRole?: Role | null;
  grants: GrantInput[];
}

export interface UpdateCustomRoleData {
  name?: string | null;
  description?: string | null;
  grants?: GrantInput[] | null;
}

const roleNotFound = () => new NotFoundError('Custom role');

function cleanName(name: string): { name: string; nameKey: string } {
  const trimmed = name.normalize('NFC').trim();
  if (trimmed.length < 1 || trimmed.length > 64) {
    throw new BadUserInputError('name must be 1 to 64 characters.', 'name');
  }
  return { name: trimmed, nameKey: trimmed.toLowerCase() };
}

function cleanDescription(description: string | null | undefined): string | null {
  if (description === undefined || description === null) return null;
  const trimmed = description.trim();
  if (trimmed.length > 500) throw new BadUserInputError('description must be at most 500 characters.', 'description');
  return trimmed === '' ? null : trimmed;
}

/** The keys per kind, each a key the table knows at that kind; BAD_USER_INPUT on `grants` naming the first that is not. */
function cleanGrants(ctx: RequestScope, grants: GrantInput[]): CustomRoleGrants {
  const result: CustomRoleGrants = {};
  for (const grant of grants) {
    for (const key of grant.keys) {
      const definition = ctx.permissions.definition(key);
      if (!definition || !definition.scopes.includes(grant.scope)) {
        throw new BadUserInputError(
          `grants: ${JSON.stringify(key)} is not a permission key at ${grant.scope.toLowerCase()} scope.`,
          'grants',
        );
      }
      const keys = (result[grant.scope] ??= []);
      if (!keys.includes(key)) keys.push(key);
    }
  }
  return result;
}

async function assertNameFree(em: EntityManager, organizationId: string, nameKey: string, except?: string) {
  const taken = await em.findOneBy(CustomRole, { organizationId, nameKey });
  if (taken && taken.id !== except) throw new BadUserInputError('A role with this name already exists.', 'name');
}

/** `Organization.customRoles`, by name. */
export function customRolesOf(ctx: RequestScope, organizationId: string): Promise<CustomRole[]> {
  return ctx.loaders.customRolesByOrganization.load(organizationId);
}

export async function createCustomRole(ctx: RequestScope, input: CreateCustomRoleData): Promise<CustomRole> {
  const { name, nameKey } = cleanName(input.name);
  const description = cleanDescription(input.description);
  const baseRole = input.baseRole ?? Role.MEMBER;
  if (!BASE_ROLES.includes(baseRole)) {
    throw new BadUserInputError('baseRole must be MEMBER or ACCOUNTING.', 'baseRole');
  }
  const grants = cleanGrants(ctx, input.grants);
  const role = await withOrganizationLock(
    ctx.db,
    input.organizationId,
    async (em) => {
      if ((await em.countBy(CustomRole, { organizationId: input.organizationId })) >= MAX_CUSTOM_ROLES) {
        throw new BadUserInputError(`An organization defines at most ${MAX_CUSTOM_ROLES} roles.`, 'organizationId');
      }
      await assertNameFree(em, input.organizationId, nameKey);
      const created = Object.assign(new CustomRole(), {
        id: randomUUID(),
        createdAt: ctx.now,
        updatedAt: ctx.now,
        organizationId: input.organizationId,
        name,
        nameKey,
        description,
        baseRole,
        keys: JSON.stringify(grants),
      });
      await em.insert(CustomRole, created);
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.ROLE_CREATED,
        scope: organizationScope({ id: input.organizationId }),
        toRole: baseRole,
        customRole: name,
      });
      return created;
    },
    () => new NotFoundError('Organization'),
  );
  ctx.loaders.customRolesByOrganization.clear(input.organizationId);
  return role;
}

export async function updateCustomRole(
  ctx: RequestScope,
  id: string,
  input: UpdateCustomRoleData,
): Promise<CustomRole> {
  const current = await ctx.loaders.customRole.load(id);
  if (!current) throw roleNotFound();
  const named = input.name === undefined || input.name === null ? null : cleanName(input.name);
  const grants = input.grants ? cleanGrants(ctx, input.grants) : null;
  const updated = await withOrganizationLock(
    ctx.db,
    current.organizationId,
    async (em) => {
      const role = await em.findOneBy(CustomRole, { id });
      if (!role) throw roleNotFound();
      if (named) await assertNameFree(em, role.organizationId, named.nameKey, role.id);
      const changes: Partial<CustomRole> = { updatedAt: ctx.now };
      if (named) Object.assign(changes, named);
      if (input.description !== undefined) changes.description = cleanDescription(input.description);
      if (grants) changes.keys = JSON.stringify(grants);
      await em.update(CustomRole, { id }, changes);
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.ROLE_UPDATED,
        scope: organizationScope({ id: role.organizationId }),
        toRole: role.baseRole,
        customRole: changes.name ?? role.name,
      });
      return Object.assign(role, changes);
    },
    roleNotFound,
  );
  ctx.loaders.customRole.clear(id);
  ctx.loaders.customRolesByOrganization.clear(updated.organizationId);
  ctx.access.invalidate();
  return updated;
}

/**
 * Deletes a role. Held by memberships or pending invitations, it needs `reassign`: another custom
 * role of the organization (whose base role each holder's scope must accept), or null for the
 * deleted role's base role. Every holder moves in the same transaction, under the lock.
 */
export async function deleteCustomRole(
  ctx: RequestScope,
  id: string,
  reassign: { customRoleId?: string | null } | null | undefined,
): Promise<string> {
  const current = await ctx.loaders.customRole.load(id);
  if (!current) throw roleNotFound();
  await withOrganizationLock(
    ctx.db,
    current.organizationId,
    async (em) => {
      const role = await em.findOneBy(CustomRole, { id });
      if (!role) throw roleNotFound();
      const memberships = await em.findBy(Membership, { customRoleId: id });
      const invitations = await em.findBy(Invitation, { customRoleId: id, status: InvitationStatus.PENDING });
      const holders = memberships.length + invitations.length;
      if (holders > 0 && !reassign) throw new RoleInUseError(holders);
      let target: CustomRole | null = null;
      if (reassign?.customRoleId) {
        target = await em.findOneBy(CustomRole, { id: reassign.customRoleId });
        if (!target || target.organizationId !== role.organizationId || target.id === role.id) {
          throw new BadUserInputError('reassign.customRoleId is not another role of this organization.', 'reassign');
        }
      }
      const newRole = target?.baseRole ?? role.baseRole;
      for (const membership of memberships) {
        assertRoleAccepted(membership.scope, newRole);
        await updateMembershipRole(em, membership, {
          role: newRole,
          updatedAt: ctx.now,
          customRoleId: target?.id ?? null,
        });
        await recordAudit(em, auditActorOf(ctx), {
          action: AuditAction.MEMBER_ROLE_CHANGED,
          scope: scopeOfRow(membership),
          subjectId: membership.userId,
          fromRole: membership.role,
          toRole: newRole,
          customRole: target?.name ?? null,
        });
      }
      for (const invitation of invitations) {
        assertRoleAccepted(invitation.scope, newRole);
        await em.update(Invitation, { id: invitation.id }, { role: newRole, customRoleId: target?.id ?? null });
      }
      // A directory's word moves with them: its Users, and its Groups (a workspace holds MEMBER-based roles only).
      await em.update(ScimUser, { customRoleId: id }, { role: newRole, customRoleId: target?.id ?? null });
      await em.update(
        Workspace,
        { groupCustomRoleId: id },
        { groupCustomRoleId: target?.baseRole === Role.MEMBER ? target.id : null },
      );
      await em.delete(CustomRole, { id });
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.ROLE_DELETED,
        scope: organizationScope({ id: role.organizationId }),
        toRole: role.baseRole,
        customRole: role.name,
      });
    },
    roleNotFound,
  );
  ctx.loaders.customRole.clear(id);
  ctx.loaders.customRolesByOrganization.clear(current.organizationId);
  ctx.access.invalidate();
  return id;
}

/**
 * The custom role a membership or invitation is to hold, checked against where it is held: a role
 * of the same organization whose base role that scope accepts. BAD_USER_INPUT on `field` otherwise
 * (a role of another organization is no different from none).
 */
export async function customRoleFor(
  ctx: RequestScope,
  customRoleId: string,
  organizationId: string,
  kind: ScopeKind,
  field = 'customRoleId',
): Promise<CustomRole> {
  return assertHeldAt(await ctx.loaders.customRole.load(customRoleId), organizationId, kind, field);
}

/**
 * The rule every way of giving a custom role shares (GraphQL and a directory's SCIM): a role of the
 * organization, whose base role a scope of `kind` accepts. BAD_USER_INPUT on `field` otherwise, the
 * same for a role of another organization as for none.
 */
export function assertHeldAt(
  role: CustomRole | null | undefined,
  organizationId: string,
  kind: ScopeKind,
  field: string,
): CustomRole {
  if (!role || role.organizationId !== organizationId) {
    throw new BadUserInputError(`${field} is not a role of this organization.`, field);
  }
  if (role.baseRole === Role.ACCOUNTING && kind !== ScopeKind.ORGANIZATION) {
    throw new BadUserInputError(`${field}: an ACCOUNTING-based role is held at organization scope only.`, field);
  }
  return role;
}

/**
 * The custom role an invitation or a role change gives (docs/domain-rules.md §18): a role of the
 * scope's organization that the scope accepts, given only by an effective ADMIN of the scope, so
 * that nobody hands out a key they could not use themselves. Null when none is asked for.
 */
export async function customRoleToGive(
  ctx: RequestScope,
  customRoleId: string | null | undefined,
  scope: ScopeRef,
  access: Access,
): Promise<CustomRole | null> {
  if (!customRoleId) return null;
  const role = await customRoleFor(ctx, customRoleId, scope.organizationId, scope.kind);
  if (access.role !== Role.ADMIN) {
    throw new ForbiddenError({ message: 'Only an ADMIN of this scope gives custom roles here.' });
  }
  return role;
}
