import { useEffect, useState } from 'react';
import { ErrorMessage } from '../errors';
import {
  type MemberOrderField,
  type OrderDirection,
  type Role,
  type WebInheritedMemberFragment,
  type WebInvitationRowFragment,
  type WebMemberPageFragment,
  type WebMemberRowFragment,
  WebInheritedAccessDocument,
  WebScopeMembersDocument,
} from '../generated';
import { formatDate, formatTotal } from '../format';
import { useLiveQuery } from '../live';
import { describeSource, ROLE_LABEL, sortRoles } from '../roles';
import { FIRST_PAGE, Link, navigate, updateSearch, useKeysetPage, useLocation, withSearch } from '../router';
import { Button } from '../ui/button';
import { SelectField, TextField } from '../ui/fields';
import { RowMenu } from '../ui/menu';
import { Callout, Empty, Loading, Pager } from '../ui/misc';
import { Badge, DirectoryBadge, Person, RoleBadge } from '../ui/person';
import { TabPanel, Tabs } from '../ui/tabs';
import { InviteDialog } from './invite';
import { PendingInvitations } from './invitations';
import {
  ChangeRoleDialog,
  ExplainAccessDialog,
  ExpiryDialog,
  RemoveMemberDialog,
  type DialogTarget,
} from './member-dialogs';
import { LeaveDialog } from './settings';
import { organizationPath, type ScopeView, SectionHeading, useOrganization } from '../organization-context';

const PAGE_SIZE = 20;
type TabId = 'organization' | 'workspaces' | 'domains';
const SORTS = {
  'joined-asc': ['JOINED_AT', 'ASC', 'Joined, oldest first'],
  'joined-desc': ['JOINED_AT', 'DESC', 'Joined, newest first'],
  'name-asc': ['NAME', 'ASC', 'Name, A to Z'],
  'name-desc': ['NAME', 'DESC', 'Name, Z to A'],
  'email-asc': ['EMAIL', 'ASC', 'Email, A to Z'],
  'email-desc': ['EMAIL', 'DESC', 'Email, Z to A'],
} as const satisfies Record<string, [MemberOrderField, OrderDirection, string]>;
type SortId = keyof typeof SORTS;

/**
 * The Members section: Organization / Workspaces / Domains tabs, the scope picked in the URL
 * (`tab`, `scope`), and that scope's members, people with access from above, and pending
 * invitations.
 */
export function MembersSection() {
  const { organization, organizationScope, workspaceScopes, domainScopes } = useOrganization();
  const location = useLocation();
  const tab =
    (['organization', 'workspaces', 'domains'] as const).find((t) => t === location.searchParams.get('tab')) ??
    'organization';
  const scopeId = location.searchParams.get('scope');
  // Only scopes whose members the viewer may read (a domain's member sees its workspace, not its members).
  const readable = (scopes: ScopeView[]) => scopes.filter((s) => s.permissions.includes('READ_MEMBERS'));
  const workspaceChoices = readable(workspaceScopes);
  const domainChoices = readable(domainScopes);
  const choices = tab === 'workspaces' ? workspaceChoices : tab === 'domains' ? domainChoices : [organizationScope];
  const scope = choices.find((s) => s.id === scopeId) ?? choices[0] ?? null;
  const selectTab = (next: TabId) =>
    updateSearch({ tab: next === 'organization' ? null : next, scope: null, q: null, role: null, ...FIRST_PAGE });

  return (
    <section aria-labelledby="section-heading">
      <SectionHeading lede="Who has access, with which role, and who is invited.">Members</SectionHeading>
      <Tabs<TabId>
        label="Members of"
        idPrefix="members"
        tabs={[
          { id: 'organization', label: 'Organization' },
          { id: 'workspaces', label: 'Workspaces' },
          { id: 'domains', label: 'Domains' },
        ]}
        selected={tab}
        onSelect={selectTab}
      />
      <TabPanel idPrefix="members" selected={tab}>
        {tab !== 'organization' && choices.length > 0 && (
          <div className="toolbar">
            <SelectField
              label={tab === 'workspaces' ? 'Workspace' : 'Domain'}
              className="field-inline"
              value={scope?.id ?? ''}
              onChange={(e) => updateSearch({ scope: e.target.value, q: null, role: null, ...FIRST_PAGE })}
            >
              {tab === 'workspaces'
                ? workspaceChoices.map((w) => (
                    <option key={w.id} value={w.id}>
                      {w.label}
                    </option>
                  ))
                : workspaceScopes
                    .filter((w) => domainChoices.some((d) => d.workspaceId === w.id))
                    .map((w) => (
                      <optgroup key={w.id} label={w.label}>
                        {domainChoices
                          .filter((d) => d.workspaceId === w.id)
                          .map((d) => (
                            <option key={d.id} value={d.id}>
                              {d.label}
                            </option>
                          ))}
                      </optgroup>
                    ))}
            </SelectField>
          </div>
        )}
        {scope ? (
          <MembersPanel key={`${scope.kind}:${scope.id}`} scope={scope} />
        ) : (
          <Empty>
            <p>There is no {tab === 'workspaces' ? 'workspace' : 'domain'} here whose members you can see.</p>
            <Link to={organizationPath(organization.id, 'workspaces')}>Go to Workspaces</Link>
          </Empty>
        )}
      </TabPanel>
    </section>
  );
}

