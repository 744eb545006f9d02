import type { EntityManager } from 'typeorm';
import type { Workspace } from '../../entities/workspace.entity';
import { Role, ScopeKind } from '../domain/enums';
import { directoryRole } from '../services/provisioning/directory-roles';
import { attributeOf, SCIM, ScimError } from './protocol';
import { organizationOf, type ScimRequest } from './request';
import { attribute } from './schema';

/**
 * The role a SCIM Group gives its members (docs/domain-rules.md §15, §18), in the service's Group
 * extension `urn:ietf:params:scim:schemas:extension:membership:2.0:Group`, attribute `role`:
 * MEMBER (the default, as when it is absent), or one of the organization's custom roles based on
 * MEMBER, by name or id, held at a workspace under the rule the GraphQL API gives it by.
 */

/** The membership extension: the role the group gives its members. */
export const GROUP_EXTENSION = {
  schema: SCIM.MEMBERSHIP_GROUP,
  name: 'Membership',
  description: "What the group's members hold in its workspace.",
  attributes: [
    attribute(
      'role',
      "The role the group's members hold in its workspace: MEMBER (the default), or the name (or id) of one of the organization's custom roles based on MEMBER.",
    ),
  ],
};

/** The extension's `role`, as an object of the extension or as a full path (`urn:…:Group:role`). */
export function groupRoleOf(resource: Record<string, unknown>): string | null {
  const extension = attributeOf(resource, SCIM.MEMBERSHIP_GROUP);
  const value =
    extension && typeof extension === 'object'
      ? attributeOf(extension as Record<string, unknown>, 'role')
      : attributeOf(resource, `${SCIM.MEMBERSHIP_GROUP}:role`);
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || [...value].length > 255) {
    throw new ScimError(
      400,
      "role must be a role's name: MEMBER or one of the organization's custom roles.",
      'invalidValue',
    );
  }
  return value.trim();
}

export const roleName = (names: Map<string, string>, workspace: Workspace) =>
  workspace.groupCustomRoleId ? (names.get(workspace.groupCustomRoleId) ?? null) : null;

/**
 * The custom role a group's `role` names in the organization, held at a workspace (§18); MEMBER
 * is none. A built-in role other than MEMBER is no group's to give.
 */
export async function groupRole(em: EntityManager, req: ScimRequest, role: string | null) {
  const given = await directoryRole(em, organizationOf(req), role, ScopeKind.WORKSPACE, 'role');
  if (!given.customRole && given.role !== Role.MEMBER) {
    throw new ScimError(
      400,
      "A group gives MEMBER or one of the organization's custom roles based on MEMBER.",
      'invalidValue',
    );
  }
  return given.customRole;
}
