import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import guideUrl from '../../../../docs/provisioning.md?url';
import { apiUrl, useApi } from '../api';
import { ErrorMessage, fieldErrors } from '../errors';
import {
  type WebProvisioningTokenFragment,
  WebCreateProvisioningTokenDocument,
  WebProvisioningTokensDocument,
  WebRevokeProvisioningTokenDocument,
} from '../generated';
import { formatDate, formatDateTime, formatRelative } from '../format';
import { useLiveQuery } from '../live';
import { Link, withSearch } from '../router';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { ConfirmDialog, Dialog } from '../ui/dialog';
import { TextField } from '../ui/fields';
import { RowMenu } from '../ui/menu';
import { type Column, DataTable } from '../ui/data-table';
import { Callout, CopyField, Empty, Loading } from '../ui/misc';
import { Badge } from '../ui/person';
import { organizationPath, SectionHeading, useOrganization } from '../organization-context';

type Pending =
  { kind: 'secret'; token: string; description: string } | { kind: 'revoke'; token: WebProvisioningTokenFragment };

const tokenName = (token: { description?: string | null }) => token.description ?? 'Unnamed token';

const TOKEN_COLUMNS: Column<WebProvisioningTokenFragment>[] = [
  { header: 'Token', primary: true, cell: tokenName },
  { header: 'Status', cell: () => <Badge tone="success">Active</Badge> },
  {
    header: 'Created',
    cell: (token) => (
      <>
        {formatDate(token.createdAt)}
        {token.createdBy && (
          <span className="small muted" style={{ display: 'block' }}>
            by {token.createdBy.displayName ?? token.createdBy.email}
          </span>
        )}
      </>
    ),
  },
  {
    header: 'Last used',
    cell: (token) =>
      token.lastUsedAt ? (
        <time dateTime={token.lastUsedAt} title={formatDateTime(token.lastUsedAt)}>
          {formatRelative(token.lastUsedAt)}
        </time>
      ) : (
        <span className="muted">Never used</span>
      ),
  },
];

/**
 * Directory provisioning (SCIM 2.0): the organization's tokens — made here, the secret shown once,
 * revoked after a confirmation — and how to point Okta or Microsoft Entra ID at the service, with
 * the attributes it reads (docs/provisioning.md, shipped with the app and linked).
 */
