import type { Permission, Role, ScopeKind } from './generated';

/**
 * Roles as people read them: names, what each allows at each scope, and one order. The one place
 * the app words roles — badges, the invite form, the role dialog and the accept page all read it.
 */
export const ROLE_ORDER: readonly Role[] = ['ADMIN', 'ACCOUNTING', 'MEMBER'];

export const ROLE_LABEL: Record<Role, string> = { ADMIN: 'Admin', ACCOUNTING: 'Accounting', MEMBER: 'Member' };

const ROLE_DESCRIPTION: Record<ScopeKind, Partial<Record<Role, string>>> = {
  ORGANIZATION: {
    ADMIN:
      'Full control: members, settings, billing, webhooks and the audit log, and Admin of every workspace and domain.',
    ACCOUNTING:
      'Reads and edits the billing details of the organization and of every workspace. Cannot manage members.',
    MEMBER: 'Sees the organization and its members. No special permission.',
  },
  WORKSPACE: {
    ADMIN: 'Manages this workspace, its members and its domains, and is Admin of every domain in it.',
    MEMBER: 'Sees this workspace, its members and its domains.',
  },
  DOMAIN: {
    ADMIN: 'Manages this domain and its members.',
    MEMBER: 'Sees this domain and its members.',
  },
};

export function roleDescription(role: Role, scope: ScopeKind): string {
  return ROLE_DESCRIPTION[scope][role] ?? '';
}

/** The given roles in the one order (Admin, Accounting, Member), each once. */
export function sortRoles(roles: Iterable<Role>): Role[] {
  const set = new Set(roles);
  return ROLE_ORDER.filter((role) => set.has(role));
}

export const SCOPE_LABEL: Record<ScopeKind, string> = {
  ORGANIZATION: 'organization',
  WORKSPACE: 'workspace',
  DOMAIN: 'domain',
};

/** The scope kinds from the top down, and a custom role's permissions per kind as the Roles screen heads them. */
export const SCOPE_KINDS: readonly ScopeKind[] = ['ORGANIZATION', 'WORKSPACE', 'DOMAIN'];
export const KIND_TITLE: Record<ScopeKind, string> = {
  ORGANIZATION: 'Organization',
  WORKSPACE: 'Workspaces',
  DOMAIN: 'Domains',
};

/** "Admin of the organization", "Member of this workspace": why a person has access, from the server. */
export function describeSource(source: { role: Role; scope: ScopeKind; direct: boolean }): string {
  return source.direct
    ? `${ROLE_LABEL[source.role]} here`
    : `${ROLE_LABEL[source.role]}, inherited from the ${SCOPE_LABEL[source.scope]}`;
}

/** What each built-in permission lets one do, as the "why" dialog and the Roles screen word it. */
export const PERMISSION_LABEL: Record<Permission, string> = {
  READ: 'See it',
  READ_MEMBERS: 'See its members',
  INVITE_MEMBERS: 'Invite people',
  MANAGE_MEMBERS: 'Change roles and remove people',
  UPDATE: 'Change its settings',
  DELETE: 'Delete it',
  CREATE_WORKSPACE: 'Create workspaces',
  CREATE_DOMAIN: 'Create domains',
  READ_BILLING: 'See billing details',
  UPDATE_BILLING: 'Edit billing details and the seat limit',
  READ_AUDIT_LOG: 'Read the audit log',
  MANAGE_WEBHOOKS: 'Manage webhooks',
  MANAGE_PROVISIONING: 'Connect a directory (SCIM provisioning tokens)',
  MANAGE_ROLES: 'Define custom roles',
};

/** A permission key as people read it: a built-in one by its label, a declared one by the operator's description. */
export function keyLabel(key: string, description?: string | null): string {
  return (PERMISSION_LABEL as Record<string, string>)[key] ?? description ?? key;
}

/** A custom role as a badge or a picker shows it. */
export interface CustomRoleName {
  id: string;
  name: string;
  description?: string | null;
  baseRole: Role;
}

/**
 * One choice of a role picker: a built-in role by its enum value, a custom role as `custom:<id>`
 * (its base role is what `role` then says). The pickers' radio buttons carry these values.
 */
export type RoleChoice = Role | `custom:${string}`;

export const choiceOf = (role: Role, customRole?: { id: string } | null): RoleChoice =>
  customRole ? `custom:${customRole.id}` : role;

/** The `role` and `customRoleId` a mutation takes for a choice. */
export function roleInput(choice: RoleChoice, customRoles: readonly CustomRoleName[]) {
  if (!choice.startsWith('custom:')) return { role: choice as Role, customRoleId: null };
  const custom = customRoles.find((r) => `custom:${r.id}` === choice);
  return { role: custom?.baseRole ?? 'MEMBER', customRoleId: custom?.id ?? null };
}

/** "Auditor", "Admin": the name of what a membership or an invitation holds. */
export const heldRoleName = (role: Role, customRole?: { name: string } | null): string =>
  customRole ? customRole.name : ROLE_LABEL[role];

/** A custom role's line in a picker: its description, and what it is built on. */
export function customRoleDescription(role: CustomRoleName): string {
  const base = `A custom role: ${ROLE_LABEL[role.baseRole]} plus the permissions it adds.`;
  return role.description ? `${role.description} (${base})` : base;
}

/** The custom roles a scope of this kind accepts: an Accounting-based role is held at the organization only. */
export const acceptedAt = <T extends { baseRole: Role }>(kind: ScopeKind, roles: readonly T[]): T[] =>
  roles.filter((r) => r.baseRole !== 'ACCOUNTING' || kind === 'ORGANIZATION');