/**
 * One scope's members: search, role filter, order and page in the URL; each row's actions
 * exactly as the server's `viewerCan` says; the invite dialog; the pending invitations.
 */
function MembersPanel(props: { scope: ScopeView }) {
  const { scope } = props;
  const { organization, viewer, refresh: refreshFrame } = useOrganization();
  const location = useLocation();
  const params = location.searchParams;
  const query = params.get('q') ?? '';
  const [typed, setTyped] = useState(query);
  // A search set from elsewhere (a link, Back) shows in the box.
  useEffect(() => {
    setTyped((current) => (current.trim() === query.trim() ? current : query));
  }, [query]);
  const role = sortRoles([params.get('role') as Role]).at(0) ?? null;
  const sortParam = params.get('sort') ?? '';
  const sort: SortId = sortParam in SORTS ? (sortParam as SortId) : 'joined-asc';
  const [field, direction] = SORTS[sort];
  const pages = useKeysetPage(`members:${scope.id}:${query}:${role}:${sort}`, location);
  const mayInvite = scope.invitableRoles.length > 0;
  const [inviting, setInviting] = useState(false);
  const [dialog, setDialog] = useState<DialogTarget | null>(null);

  const [result, refresh] = useLiveQuery({
    query: WebScopeMembersDocument,
    variables: {
      id: scope.id,
      isOrganization: scope.kind === 'ORGANIZATION',
      isWorkspace: scope.kind === 'WORKSPACE',
      isDomain: scope.kind === 'DOMAIN',
      first: PAGE_SIZE,
      after: pages.after,
      role,
      query: query.trim() === '' ? null : query.trim(),
      orderBy: { field, direction },
      withInvitations: mayInvite,
    },
  });
  const node = result.data?.organization ?? result.data?.workspace ?? result.data?.domain;
  const page: WebMemberPageFragment | null | undefined = node?.members;
  const invitations: readonly WebInvitationRowFragment[] = node?.invitations ?? [];
  const changed = () => {
    refresh();
    refreshFrame();
  };
  const roleChoices =
    scope.kind === 'ORGANIZATION' ? sortRoles(['ADMIN', 'ACCOUNTING', 'MEMBER']) : sortRoles(['ADMIN', 'MEMBER']);
  const caption = scope.kind === 'ORGANIZATION' ? `Members of ${scope.label}` : `Direct members of ${scope.label}`;

  return (
    <div>
      <form className="toolbar" role="search" aria-label="Members" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label="Search"
          type="search"
          className="field-inline"
          placeholder="Name or email"
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            updateSearch({ q: e.target.value, ...FIRST_PAGE }, { replace: true });
          }}
        />
        <SelectField
          label="Role"
          className="field-narrow"
          value={role ?? ''}
          onChange={(e) => updateSearch({ role: e.target.value, ...FIRST_PAGE })}
        >
          <option value="">Any role</option>
          {roleChoices.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Sort by"
          className="field-narrow"
          value={sort}
          onChange={(e) =>
            updateSearch({ sort: e.target.value === 'joined-asc' ? null : e.target.value, ...FIRST_PAGE })
          }
        >
          {Object.entries(SORTS).map(([id, [, , label]]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </SelectField>
        <span className="spacer" />
        {mayInvite && (
          <Button variant="primary" onClick={() => setInviting(true)}>
            Invite people
          </Button>
        )}
      </form>
      {inviting && (
        <InviteDialog scope={scope} pending={invitations} onInvited={changed} onClose={() => setInviting(false)} />
      )}
      <ErrorMessage error={result.error} />
      {result.fetching && !page && <Loading what="members" />}
      {page && (
        <div className="table-wrap">
          <table className="data-table">
            <caption>
              {caption} ({formatTotal(page.totalCount, page.totalCountIsLowerBound)})
            </caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                {scope.kind !== 'ORGANIZATION' && <th scope="col">Access</th>}
                <th scope="col">Joined</th>
                <th scope="col" className="actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((member) => (
                <MemberRow
                  key={member.id}
                  member={member}
                  scope={scope}
                  isYou={member.user.id === viewer.id}
                  onAction={setDialog}
                />
              ))}
            </tbody>
          </table>
          {page.nodes.length === 0 && (
            <Empty>{query || role ? 'No member matches.' : `Nobody is a direct member of ${scope.label} yet.`}</Empty>
          )}
          <Pager
            label="Members pages"
            page={pages.page}
            pageSize={PAGE_SIZE}
            shown={page.nodes.length}
            total={page.totalCount}
            totalIsLowerBound={page.totalCountIsLowerBound}
            hasNext={page.pageInfo.hasNextPage}
            onNext={() => pages.next(page.pageInfo.endCursor)}
            onPrevious={pages.previous}
            onFirst={pages.first}
          />
        </div>
      )}
      {scope.kind !== 'ORGANIZATION' && (
        <InheritedAccess scope={scope} query={query} role={role} onAction={setDialog} />
      )}
      {mayInvite && <PendingInvitations scope={scope} invitations={invitations} onChanged={changed} />}
      {dialog?.kind === 'role' && (
        <ChangeRoleDialog target={dialog} scope={scope} onClose={() => setDialog(null)} onDone={changed} />
      )}
      {dialog?.kind === 'expiry' && (
        <ExpiryDialog target={dialog} scope={scope} onClose={() => setDialog(null)} onDone={changed} />
      )}
      {dialog?.kind === 'explain' && (
        <ExplainAccessDialog target={dialog} scope={scope} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'remove' && (
        <RemoveMemberDialog
          target={dialog}
          scope={scope}
          isYou={dialog.member.user.id === viewer.id}
          onClose={() => setDialog(null)}
          onDone={changed}
        />
      )}
      {dialog?.kind === 'leave' && <LeaveDialog organization={organization} onClose={() => setDialog(null)} />}
    </div>
  );
}

