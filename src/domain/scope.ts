import { BadUserInputError } from './errors';
import { ScopeKind } from './enums';

/** A scope, with the ids of the scopes above it. */
export type ScopeRef =
  | { kind: ScopeKind.ORGANIZATION; organizationId: string }
  | { kind: ScopeKind.WORKSPACE; organizationId: string; workspaceId: string }
  | { kind: ScopeKind.DOMAIN; organizationId: string; workspaceId: string; domainId: string };

/** How a row that lives in a scope (a membership, an invitation) stores it. */
export interface ScopeColumns {
  scope: ScopeKind;
  organizationId: string;
  workspaceId: string | null;
  domainId: string | null;
}

/** The id of the scope itself (memberships are unique per person and scope id). */
export function scopeId(scope: ScopeRef): string {
  switch (scope.kind) {
    case ScopeKind.ORGANIZATION:
      return scope.organizationId;
    case ScopeKind.WORKSPACE:
      return scope.workspaceId;
    case ScopeKind.DOMAIN:
      return scope.domainId;
  }
}

export function organizationScope(organization: { id: string }): ScopeRef {
  return { kind: ScopeKind.ORGANIZATION, organizationId: organization.id };
}

export function workspaceScope(workspace: { id: string; organizationId: string }): ScopeRef {
  return { kind: ScopeKind.WORKSPACE, organizationId: workspace.organizationId, workspaceId: workspace.id };
}

export function domainScope(domain: { id: string; workspaceId: string; organizationId: string }): ScopeRef {
  return {
    kind: ScopeKind.DOMAIN,
    organizationId: domain.organizationId,
    workspaceId: domain.workspaceId,
    domainId: domain.id,
  };
}

/** The scope a row that stores one (a membership, an invitation) belongs to. */
export function scopeOfRow(row: ScopeColumns): ScopeRef {
  if (row.scope === ScopeKind.ORGANIZATION) return { kind: ScopeKind.ORGANIZATION, organizationId: row.organizationId };
  if (row.scope === ScopeKind.WORKSPACE) {
    return { kind: ScopeKind.WORKSPACE, organizationId: row.organizationId, workspaceId: row.workspaceId as string };
  }
  return {
    kind: ScopeKind.DOMAIN,
    organizationId: row.organizationId,
    workspaceId: row.workspaceId as string,
    domainId: row.domainId as string,
  };
}

/** The columns a row in `scope` stores: the other half of `scopeOfRow`. */
export function scopeColumns(scope: ScopeRef): ScopeColumns & { scopeId: string } {
  return {
    scope: scope.kind,
    scopeId: scopeId(scope),
    organizationId: scope.organizationId,
    workspaceId: scope.kind === ScopeKind.ORGANIZATION ? null : scope.workspaceId,
    domainId: scope.kind === ScopeKind.DOMAIN ? scope.domainId : null,
  };
}

/** The column of a scope-stored row that holds the id of a scope of `kind`. */
export function scopeColumn(kind: ScopeKind): 'organization_id' | 'workspace_id' | 'domain_id' {
  return kind === ScopeKind.ORGANIZATION
    ? 'organization_id'
    : kind === ScopeKind.WORKSPACE
      ? 'workspace_id'
      : 'domain_id';
}

/** Whether a row stored in a scope lies in `scope` or below it. */
export function rowIsIn(row: ScopeColumns, scope: ScopeRef): boolean {
  switch (scope.kind) {
    case ScopeKind.ORGANIZATION:
      return row.organizationId === scope.organizationId;
    case ScopeKind.WORKSPACE:
      return row.workspaceId === scope.workspaceId;
    case ScopeKind.DOMAIN:
      return row.domainId === scope.domainId;
  }
}

/** The one scope a ScopeInput names. Anything but exactly one id is BAD_USER_INPUT. */
export function scopeInputTarget(
  input: { organizationId?: string | null; workspaceId?: string | null; domainId?: string | null } | null | undefined,
) {
  const named = [
    ['ORGANIZATION', input?.organizationId],
    ['WORKSPACE', input?.workspaceId],
    ['DOMAIN', input?.domainId],
  ].filter(([, id]) => id !== null && id !== undefined) as [ScopeKind, string][];
  if (named.length !== 1) {
    throw new BadUserInputError('scope must name exactly one of organizationId, workspaceId and domainId.', 'scope');
  }
  return { kind: named[0][0], id: named[0][1] };
}
