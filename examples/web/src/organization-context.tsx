import { createContext, type ReactNode, useContext } from 'react';
import type { Permission, Role, ScopeKind, WebOrganizationQuery } from './generated';

/**
 * What every section of an organization reads: the organization's frame (the tree and what the
 * viewer may do where), the scopes as the screens act on them, and a few helpers. Its own module,
 * so that the sections and the organization screen that holds them import it, not each other.
 */

export type Frame = NonNullable<WebOrganizationQuery['organization']>;
export type Viewer = NonNullable<WebOrganizationQuery['me']>;

/** One scope the screens can act on: the server's word on what the viewer may do there. */
export interface ScopeView {
  kind: ScopeKind;
  id: string;
  /** "Acme", "Marketing", "www.acme.com" */
  label: string;
  /** "the organization Acme", "the workspace Marketing", "the domain www.acme.com" */
  phrase: string;
  viewerRole: Role | null | undefined;
  permissions: readonly Permission[];
  invitableRoles: readonly Role[];
  workspaceId?: string;
  /** A workspace the organization's directory manages as one of its groups (SCIM). */
  directoryGroup?: boolean;
}

export interface OrganizationContextValue {
  organization: Frame;
  viewer: Viewer;
  /** Reads the frame again: seats, roles and the tree after a change. */
  refresh: () => void;
  organizationScope: ScopeView;
  workspaceScopes: ScopeView[];
  domainScopes: ScopeView[];
  can: (permission: Permission) => boolean;
  /** Seats used and the limit, for those the server shows them to (null for the others). */
  seats: { used: number; limit: number | null } | null;
}

export const OrganizationContext = createContext<OrganizationContextValue | null>(null);

export function useOrganization(): OrganizationContextValue {
  const value = useContext(OrganizationContext);
  if (!value) throw new Error('useOrganization outside an organization');
  return value;
}

export function scopeInput(scope: { kind: ScopeKind; id: string }) {
  return scope.kind === 'ORGANIZATION'
    ? { organizationId: scope.id }
    : scope.kind === 'WORKSPACE'
      ? { workspaceId: scope.id }
      : { domainId: scope.id };
}

export function scopesOf(organization: Frame) {
  const organizationScope: ScopeView = {
    kind: 'ORGANIZATION',
    id: organization.id,
    label: organization.name,
    phrase: `the organization ${organization.name}`,
    viewerRole: organization.viewerRole,
    permissions: organization.viewerPermissions,
    invitableRoles: organization.viewerInvitableRoles,
  };
  const workspaceScopes: ScopeView[] = organization.workspaces.map((w) => ({
    kind: 'WORKSPACE',
    id: w.id,
    label: w.name,
    phrase: `the workspace ${w.name}`,
    viewerRole: w.viewerRole,
    permissions: w.viewerPermissions,
    invitableRoles: w.viewerInvitableRoles,
    directoryGroup: w.directoryGroup,
  }));
  const domainScopes: ScopeView[] = organization.workspaces.flatMap((w) =>
    w.domains.map((d) => ({
      kind: 'DOMAIN' as const,
      id: d.id,
      label: d.hostname,
      phrase: `the domain ${d.hostname}`,
      viewerRole: d.viewerRole,
      permissions: d.viewerPermissions,
      invitableRoles: d.viewerInvitableRoles,
      workspaceId: w.id,
    })),
  );
  return { organizationScope, workspaceScopes, domainScopes };
}

export const organizationPath = (id: string, section?: string) =>
  `/organizations/${encodeURIComponent(id)}${section ? `/${section}` : ''}`;

/** The heading each section starts with; focus moves to it when the section changes. */
export function SectionHeading(props: { children: ReactNode; actions?: ReactNode; lede?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h2 id="section-heading" tabIndex={-1}>
          {props.children}
        </h2>
        {props.lede && <p className="lede">{props.lede}</p>}
      </div>
      {props.actions && <div className="cluster">{props.actions}</div>}
    </div>
  );
}
