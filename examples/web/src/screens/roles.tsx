import { useState } from 'react';
import { ErrorMessage } from '../errors';
import { type WebCustomRoleFragment, WebCustomRolesDocument } from '../generated';
import { formatDate, plural } from '../format';
import { useLiveQuery } from '../live';
import { KIND_TITLE, keyLabel, SCOPE_KINDS } from '../roles';
import { Link, withSearch } from '../router';
import { Button } from '../ui/button';
import { RowMenu } from '../ui/menu';
import { Empty, Loading } from '../ui/misc';
import { RoleBadge } from '../ui/person';
import { DeleteRoleDialog, RoleEditorDialog } from './role-dialogs';
import { organizationPath, SectionHeading, useOrganization } from '../organization-context';

type Pending =
  { kind: 'new' } | { kind: 'edit'; role: WebCustomRoleFragment } | { kind: 'delete'; role: WebCustomRoleFragment };

/**
 * Roles: the organization's custom roles (docs/domain-rules.md §18) — each a base role plus the
 * permission keys it adds per scope kind, with how many memberships and pending invitations hold
 * it — made, edited and deleted by those with MANAGE_ROLES. Deleting a held role asks where its
 * holders go (another custom role, or the base role); the server's ROLE_IN_USE asks the same.
 */
export function RolesSection() {
  const { organization, refresh: refreshFrame } = useOrganization();
  const [{ data, error }, refresh] = useLiveQuery({
    query: WebCustomRolesDocument,
    variables: { id: organization.id },
  });
  const [pending, setPending] = useState<Pending | null>(null);
  const roles = data?.organization?.customRoles;
  const definitions = data?.permissions ?? [];
  const description = (key: string) => definitions.find((d) => d.key === key)?.description;
  const changed = () => {
    refresh();
    refreshFrame();
  };
  return (
    <section aria-labelledby="section-heading">
      <SectionHeading
        lede="Roles of your own: a built-in role plus the permissions you pick, given like any other role when inviting or changing someone's role."
        actions={
          <Button variant="primary" onClick={() => setPending({ kind: 'new' })} disabled={!data}>
            New role
          </Button>
        }
      >
        Roles
      </SectionHeading>
      <ErrorMessage error={error} />
      {!roles && !error && <Loading what="the roles" />}
      {roles && roles.length === 0 && (
        <Empty>
          No custom role yet: the people of {organization.name} hold the built-in roles Admin, Accounting and Member.
        </Empty>
      )}
      {roles && roles.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption>Custom roles ({roles.length})</caption>
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Based on</th>
                <th scope="col">Adds</th>
                <th scope="col">Held by</th>
                <th scope="col">Changed</th>
                <th scope="col" className="actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {roles.map((role) => (
                <tr key={role.id}>
                  <td className="primary-cell">
                    <span className="stack-sm">
                      <strong>{role.name}</strong>
                      {role.description && <span className="small muted">{role.description}</span>}
                    </span>
                  </td>
                  <td data-label="Based on">
                    <RoleBadge role={role.baseRole} />
                  </td>
                  <td data-label="Adds">
                    {role.grants.every((g) => g.keys.length === 0) ? (
                      <span className="muted">Nothing beyond its base role</span>
                    ) : (
                      <dl className="grants">
                        {SCOPE_KINDS.map((kind) => {
                          const keys = role.grants.find((g) => g.scope === kind)?.keys ?? [];
                          return (
                            keys.length > 0 && (
                              <div key={kind}>
                                <dt>{KIND_TITLE[kind]}</dt>
                                <dd>{keys.map((key) => keyLabel(key, description(key))).join(', ')}</dd>
                              </div>
                            )
                          );
                        })}
                      </dl>
                    )}
                  </td>
                  <td data-label="Held by">
                    {role.holders === 0 ? <span className="muted">Nobody</span> : plural(role.holders, 'holder')}
                  </td>
                  <td data-label="Changed">{formatDate(role.updatedAt)}</td>
                  <td className="actions">
                    <RowMenu
                      label={`Actions for the role ${role.name}`}
                      items={[
                        { label: 'Edit…', onSelect: () => setPending({ kind: 'edit', role }) },
                        { label: 'Delete…', danger: true, onSelect: () => setPending({ kind: 'delete', role }) },
                      ]}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="table-footer muted">
            <span>
              Holders are memberships and pending invitations. A change applies to them from their next request; the{' '}
              <Link to={withSearch({ action: 'ROLE_UPDATED' }, auditBase(organization.id))}>audit log</Link> keeps who
              made it.
            </span>
          </p>
        </div>
      )}
      {(pending?.kind === 'new' || pending?.kind === 'edit') && (
        <RoleEditorDialog
          role={pending.kind === 'edit' ? pending.role : null}
          definitions={definitions}
          onClose={() => setPending(null)}
          onSaved={changed}
        />
      )}
      {pending?.kind === 'delete' && (
        <DeleteRoleDialog
          role={pending.role}
          others={(roles ?? []).filter((r) => r.id !== pending.role.id)}
          onClose={() => setPending(null)}
          onDone={changed}
        />
      )}
    </section>
  );
}

const auditBase = (organizationId: string) =>
  new URL(organizationPath(organizationId, 'audit-log'), window.location.href);
