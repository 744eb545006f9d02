import { type ReactNode, useEffect, useRef } from 'react';
import {
  type Frame,
  OrganizationContext,
  type OrganizationContextValue,
  organizationPath,
  scopesOf,
} from '../organization-context';
import { ErrorMessage } from '../errors';
import { type Permission, type Role, WebOrganizationDocument, WebOrganizationSeatsDocument } from '../generated';
import { useLiveQuery } from '../live';
import { Link } from '../router';
import { Callout, Loading } from '../ui/misc';
import { RoleBadge, SeatMeter } from '../ui/person';
import { AuditLogSection } from './audit-log';
import { BillingSection } from './billing';
import { EmailDomainsSection } from './email-domains';
import { MembersSection } from './members';
import { ProvisioningSection } from './provisioning';
import { RolesSection } from './roles';
import { SettingsSection } from './settings';
import { SignInRequired, signInRequirement } from './sign-in-required';
import { RequestsSection } from './requests';
import { WorkspacesSection } from './workspaces';
import { WebhooksSection } from './webhooks';

/**
 * The sections of an organization, in the order of its navigation, each shown to those the
 * server lets use it. A new screen is one entry here.
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
  {
    id: 'requests',
    label: 'Requests',
    visible: (c) => anywhere(c, 'MANAGE_MEMBERS'),
    render: () => <RequestsSection />,
  },
  {
    id: 'roles',
    label: 'Roles',
    visible: (c) => c.can('MANAGE_ROLES'),
    render: () => <RolesSection />,
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
    id: 'provisioning',
    label: 'Directory provisioning',
    visible: (c) => c.can('MANAGE_PROVISIONING'),
    render: () => <ProvisioningSection />,
  },
  {
    id: 'audit-log',
    label: 'Audit log',
    visible: (c) => anywhere(c, 'READ_AUDIT_LOG'),
    render: () => <AuditLogSection />,
  },
  { id: 'settings', label: 'Settings', visible: () => true, render: () => <SettingsSection /> },
];

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

  const blocked = signInRequirement(error);
  if (blocked && !organization) return <SignInRequired id={props.id} requirement={blocked} />;
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
      {organization.needsAdmin && <NeedsAdmin id={organization.id} />}
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

/**
 * An erasure or a deprovisioning took the organization's last lasting Admin: nobody may manage it
 * until someone is named, which only an operator (or the directory) can do (docs/personal-data.md).
 */
function NeedsAdmin(props: { id: string }) {
  return (
    <Callout tone="warning" role="alert" title="This organization has no Admin">
      <p>
        Its last lasting Admin is gone (erased, or removed by the directory). Nobody can invite or remove people, change
        roles or settings until someone is made Admin; Accounting can still keep the billing up to date.
      </p>
      <p>
        Ask the operator of the membership service to run{' '}
        <code>
          npm run grant-admin -- {props.id} <var>their-email</var>
        </code>{' '}
        for a person who has signed in once with that verified address, or have your directory provision an Admin.
      </p>
    </Callout>
  );
}
