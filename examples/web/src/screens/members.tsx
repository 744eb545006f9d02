import { useEffect, useState } from 'react';
import { ErrorMessage } from '../errors';
import {
  type MemberOrderField,
  type OrderDirection,
  type Role,
  type WebInvitationRowFragment,
  type WebMemberPageFragment,
  type WebMemberRowFragment,
  WebScopeMembersDocument,
} from '../generated';
import { formatDate, formatTotal } from '../format';
import { useLiveQuery } from '../live';
import { describeSource, sortRoles } from '../roles';
import { FIRST_PAGE, Link, updateSearch, useLocation } from '../router';
import { Button } from '../ui/button';
import { SelectField, TextField } from '../ui/fields';
import { RowMenu } from '../ui/menu';
import { Empty, Loading } from '../ui/misc';
import { usePagedConnection } from '../ui/paged';
import { Badge, DirectoryBadge, HeldRoleBadge, Person, RoleBadge } from '../ui/person';
import { TabPanel, Tabs } from '../ui/tabs';
import { InviteDialog } from './invite';
import { PendingInvitations } from './invitations';
import { ExplainAccessDialog } from './explain-access';
import { InheritedAccess } from './inherited-access';
import { RoleFilter } from './member-role-filter';
import { ChangeRoleDialog, ExpiryDialog, RemoveMemberDialog, roleChoicesOf, type DialogTarget } from './member-dialogs';
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
    updateSearch({
      tab: next === 'organization' ? null : next,
      scope: null,
      q: null,
      role: null,
      customRole: null,
      ...FIRST_PAGE,
    });

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
              onChange={(e) =>
                updateSearch({ scope: e.target.value, q: null, role: null, customRole: null, ...FIRST_PAGE })
              }
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
  const { organization, organizationScope, viewer, refresh: refreshFrame } = useOrganization();
  const location = useLocation();
  const params = location.searchParams;
  const query = params.get('q') ?? '';
  const [typed, setTyped] = useState(query);
  // A search set from elsewhere (a link, Back) shows in the box.
  useEffect(() => {
    setTyped((current) => (current.trim() === query.trim() ? current : query));
  }, [query]);
  const role = sortRoles([params.get('role') as Role]).at(0) ?? null;
  // A custom role picked in the role filter: its id in `customRole`, sent as `customRoleId`.
  const customRoleId = params.get('customRole') || null;
  const sortParam = params.get('sort') ?? '';
  const sort: SortId = sortParam in SORTS ? (sortParam as SortId) : 'joined-asc';
  const [field, direction] = SORTS[sort];
  const paged = usePagedConnection(`members:${scope.id}:${query}:${role}:${customRoleId}:${sort}`, PAGE_SIZE);
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
      ...paged.variables,
      role,
      customRoleId,
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
        <RoleFilter
          scopeKind={scope.kind}
          organizationId={organization.id}
          mayReadMembers={organizationScope.permissions.includes('READ_MEMBERS')}
          role={role}
          customRoleId={customRoleId}
        />
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
            <Empty>
              {query || role || customRoleId
                ? 'No member matches.'
                : `Nobody is a direct member of ${scope.label} yet.`}
            </Empty>
          )}
          {paged.pager(page, 'Members pages')}
        </div>
      )}
      {/* Access from above is a built-in role, never a custom role held here: hidden while filtering by one. */}
      {scope.kind !== 'ORGANIZATION' && !customRoleId && (
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
        <ExplainAccessDialog user={dialog.member.user} scope={scope} onClose={() => setDialog(null)} />
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
  // The person's own name, else the one their organization's directory gave them.
  const user = { ...member.user, displayName: member.user.displayName || member.directoryName };
  const name = user.displayName ?? user.email;
  const { others } = roleChoicesOf(member);
  const inherited = member.accessSources.filter((s) => !s.direct);
  return (
    <tr>
      <td className="primary-cell">
        <Person user={user} isYou={isYou} extra={member.provisioned && <DirectoryBadge />} />
      </td>
      <td data-label="Role">
        <span className="cluster">
          <HeldRoleBadge role={member.role} customRole={member.customRole} />
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
              others > 0 && {
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
