import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { fieldErrors, ErrorMessage } from '../errors';
import {
  WebCreateDomainDocument,
  WebCreateWorkspaceDocument,
  WebDeleteDomainDocument,
  WebDeleteWorkspaceDocument,
  WebRenameDomainDocument,
  WebRenameWorkspaceDocument,
} from '../generated';
import { plural } from '../format';
import { Link } from '../router';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { ConfirmDialog, Dialog } from '../ui/dialog';
import { TextField } from '../ui/fields';
import { RowMenu } from '../ui/menu';
import { Empty } from '../ui/misc';
import { DirectoryBadge, RoleBadge } from '../ui/person';
import { InlineForm } from '../ui/inline-form';
import { organizationPath, type ScopeView, SectionHeading, useOrganization } from '../organization-context';

type Edit = { kind: 'rename'; scope: ScopeView } | { kind: 'delete'; scope: ScopeView; domains: number };

/** The organization's tree: its workspaces and their domains, created, renamed and deleted here. */
export function WorkspacesSection() {
  const { organization, can, workspaceScopes, domainScopes } = useOrganization();
  const [edit, setEdit] = useState<Edit | null>(null);
  const membersLink = (tab: 'workspaces' | 'domains', id: string) =>
    `${organizationPath(organization.id, 'members')}?${new URLSearchParams({ tab, scope: id })}`;
  return (
    <section aria-labelledby="section-heading">
      <SectionHeading lede="Workspaces group domains; each has its own members. Organization admins administer them all.">
        Workspaces
      </SectionHeading>
      {can('CREATE_WORKSPACE') && <NewWorkspace />}
      {workspaceScopes.length === 0 && <Empty>There is no workspace here that you can see.</Empty>}
      <div className="grid">
        {workspaceScopes.map((workspace) => {
          const domains = domainScopes.filter((d) => d.workspaceId === workspace.id);
          return (
            <article key={workspace.id} className="card" aria-labelledby={`ws-${workspace.id}`}>
              <div className="card-header">
                <h3 id={`ws-${workspace.id}`}>{workspace.label}</h3>
                <span className="cluster">
                  {workspace.directoryGroup && <DirectoryBadge />}
                  {workspace.viewerRole && <RoleBadge role={workspace.viewerRole} />}
                  <RowMenu
                    label={`Actions for the workspace ${workspace.label}`}
                    items={[
                      workspace.permissions.includes('UPDATE') && {
                        label: 'Rename…',
                        onSelect: () => setEdit({ kind: 'rename', scope: workspace }),
                      },
                      workspace.permissions.includes('DELETE') && {
                        label: 'Delete workspace…',
                        danger: true,
                        onSelect: () => setEdit({ kind: 'delete', scope: workspace, domains: domains.length }),
                      },
                    ]}
                  />
                </span>
              </div>
              {workspace.permissions.includes('READ_MEMBERS') && (
                <p className="small">
                  <Link to={membersLink('workspaces', workspace.id)}>Members of {workspace.label}</Link>
                </p>
              )}
              <h4 className="small muted">{plural(domains.length, 'domain')}</h4>
              {domains.length > 0 && (
                <ul className="tree" aria-label={`Domains of ${workspace.label}`}>
                  {domains.map((domain) => (
                    <li key={domain.id}>
                      <span className="mono">{domain.label}</span>
                      <span className="cluster">
                        {domain.viewerRole && <RoleBadge role={domain.viewerRole} />}
                        {domain.permissions.includes('READ_MEMBERS') && (
                          <Link to={membersLink('domains', domain.id)} className="small">
                            Members<span className="visually-hidden"> of {domain.label}</span>
                          </Link>
                        )}
                        <RowMenu
                          label={`Actions for the domain ${domain.label}`}
                          items={[
                            domain.permissions.includes('UPDATE') && {
                              label: 'Rename…',
                              onSelect: () => setEdit({ kind: 'rename', scope: domain }),
                            },
                            domain.permissions.includes('DELETE') && {
                              label: 'Delete domain…',
                              danger: true,
                              onSelect: () => setEdit({ kind: 'delete', scope: domain, domains: 0 }),
                            },
                          ]}
                        />
                      </span>
                    </li>
                  ))}
                </ul>
              )}
              {workspace.permissions.includes('CREATE_DOMAIN') && <NewDomain workspace={workspace} />}
            </article>
          );
        })}
      </div>
      {edit?.kind === 'rename' && <RenameDialog scope={edit.scope} onClose={() => setEdit(null)} />}
      {edit?.kind === 'delete' && (
        <DeleteScopeDialog scope={edit.scope} domains={edit.domains} onClose={() => setEdit(null)} />
      )}
    </section>
  );
}

