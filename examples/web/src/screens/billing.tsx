import { type FormEvent, useEffect, useState } from 'react';
import { type CombinedError, useMutation } from 'urql';
import { ErrorMessage, fieldErrors } from '../errors';
import {
  type BillingProfileInput,
  type WorkspaceBillingInput,
  WebBillingDocument,
  WebUpdateBillingProfileDocument,
  WebUpdateSeatLimitDocument,
  WebUpdateWorkspaceBillingDocument,
} from '../generated';
import { formatDateTime } from '../format';
import { useLiveQuery } from '../live';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { InlineForm } from '../ui/inline-form';
import { TextField } from '../ui/fields';
import { Loading } from '../ui/misc';
import { SeatMeter } from '../ui/person';
import { SectionHeading, useOrganization } from '../organization-context';

type FieldSpec<K extends string> = { key: K; label: string; hint?: string; type?: string; autoComplete?: string };

const PROFILE_FIELDS: FieldSpec<keyof BillingProfileInput>[] = [
  { key: 'legalName', label: 'Legal name', autoComplete: 'organization' },
  { key: 'billingEmail', label: 'Billing email', type: 'email', hint: 'Where invoices go.' },
  { key: 'addressLine1', label: 'Address', autoComplete: 'address-line1' },
  { key: 'addressLine2', label: 'Address (second line)', autoComplete: 'address-line2' },
  { key: 'postalCode', label: 'Postal code', autoComplete: 'postal-code' },
  { key: 'city', label: 'City', autoComplete: 'address-level2' },
  { key: 'country', label: 'Country', hint: 'Two-letter ISO code, e.g. FR or US.', autoComplete: 'country' },
  { key: 'vatNumber', label: 'VAT number', hint: 'Spaces, dots and dashes are dropped.' },
];
const WORKSPACE_FIELDS: FieldSpec<keyof WorkspaceBillingInput>[] = [
  { key: 'billingEmail', label: 'Billing email', type: 'email' },
  { key: 'purchaseOrderNumber', label: 'Purchase order number' },
  { key: 'costCenter', label: 'Cost center' },
];

/** Seats and invoicing details, for Admins and Accounting (ACCOUNTING edits; MEMBERs never get here). */
export function BillingSection() {
  const { organization } = useOrganization();
  const [{ data, error }, refresh] = useLiveQuery({ query: WebBillingDocument, variables: { id: organization.id } });
  const billing = data?.organization;
  return (
    <section aria-labelledby="section-heading">
      <SectionHeading lede="Seats and the details printed on invoices.">Billing &amp; seats</SectionHeading>
      <ErrorMessage error={error} />
      {!billing && !error && <Loading />}
      {billing && (
        <>
          <SeatsCard
            used={billing.seatsUsed}
            limit={billing.seatLimit}
            editable={billing.viewerPermissions.includes('UPDATE_BILLING')}
            onSaved={refresh}
          />
          {billing.viewerPermissions.includes('READ_BILLING') && (
            <OrganizationBillingForm
              id={organization.id}
              values={billing.billingProfile ?? {}}
              editable={billing.viewerPermissions.includes('UPDATE_BILLING')}
            />
          )}
          {billing.workspaces
            .filter((w) => w.viewerPermissions.includes('READ_BILLING'))
            .map((workspace) => (
              <WorkspaceBillingForm
                key={workspace.id}
                id={workspace.id}
                name={workspace.name}
                values={workspace.billing ?? {}}
                editable={workspace.viewerPermissions.includes('UPDATE_BILLING')}
              />
            ))}
        </>
      )}
    </section>
  );
}

function WorkspaceBillingForm(props: {
  id: string;
  name: string;
  values: Partial<Record<string, unknown>>;
  editable: boolean;
}) {
  const [result, save] = useMutation(WebUpdateWorkspaceBillingDocument);
  return (
    <BillingForm
      title={`Workspace ${props.name}`}
      saveLabel={`Save billing details of ${props.name}`}
      fields={WORKSPACE_FIELDS}
      values={props.values}
      editable={props.editable}
      save={{
        result,
        run: async (input) => {
          const done = await save({ workspaceId: props.id, input });
          return done.data ? (done.data.updateWorkspaceBilling as Record<string, unknown>) : null;
        },
      }}
    />
  );
}

function OrganizationBillingForm(props: { id: string; values: Partial<Record<string, unknown>>; editable: boolean }) {
  const [result, save] = useMutation(WebUpdateBillingProfileDocument);
  return (
    <BillingForm
      title="Organization billing details"
      saveLabel="Save billing details"
      fields={PROFILE_FIELDS}
      values={props.values}
      editable={props.editable}
      save={{
        result,
        run: async (input) => {
          const done = await save({ organizationId: props.id, input });
          return done.data ? (done.data.updateBillingProfile as Record<string, unknown>) : null;
        },
      }}
    />
  );
}

