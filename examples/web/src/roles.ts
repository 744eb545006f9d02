import type { Role, ScopeKind } from './generated';

export const ROLE_LABEL: Record<Role, string> = { ADMIN: 'Admin', ACCOUNTING: 'Accounting', MEMBER: 'Member' };
export const SCOPE_LABEL: Record<ScopeKind, string> = {
  ORGANIZATION: 'organization',
  WORKSPACE: 'workspace',
  DOMAIN: 'domain',
};

/** "Admin of the organization", "Member of this workspace": why a person has access, from the server. */
export function describeSource(source: { role: Role; scope: ScopeKind; direct: boolean }): string {
  return `${ROLE_LABEL[source.role]} of ${source.direct ? 'this' : 'the'} ${SCOPE_LABEL[source.scope]}`;
}