function NewWorkspace() {
  const { organization, refresh } = useOrganization();
  const announce = useAnnounce();
  const [name, setName] = useState('');
  const [result, create] = useMutation(WebCreateWorkspaceDocument);
  const errors = fieldErrors(result.error, { name: 'Name' });
  const submit = async () => {
    const done = await create({ organizationId: organization.id, name });
    if (done.data) {
      announce(`Workspace ${done.data.createWorkspace.name} created.`);
      setName('');
      refresh();
    }
  };
  return (
    <InlineForm
      className="card toolbar"
      aria-label="Create a workspace"
      field={{
        label: 'New workspace',
        hint: 'A team, a product or a client.',
        required: true,
        maxLength: 100,
        error: errors.byField.name,
      }}
      value={name}
      onChange={setName}
      submitLabel="Create workspace"
      primary
      busy={result.fetching}
      error={errors.others}
      onSubmit={submit}
    />
  );
}

function NewDomain(props: { workspace: ScopeView }) {
  const { refresh } = useOrganization();
  const announce = useAnnounce();
  const [hostname, setHostname] = useState('');
  const [result, create] = useMutation(WebCreateDomainDocument);
  const errors = fieldErrors(result.error, { hostname: 'Hostname' });
  const submit = async () => {
    const done = await create({ workspaceId: props.workspace.id, hostname });
    if (done.data) {
      announce(`Domain ${done.data.createDomain.hostname} added to ${props.workspace.label}.`);
      setHostname('');
      refresh();
    }
  };
  return (
    <InlineForm
      style={{ marginTop: 'var(--space-3)', marginBottom: 0 }}
      field={{
        label: `New domain in ${props.workspace.label}`,
        placeholder: 'shop.example.com',
        required: true,
        error: errors.byField.hostname,
      }}
      value={hostname}
      onChange={setHostname}
      submitLabel="Add domain"
      busy={result.fetching}
      error={errors.others}
      onSubmit={submit}
    />
  );
}

function RenameDialog(props: { scope: ScopeView; onClose: () => void }) {
  const { scope } = props;
  const { refresh } = useOrganization();
  const announce = useAnnounce();
  const [value, setValue] = useState(scope.label);
  const [workspaceResult, renameWorkspace] = useMutation(WebRenameWorkspaceDocument);
  const [domainResult, renameDomain] = useMutation(WebRenameDomainDocument);
  const error = workspaceResult.error ?? domainResult.error;
  const field = scope.kind === 'WORKSPACE' ? 'name' : 'hostname';
  const errors = fieldErrors(error, { [field]: scope.kind === 'WORKSPACE' ? 'Name' : 'Hostname' });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done =
      scope.kind === 'WORKSPACE'
        ? await renameWorkspace({ id: scope.id, name: value })
        : await renameDomain({ id: scope.id, hostname: value });
    if (done.data) {
      announce(`${scope.kind === 'WORKSPACE' ? 'Workspace' : 'Domain'} ${scope.label} renamed to ${value.trim()}.`);
      refresh();
      props.onClose();
    }
  };
  return (
    <Dialog
      title={`Rename ${scope.phrase}`}
      onClose={props.onClose}
      onSubmit={submit}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={workspaceResult.fetching || domainResult.fetching}>
            Rename
          </Button>
        </>
      }
    >
      <TextField
        label={scope.kind === 'WORKSPACE' ? 'Name' : 'Hostname'}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        required
        error={errors.byField[field]}
      />
      <ErrorMessage error={errors.others} />
    </Dialog>
  );
}

function DeleteScopeDialog(props: { scope: ScopeView; domains: number; onClose: () => void }) {
  const { scope } = props;
  const { refresh } = useOrganization();
  const announce = useAnnounce();
  const [, deleteWorkspace] = useMutation(WebDeleteWorkspaceDocument);
  const [, deleteDomain] = useMutation(WebDeleteDomainDocument);
  return (
    <ConfirmDialog
      title={`Delete ${scope.phrase}?`}
      confirmLabel={`Delete ${scope.label}`}
      onClose={props.onClose}
      onConfirm={async () => {
        const done =
          scope.kind === 'WORKSPACE' ? await deleteWorkspace({ id: scope.id }) : await deleteDomain({ id: scope.id });
        if (done.error) return done.error;
        announce(`${scope.kind === 'WORKSPACE' ? 'Workspace' : 'Domain'} ${scope.label} deleted.`);
        refresh();
        return null;
      }}
    >
      <p>
        {scope.kind === 'WORKSPACE'
          ? `${scope.label} goes with its ${plural(props.domains, 'domain')}, and every membership and invitation in them.`
          : `${scope.label} goes with its memberships and invitations.`}{' '}
        People keep their membership of the organization. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
