import type { Role, WebInheritedMemberFragment } from '../generated';
import { WebInheritedAccessDocument } from '../generated';
import { useLiveQuery } from '../live';
import { FIRST_PAGE, navigate, withSearch } from '../router';
import { RowMenu } from '../ui/menu';
import { Callout, Empty } from '../ui/misc';
import { Person, RoleBadge } from '../ui/person';
import type { DialogTarget } from './member-dialogs';
import { type ScopeView, useOrganization } from '../organization-context';

/**
 * People who reach this workspace or domain from a scope above: the organization's Admins and,
 * for a domain, its workspace's members. The API lists direct members only, so the app reads the
 * scopes above and says where each one's access comes from, as GitLab's "inherited from" does.
 */
export function InheritedAccess(props: {
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