function MemberRow(props: {
  member: WebMemberRowFragment;
  scope: ScopeView;
  isYou: boolean;
  onAction: (target: DialogTarget) => void;
}) {
  const { member, scope, isYou } = props;
  const name = member.user.displayName ?? member.user.email;
  const otherRoles = member.viewerCan.assignableRoles.filter((r) => r !== member.role);
  const inherited = member.accessSources.filter((s) => !s.direct);
  return (
    <tr>
      <td className="primary-cell">
        <Person user={member.user} isYou={isYou} extra={member.provisioned && <DirectoryBadge />} />
      </td>
      <td data-label="Role">
        <span className="cluster">
          <RoleBadge role={member.role} />
          {member.expiresAt && <Badge tone="warning">Access until {formatDate(member.expiresAt)}</Badge>}
        </span>
      </td>
      {scope.kind !== 'ORGANIZATION' && (
        <td data-label="Access">
          {member.effectiveRole && member.effectiveRole !== member.role && (
            <span className="cluster">
              <span className="small">Effectively</span> <RoleBadge role={member.effectiveRole} />
            </span>
          )}
          <ul className="sources">
            {(inherited.length > 0 ? member.accessSources : []).map((source) => (
              <li key={`${source.scope}:${source.role}:${source.direct}`}>{describeSource(source)}</li>
            ))}
            {inherited.length === 0 && <li>Direct</li>}
          </ul>
        </td>
      )}
      <td data-label="Joined">{formatDate(member.createdAt)}</td>
      <td className="actions">
        <RowMenu
          label={`Actions for ${name}`}
          items={[
            member.viewerCan.changeRole &&
              otherRoles.length > 0 && {
                label: 'Change role…',
                onSelect: () => props.onAction({ kind: 'role', member }),
              },
            member.viewerCan.setExpiry && {
              label: member.expiresAt ? 'Change access end…' : 'Set access end…',
              onSelect: () => props.onAction({ kind: 'expiry', member }),
            },
            {
              label: 'Why this access?',
              onSelect: () => props.onAction({ kind: 'explain', member }),
            },
            isYou &&
              scope.kind === 'ORGANIZATION' && {
                label: 'Leave organization…',
                danger: true,
                onSelect: () => props.onAction({ kind: 'leave', member }),
              },
            member.viewerCan.remove &&
              !(isYou && scope.kind === 'ORGANIZATION') && {
                label: isYou ? `Leave ${scope.kind === 'WORKSPACE' ? 'workspace' : 'domain'}…` : 'Remove…',
                danger: true,
                onSelect: () => props.onAction({ kind: 'remove', member }),
              },
          ]}
        />
      </td>
    </tr>
  );
}