export function ProvisioningSection() {
  const { organization } = useOrganization();
  const api = useApi();
  const announce = useAnnounce();
  const scimUrl = apiUrl(api, '/scim/v2');
  const [{ data, error }, refresh] = useLiveQuery({
    query: WebProvisioningTokensDocument,
    variables: { id: organization.id },
  });
  const [pending, setPending] = useState<Pending | null>(null);
  const [, revoke] = useMutation(WebRevokeProvisioningTokenDocument);
  const tokens = data?.organization?.provisioningTokens;
  return (
    <section aria-labelledby="section-heading">
      <SectionHeading lede="Let your identity provider — Okta, Microsoft Entra ID or any SCIM 2.0 directory — add, update and remove people and their workspaces, instead of inviting them one by one.">
        Directory provisioning
      </SectionHeading>
      <NewToken
        onCreated={(token, description) => {
          refresh();
          setPending({ kind: 'secret', token, description });
        }}
      />
      <ErrorMessage error={error} />
      {!tokens && !error && <Loading what="the provisioning tokens" />}
      {tokens && tokens.length === 0 && (
        <Empty>No provisioning token yet: no directory can reach {organization.name}.</Empty>
      )}
      {tokens && tokens.length > 0 && (
        <DataTable
          caption={`Provisioning tokens (${tokens.length})`}
          columns={TOKEN_COLUMNS}
          rows={tokens}
          rowKey={(token) => token.id}
          actions={(token) => (
            <RowMenu
              label={`Actions for the token ${tokenName(token)}`}
              items={[{ label: 'Revoke token…', danger: true, onSelect: () => setPending({ kind: 'revoke', token }) }]}
            />
          )}
        >
          <p className="table-footer muted">
            <span>
              A revoked token leaves this list and stops working at once; the{' '}
              <Link to={withSearch({ action: 'PROVISIONING_TOKEN_REVOKED' }, auditBase(organization.id))}>
                audit log
              </Link>{' '}
              keeps who revoked it and when. “Last used” is to the minute.
            </span>
          </p>
        </DataTable>
      )}
      <ConnectGuide scimUrl={scimUrl} />
      {pending?.kind === 'secret' && (
        <Dialog
          title="Token created: copy it now"
          onClose={() => setPending(null)}
          footer={
            <Button variant="primary" onClick={() => setPending(null)}>
              I have copied the token
            </Button>
          }
        >
          <Callout tone="warning" title="You will not see it again">
            <p>
              Paste it into your directory now — Okta calls it the Bearer token, Microsoft Entra ID the Secret Token.
              The service keeps only a fingerprint of it: if it is lost, create another token and revoke this one.
            </p>
          </Callout>
          <CopyField
            label="Secret token"
            value={pending.token}
            hint={`For ${pending.description || 'your directory'}`}
          />
          <CopyField label="SCIM base URL" value={scimUrl} />
        </Dialog>
      )}
      {pending?.kind === 'revoke' && (
        <ConfirmDialog
          title={`Revoke the token ${tokenName(pending.token)}?`}
          confirmLabel="Revoke token"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            const done = await revoke({ id: pending.token.id });
            if (done.error) return done.error;
            announce(
              `The token ${tokenName(pending.token)} was revoked: the directory using it is refused from its next request.`,
            );
            refresh();
            return null;
          }}
        >
          <p>
            The directory that uses it is refused from its next request (HTTP 401) and stops provisioning. The people
            and workspaces it provisioned stay as they are.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

const auditBase = (organizationId: string) =>
  new URL(organizationPath(organizationId, 'audit-log'), window.location.href);

function NewToken(props: { onCreated: (token: string, description: string) => void }) {
  const { organization } = useOrganization();
  const announce = useAnnounce();
  const [description, setDescription] = useState('');
  const [result, create] = useMutation(WebCreateProvisioningTokenDocument);
  const errors = fieldErrors(result.error, { description: 'Description' });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await create({
      input: { organizationId: organization.id, description: description.trim() === '' ? null : description },
    });
    if (done.data) {
      const made = done.data.createProvisioningToken;
      announce(`Token ${tokenName(made.provisioningToken)} created. Copy it now: it is shown only once.`);
      setDescription('');
      props.onCreated(made.token, made.provisioningToken.description ?? '');
    }
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="new-token-heading">
      <h3 id="new-token-heading">New token</h3>
      <TextField
        label="Description"
        hint="Which directory will use it, e.g. Okta or Entra ID production."
        value={description}
        maxLength={200}
        onChange={(e) => setDescription(e.target.value)}
        error={errors.byField.description}
      />
      <ErrorMessage error={errors.others} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={result.fetching}>
          Create token
        </Button>
      </div>
    </form>
  );
}

/** What docs/provisioning.md says of connecting a directory, in brief. */
function ConnectGuide(props: { scimUrl: string }) {
  return (
    <section aria-labelledby="connect-heading" className="stack">
      <h3 id="connect-heading">Connect your directory</h3>
      <CopyField
        label="SCIM base URL"
        value={props.scimUrl}
        hint="Okta calls it the SCIM connector base URL, Entra ID the Tenant URL."
      />
      <div className="grid">
        <article className="card stack-sm" aria-labelledby="okta-heading">
          <h4 id="okta-heading">Okta</h4>
          <ol className="steps">
            <li>
              In your app (the “SCIM 2.0 Test App (OAuth Bearer Token)” or your own), open{' '}
              <strong>Provisioning → Integration</strong>.
            </li>
            <li>SCIM connector base URL: the URL above. Unique identifier field for users: userName.</li>
            <li>
              Authentication Mode: <strong>HTTP Header</strong>; the token as the <strong>Bearer</strong> token.
            </li>
            <li>Enable Push New Users, Push Profile Updates and Push Groups.</li>
          </ol>
        </article>
        <article className="card stack-sm" aria-labelledby="entra-heading">
          <h4 id="entra-heading">Microsoft Entra ID</h4>
          <ol className="steps">
            <li>
              In the enterprise application, open <strong>Provisioning</strong> and choose Automatic.
            </li>
            <li>Tenant URL: the URL above.</li>
            <li>
              <strong>Secret Token</strong>: the token.
            </li>
            <li>
              <strong>Test Connection</strong>, then Save.
            </li>
          </ol>
        </article>
      </div>
      <div className="table-wrap">
        <table className="data-table mapping">
          <caption>
            Attributes the service reads
            <span className="muted small" style={{ display: 'block', fontWeight: 'normal' }}>
              Both directories map them by default, except roles. Any other attribute is accepted and kept, not used.
            </span>
          </caption>
          <thead>
            <tr>
              <th scope="col">SCIM attribute</th>
              <th scope="col">Okta</th>
              <th scope="col">Entra ID</th>
              <th scope="col">Meaning here</th>
            </tr>
          </thead>
          <tbody>
            {MAPPING.map(([attribute, okta, entra, meaning]) => (
              <tr key={attribute}>
                <td className="primary-cell mono">{attribute}</td>
                <td data-label="Okta">{okta}</td>
                <td data-label="Entra ID">{entra}</td>
                <td data-label="Meaning here">{meaning}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="stack-sm">
        <li>
          Someone who has already signed in with that verified address becomes a member at once, with the
          directory&apos;s role. Someone who has not appears among the pending invitations, marked{' '}
          <Badge tone="info">Managed by your directory</Badge>: no email is sent, a seat is held, and they join at their
          first sign-in with that address.
        </li>
        <li>
          Groups become workspaces of the same name; their members become the workspaces&apos; Members. Deactivating or
          deleting a person removes their membership with everything under it; reactivating restores it. The last Admin
          cannot be deprovisioned.
        </li>
        <li>Not offered: bulk requests, sorting, ETags, /Me and password changes.</li>
      </ul>
      <p>
        <a href={guideUrl} target="_blank" rel="noreferrer">
          The provisioning guide (opens in a new tab)
        </a>{' '}
        has the details: filters, PATCH, errors and what each directory sends.
      </p>
    </section>
  );
}

const MAPPING: readonly [string, string, string, string][] = [
  [
    'userName',
    'user.email',
    'userPrincipalName (map mail if UPNs are not addresses)',
    'The work email they sign in with; unique, required',
  ],
  [
    'name.givenName, name.familyName, displayName',
    'first, last name',
    'givenName, surname, displayName',
    'The name in members lists',
  ],
  ['emails[type eq "work"].value', 'user.email', 'mail', 'Kept; filterable'],
  ['externalId', '—', 'objectId', "The directory's id; filterable"],
  [
    'active',
    '(assignment)',
    'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
    'false removes the membership, true restores it',
  ],
  [
    'roles[primary eq "True"].value',
    'a custom attribute',
    'SingleAppRoleAssignment([appRoleAssignments])',
    'ADMIN, ACCOUNTING or MEMBER; Member when not sent',
  ],
];
