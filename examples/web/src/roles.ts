import type { Role, ScopeKind } from './generated';

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

/** "Admin of the organization", "Member of this workspace": why a person has access, from the server. */
export function describeSource(source: { role: Role; scope: ScopeKind; direct: boolean }): string {
  return source.direct
    ? `${ROLE_LABEL[source.role]} here`
    : `${ROLE_LABEL[source.role]}, inherited from the ${SCOPE_LABEL[source.scope]}`;
}