/**
 * People who reach this workspace or domain from a scope above: the organization's Admins and,
 * for a domain, its workspace's members. The API lists direct members only, so the app reads the
 * scopes above and says where each one's access comes from, as GitLab's "inherited from" does.
 */
function InheritedAccess(props: {
  scope: ScopeView;
  query: string;
  role: Role | null;
  onAction: (target: DialogTarget) => void;
}) {
  const { scope } = props;
  const { organization, viewer, workspaceScopes } = useOrganization();
  const workspace = workspaceScopes.find((w) => w.id === (scope.kind === 'DOMAIN' ? scope.workspaceId : scope.id));
  const [result] = useLiveQuery({
    query: WebInheritedAccessDocument,
    variables: {
      organizationId: organization.id,
      workspaceId: workspace?.id ?? '',
      withWorkspace: scope.kind === 'DOMAIN' && Boolean(workspace),
      query: props.query.trim() === '' ? null : props.query.trim(),
    },
  });
  const rows: { member: WebInheritedMemberFragment; role: Role; from: string }[] = [
    ...(result.data?.organization?.members?.nodes ?? []).map((member) => ({
      member,
      role: 'ADMIN' as Role,
      from: 'the organization',
    })),
    ...(result.data?.workspace?.members?.nodes ?? []).map((member) => ({
      member,
      role: member.role,
      from: `the workspace ${workspace?.label ?? ''}`,
    })),
  ].filter((row) => props.role === null || row.role === props.role);
  const workspaceUnreadable = scope.kind === 'DOMAIN' && result.data && !result.data.workspace?.members;
  if (!result.data) return null;
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption>
          Access inherited from above ({rows.length})
          <span className="muted small" style={{ display: 'block', fontWeight: 'normal' }}>
            Organization admins are admins of every workspace and domain
            {scope.kind === 'DOMAIN' ? '; members of the workspace reach its domains' : ''}. Change their access where
            it is granted.
          </span>
        </caption>
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Role</th>
            <th scope="col">Access</th>
            <th scope="col" className="actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ member, role, from }) => (
            <tr key={`${from}:${member.id}`}>
              <td className="primary-cell">
                <Person user={member.user} isYou={member.user.id === viewer.id} />
              </td>
              <td data-label="Role">
                <RoleBadge role={role} />
              </td>
              <td data-label="Access">Inherited from {from}</td>
              <td className="actions">
                <RowMenu
                  label={`Actions for ${member.user.displayName ?? member.user.email}`}
                  items={[
                    {
                      label: 'Why this access?',
                      onSelect: () => props.onAction({ kind: 'explain', member }),
                    },
                    {
                      label: 'Manage where granted',
                      onSelect: () =>
                        navigate(
                          withSearch(
                            from === 'the organization'
                              ? { tab: null, scope: null, q: member.user.email, role: null, ...FIRST_PAGE }
                              : {
                                  tab: 'workspaces',
                                  scope: workspace?.id,
                                  q: member.user.email,
                                  role: null,
                                  ...FIRST_PAGE,
                                },
                          ),
                        ),
                    },
                  ]}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && (
        <Empty>
          Nobody reaches {scope.label} from above{props.query ? ' with that search' : ''}.
        </Empty>
      )}
      {workspaceUnreadable && (
        <Callout tone="info">
          You cannot see the members of the workspace {workspace?.label}; only the organization's admins are listed.
        </Callout>
      )}
    </div>
  );
}
