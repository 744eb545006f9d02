import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorMessage } from '../errors';
import {
  type BillingProfileInput,
  type WorkspaceBillingInput,
  WebBillingDocument,
  WebUpdateBillingProfileDocument,
  WebUpdateWorkspaceBillingDocument,
} from '../generated';

const PROFILE_FIELDS: [keyof BillingProfileInput, string][] = [
  ['legalName', 'Legal name'],
  ['billingEmail', 'Billing email'],
  ['addressLine1', 'Address'],
  ['addressLine2', 'Address (second line)'],
  ['postalCode', 'Postal code'],
  ['city', 'City'],
  ['country', 'Country (ISO code)'],
  ['vatNumber', 'VAT number'],
];
const WORKSPACE_FIELDS: [keyof WorkspaceBillingInput, string][] = [
  ['billingEmail', 'Billing email'],
  ['purchaseOrderNumber', 'Purchase order number'],
  ['costCenter', 'Cost center'],
];

/** Invoicing information of the organization and of its workspaces, for ADMIN and ACCOUNTING. */
export function Billing(props: { organizationId: string }) {
  const [{ data, error }, refetch] = useQuery({ query: WebBillingDocument, variables: { id: props.organizationId } });
  const organization = data?.organization;
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <section aria-labelledby="billing-heading">
      <h2 id="billing-heading">Billing</h2>
      <ErrorMessage error={error} />
      {organization?.viewerPermissions.includes('READ_BILLING') && (
        <BillingForm
          title="Organization invoicing"
          fields={PROFILE_FIELDS}
          values={organization.billingProfile ?? {}}
          editable={organization.viewerPermissions.includes('UPDATE_BILLING')}
          document="profile"
          targetId={organization.id}
          onSaved={reload}
        />
      )}
      {organization?.workspaces
        .filter((w) => w.viewerPermissions.includes('READ_BILLING'))
        .map((workspace) => (
          <BillingForm
            key={workspace.id}
            title={`Workspace ${workspace.name}`}
            fields={WORKSPACE_FIELDS}
            values={workspace.billing ?? {}}
            editable={workspace.viewerPermissions.includes('UPDATE_BILLING')}
            document="workspace"
            targetId={workspace.id}
            onSaved={reload}
          />
        ))}
    </section>
  );
}

function BillingForm<K extends string>(props: {
  title: string;
  fields: [K, string][];
  values: Partial<Record<K | 'updatedAt', unknown>>;
  editable: boolean;
  document: 'profile' | 'workspace';
  targetId: string;
  onSaved: () => void;
}) {
  const initial = Object.fromEntries(props.fields.map(([key]) => [key, (props.values[key] as string | null) ?? '']));
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [profileResult, saveProfile] = useMutation(WebUpdateBillingProfileDocument);
  const [workspaceResult, saveWorkspace] = useMutation(WebUpdateWorkspaceBillingDocument);
  const [saved, setSaved] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const input = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === '' ? null : v]));
    const result =
      props.document === 'profile'
        ? await saveProfile({ organizationId: props.targetId, input })
        : await saveWorkspace({ workspaceId: props.targetId, input });
    if (result.data) {
      setSaved(true);
      props.onSaved();
    }
  };
  const headingId = `billing-${props.targetId}`;
  return (
    <form onSubmit={submit} className="stack billing" aria-labelledby={headingId}>
      <h3 id={headingId}>{props.title}</h3>
      {props.fields.map(([key, label]) => (
        <label key={key}>
          {label}
          <input
            value={values[key]}
            readOnly={!props.editable}
            onChange={(e) => setValues({ ...values, [key]: e.target.value })}
          />
        </label>
      ))}
      {props.editable && <button type="submit">Save {props.title.toLowerCase()}</button>}
      {saved && <p role="status">Saved.</p>}
      <ErrorMessage error={profileResult.error ?? workspaceResult.error} />
    </form>
  );
}
