import { createContext, type ReactNode, useContext, useEffect, useRef } from 'react';
import { ErrorMessage } from '../errors';
import {
  type Permission,
  type Role,
  type ScopeKind,
  type WebOrganizationQuery,
  WebOrganizationDocument,
  WebOrganizationSeatsDocument,
} from '../generated';
import { useLiveQuery } from '../live';
import { Link } from '../router';
import { Loading } from '../ui/misc';
import { RoleBadge, SeatMeter } from '../ui/person';
import { AuditLogSection } from './audit-log';
import { BillingSection } from './billing';
import { EmailDomainsSection } from './email-domains';
import { MembersSection } from './members';
import { SettingsSection } from './settings';
import { WorkspacesSection } from './workspaces';
import { WebhooksSection } from './webhooks';

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

const OrganizationContext = createContext<OrganizationContextValue | null>(null);

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

function scopesOf(organization: Frame) {
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

/**
 * The sections of an organization, in the order of its navigation, each shown to those the
 * server lets use it. A new screen is one entry here (SCIM provisioning and audit export will be).
 */
interface Section {
  id: string;
  label: string;
  visible: (c: OrganizationContextValue) => boolean;
  render: () => ReactNode;
}

const anywhere = (c: OrganizationContextValue, permission: Permission) =>
  [c.organizationScope, ...c.workspaceScopes, ...c.domainScopes].some((s) => s.permissions.includes(permission));

export const SECTIONS: readonly Section[] = [
  {
    id: 'members',
    label: 'Members',
    visible: (c) => anywhere(c, 'READ_MEMBERS'),
    render: () => <MembersSection />,
  },
  { id: 'workspaces', label: 'Workspaces', visible: () => true, render: () => <WorkspacesSection /> },
  {
    id: 'billing',
    label: 'Billing & seats',
    visible: (c) => anywhere(c, 'READ_BILLING'),
    render: () => <BillingSection />,
  },
  {
    id: 'email-domains',
    label: 'Email domains',
    visible: (c) => c.can('UPDATE'),
    render: () => <EmailDomainsSection />,
  },
  { id: 'webhooks', label: 'Webhooks', visible: (c) => c.can('MANAGE_WEBHOOKS'), render: () => <WebhooksSection /> },
  {
    id: 'audit-log',
    label: 'Audit log',
    visible: (c) => anywhere(c, 'READ_AUDIT_LOG'),
    render: () => <AuditLogSection />,
  },
  { id: 'settings', label: 'Settings', visible: () => true, render: () => <SettingsSection /> },
];

export const organizationPath = (id: string, section?: string) =>
  `/organizations/${encodeURIComponent(id)}${section ? `/${section}` : ''}`;

/**
 * "You are Member of the organization · Admin of the workspace Marketing": the viewer's real
 * standing, the strongest role at each scope where it says more than the scope above.
 */
export function roleSummary(organization: Frame): { role: Role; where: string }[] {
  const parts: { role: Role; where: string }[] = [];
  const orgRole = organization.viewerRole;
  if (orgRole) parts.push({ role: orgRole, where: 'the organization' });
  if (orgRole === 'ADMIN') return parts;
  for (const w of organization.workspaces) {
    const wsRole = w.viewerRole && w.viewerRole !== 'ACCOUNTING' ? w.viewerRole : null;
    if (wsRole) parts.push({ role: wsRole, where: `the workspace ${w.name}` });
    if (wsRole === 'ADMIN') continue;
    for (const d of w.domains) {
      if (d.viewerRole && d.viewerRole !== wsRole)
        parts.push({ role: d.viewerRole, where: `the domain ${d.hostname}` });
    }
  }
  return parts;
}

/** An organization: its header (name, my standing, seats), its sections' navigation, one section. */
export function OrganizationScreen(props: { id: string; section: string | null }) {
  const [{ data, error, fetching }, refresh] = useLiveQuery({
    query: WebOrganizationDocument,
    variables: { id: props.id },
  });
  const organization = data?.organization;
  const viewer = data?.me;
  // Seats tell how many invitations are pending: the server shows them to inviters and billing.
  const seesSeats =
    !!organization &&
    (organization.viewerPermissions.includes('READ_BILLING') ||
      [organization, ...organization.workspaces, ...organization.workspaces.flatMap((w) => w.domains)].some((s) =>
        s.viewerPermissions.includes('INVITE_MEMBERS'),
      ));
  const [seatsResult, refreshSeats] = useLiveQuery({
    query: WebOrganizationSeatsDocument,
    variables: { id: props.id },
    pause: !seesSeats,
  });
  const seatRow = seesSeats ? seatsResult.data?.organization : null;
  const sectionHeading = useRef<string | null>(null);
  useEffect(() => {
    // A new section: focus its heading (not on the first draw, where the page's h1 has it).
    if (sectionHeading.current !== null && sectionHeading.current !== props.section) {
      document.querySelector<HTMLElement>('#section-heading')?.focus();
    }
    sectionHeading.current = props.section ?? '';
  }, [props.section]);

  if (!organization || !viewer) {
    return (
      <>
        <h1 tabIndex={-1}>Organization</h1>
        {fetching && <Loading />}
        <ErrorMessage error={error} />
        {!fetching && !error && <p role="alert">This organization does not exist, or you cannot see it.</p>}
        <Link to="/">Back to your organizations</Link>
      </>
    );
  }
  const scopes = scopesOf(organization);
  const context: OrganizationContextValue = {
    organization,
    viewer,
    refresh: () => {
      refresh();
      refreshSeats();
    },
    seats: seatRow ? { used: seatRow.seatsUsed, limit: seatRow.seatLimit ?? null } : null,
    ...scopes,
    can: (permission) => organization.viewerPermissions.includes(permission),
  };
  const visible = SECTIONS.filter((s) => s.visible(context));
  const section = visible.find((s) => s.id === props.section) ?? visible[0];
  const summary = roleSummary(organization);
  return (
    <OrganizationContext.Provider value={context}>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Your organizations</Link> <span aria-hidden="true">›</span> {organization.name}
      </nav>
      <header className="page-header">
        <div>
          <h1 tabIndex={-1}>{organization.name}</h1>
          <p className="lede" data-testid="your-role">
            {summary.length === 0 ? (
              'You have no role here.'
            ) : (
              <>
                Your role:{' '}
                {summary.map((part, i) => (
                  <span key={part.where}>
                    {i > 0 && ' · '}
                    <RoleBadge role={part.role} />
                    {' of '}
                    {part.where}
                  </span>
                ))}
              </>
            )}
          </p>
        </div>
        <div className="stack-sm" aria-label="Organization seats" role="group">
          {context.seats && <SeatMeter used={context.seats.used} limit={context.seats.limit} />}
          {context.can('UPDATE_BILLING') && (
            <Link to={organizationPath(organization.id, 'billing')} className="small">
              Manage seats
            </Link>
          )}
        </div>
      </header>
      <nav aria-label="Organization sections" className="section-nav">
        <ul>
          {visible.map((s) => (
            <li key={s.id}>
              <Link to={organizationPath(organization.id, s.id)} current={s.id === section.id}>
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div key={section.id}>{section.render()}</div>
    </OrganizationContext.Provider>
  );
}

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
