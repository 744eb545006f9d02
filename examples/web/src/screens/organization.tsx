import { useState } from 'react';
import { useQuery } from 'urql';
import { ErrorMessage } from '../errors';
import { type Permission, type Role, type ScopeKind, WebOrganizationDocument } from '../generated';
import { ROLE_LABEL } from '../roles';
import { Link } from '../router';
import { Billing } from './billing';
import { MembersPanel } from './members';

/** One scope the Members section can show: the server's word on what the viewer may do there. */
export interface ScopeView {
  kind: ScopeKind;
  id: string;
  label: string;
  permissions: readonly Permission[];
  invitableRoles: readonly Role[];
}

type Section = 'members' | 'billing';
type ScopeTab = 'ORGANIZATION' | 'WORKSPACE' | 'DOMAIN';

/** An organization: its Members section (Organization / Workspaces / Domains tabs) and its Billing. */
export function OrganizationScreen(props: { id: string }) {
  const [{ data, error, fetching }] = useQuery({ query: WebOrganizationDocument, variables: { id: props.id } });
  const [section, setSection] = useState<Section>('members');
  const [tab, setTab] = useState<ScopeTab>('ORGANIZATION');
  const [workspaceId, setWorkspaceId] = useState<string | null>(null);
  const [domainId, setDomainId] = useState<string | null>(null);
  const organization = data?.organization;
  if (!organization) {
    return (
      <>
        <h1 tabIndex={-1}>Organization</h1>
        {fetching && <p role="status">Loading…</p>}
        <ErrorMessage error={error} />
        {!fetching && !error && <p role="alert">This organization does not exist, or you cannot see it.</p>}
        <Link to="/">Back to your homepage</Link>
      </>
    );
  }
  const workspaces = organization.workspaces;
  const domains = workspaces.flatMap((w) => w.domains.map((d) => ({ ...d, workspaceName: w.name })));
  const seesBilling =
    organization.viewerPermissions.includes('READ_BILLING') ||
    workspaces.some((w) => w.viewerPermissions.includes('READ_BILLING'));
  const seesMembers =
    organization.viewerPermissions.includes('READ_MEMBERS') ||
    workspaces.some((w) => w.viewerPermissions.includes('READ_MEMBERS'));
  const shownSection: Section = section === 'billing' && seesBilling ? 'billing' : seesMembers ? 'members' : 'billing';

  const workspace = workspaces.find((w) => w.id === workspaceId) ?? workspaces[0];
  const domain = domains.find((d) => d.id === domainId) ?? domains[0];
  const scope: ScopeView | null =
    tab === 'ORGANIZATION'
      ? {
          kind: 'ORGANIZATION',
          id: organization.id,
          label: organization.name,
          permissions: organization.viewerPermissions,
          invitableRoles: organization.viewerInvitableRoles,
        }
      : tab === 'WORKSPACE' && workspace
        ? {
            kind: 'WORKSPACE',
            id: workspace.id,
            label: workspace.name,
            permissions: workspace.viewerPermissions,
            invitableRoles: workspace.viewerInvitableRoles,
          }
        : tab === 'DOMAIN' && domain
          ? {
              kind: 'DOMAIN',
              id: domain.id,
              label: domain.hostname,
              permissions: domain.viewerPermissions,
              invitableRoles: domain.viewerInvitableRoles,
            }
          : null;

  return (
    <>
      <h1 tabIndex={-1}>{organization.name}</h1>
      <p>
        {organization.viewerRole && <>Your role: {ROLE_LABEL[organization.viewerRole]}. </>}
        Seats: {organization.seatsUsed}
        {organization.seatLimit !== null && organization.seatLimit !== undefined && <> of {organization.seatLimit}</>}.
      </p>
      <nav aria-label="Sections" className="sections">
        {seesMembers && (
          <button type="button" aria-current={shownSection === 'members'} onClick={() => setSection('members')}>
            Members
          </button>
        )}
        {seesBilling && (
          <button type="button" aria-current={shownSection === 'billing'} onClick={() => setSection('billing')}>
            Billing
          </button>
        )}
      </nav>
      {shownSection === 'billing' && seesBilling && <Billing organizationId={organization.id} />}
      {shownSection === 'members' && seesMembers && (
        <section aria-labelledby="members-heading">
          <h2 id="members-heading">Members</h2>
          <div role="tablist" aria-label="Members of" className="tabs">
            {(['ORGANIZATION', 'WORKSPACE', 'DOMAIN'] as const).map((kind) => (
              <button
                key={kind}
                type="button"
                role="tab"
                id={`tab-${kind}`}
                aria-selected={tab === kind}
                aria-controls="members-panel"
                onClick={() => setTab(kind)}
              >
                {kind === 'ORGANIZATION' ? 'Organization' : kind === 'WORKSPACE' ? 'Workspaces' : 'Domains'}
              </button>
            ))}
          </div>
          <div role="tabpanel" id="members-panel" aria-labelledby={`tab-${tab}`}>
            {tab === 'WORKSPACE' && (
              <label>
                Workspace{' '}
                <select value={workspace?.id ?? ''} onChange={(e) => setWorkspaceId(e.target.value)}>
                  {workspaces.map((w) => (
                    <option key={w.id} value={w.id}>
                      {w.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {tab === 'DOMAIN' && (
              <label>
                Domain{' '}
                <select value={domain?.id ?? ''} onChange={(e) => setDomainId(e.target.value)}>
                  {domains.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.workspaceName} › {d.hostname}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {scope ? (
              <MembersPanel key={`${scope.kind}:${scope.id}`} scope={scope} />
            ) : (
              <p>There is no {tab === 'WORKSPACE' ? 'workspace' : 'domain'} here that you can see.</p>
            )}
          </div>
        </section>
      )}
    </>
  );
}