/** "N of M seats used", and the limit for those who may set it. */
function SeatsCard(props: { used: number; limit: number | null | undefined; editable: boolean; onSaved: () => void }) {
  const { organization, refresh } = useOrganization();
  const announce = useAnnounce();
  const [value, setValue] = useState(props.limit?.toString() ?? '');
  const [result, save] = useMutation(WebUpdateSeatLimitDocument);
  const errors = fieldErrors(result.error, { seatLimit: 'Seat limit' });
  const apply = async (seatLimit: number | null) => {
    const done = await save({ organizationId: organization.id, seatLimit });
    if (done.data) {
      const saved = done.data.updateSeatLimit;
      setValue(saved.seatLimit?.toString() ?? '');
      announce(
        saved.seatLimit === null || saved.seatLimit === undefined
          ? 'The seat limit was removed.'
          : `The seat limit is now ${saved.seatLimit}: ${saved.seatsUsed} of ${saved.seatLimit} seats used.`,
      );
      refresh();
      props.onSaved();
    }
  };
  const submit = () => apply(value.trim() === '' ? null : Number(value));
  return (
    <div className="card" role="group" aria-labelledby="seats-heading">
      <div className="card-header">
        <h3 id="seats-heading">Seats</h3>
        <SeatMeter used={props.used} limit={props.limit} />
      </div>
      <p className="small muted">
        Seats count the organization&apos;s members and the people invited who have not joined yet.
      </p>
      {props.editable && (
        <InlineForm
          style={{ marginBottom: 0 }}
          field={{
            label: 'Seat limit',
            hint: 'Empty for no limit. Lowering it removes nobody; new people are refused until seats free up.',
            type: 'number',
            min: 0,
            step: 1,
            inputMode: 'numeric',
            error: errors.byField.seatLimit,
          }}
          value={value}
          onChange={setValue}
          submitLabel="Save seat limit"
          primary
          busy={result.fetching}
          error={errors.others}
          onSubmit={submit}
        >
          {props.limit !== null && props.limit !== undefined && (
            <Button onClick={() => void apply(null)} disabled={result.fetching}>
              Remove the limit
            </Button>
          )}
        </InlineForm>
      )}
    </div>
  );
}

/**
 * A billing form: each field's error next to it (the server's BAD_USER_INPUT names the field),
 * and after saving, the values as the server kept them (trimmed, upper-cased, compacted).
 */
function BillingForm<K extends string>(props: {
  title: string;
  saveLabel: string;
  fields: FieldSpec<K>[];
  values: Partial<Record<string, unknown>>;
  editable: boolean;
  save: {
    result: { error?: CombinedError; fetching: boolean };
    run: (input: Record<string, string | null>) => Promise<Record<string, unknown> | null>;
  };
}) {
  const announce = useAnnounce();
  const fromServer = (values: Partial<Record<string, unknown>>) =>
    Object.fromEntries(props.fields.map(({ key }) => [key, (values[key] as string | null | undefined) ?? '']));
  const [values, setValues] = useState<Record<string, string>>(fromServer(props.values));
  const [dirty, setDirty] = useState(false);
  const [updatedAt, setUpdatedAt] = useState(props.values.updatedAt as string | null | undefined);
  // Someone else saved meanwhile: show their values, unless this form holds unsaved edits.
  const serverUpdatedAt = props.values.updatedAt as string | null | undefined;
  useEffect(() => {
    if (!dirty && serverUpdatedAt !== updatedAt) {
      setValues(fromServer(props.values));
      setUpdatedAt(serverUpdatedAt);
    }
  }, [serverUpdatedAt]);
  const labels = Object.fromEntries(props.fields.map(({ key, label }) => [key, label]));
  const errors = fieldErrors(props.save.result.error, labels);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim() === '' ? null : v]));
    const saved = await props.save.run(input);
    if (saved) {
      setValues(fromServer(saved));
      setUpdatedAt(saved.updatedAt as string | null);
      setDirty(false);
      announce(`${props.title}: saved.`);
    }
  };
  const headingId = `billing-${props.title.replace(/\W+/g, '-')}`;
  return (
    <form onSubmit={submit} className="card" aria-labelledby={headingId} noValidate>
      <div className="card-header">
        <h3 id={headingId}>{props.title}</h3>
        {updatedAt && <span className="small muted">Last saved {formatDateTime(updatedAt)}</span>}
      </div>
      <div className="form-grid">
        {props.fields.map(({ key, label, hint, type, autoComplete }) => (
          <TextField
            key={key}
            label={label}
            hint={hint}
            type={type ?? 'text'}
            autoComplete={autoComplete}
            value={values[key]}
            readOnly={!props.editable}
            error={errors.byField[key]}
            onChange={(e) => {
              setValues({ ...values, [key]: e.target.value });
              setDirty(true);
            }}
          />
        ))}
      </div>
      <ErrorMessage error={errors.others} />
      {props.editable && (
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={props.save.result.fetching}>
            {props.saveLabel}
          </Button>
          {dirty && <span className="small muted">Unsaved changes</span>}
        </div>
      )}
    </form>
  );
}
