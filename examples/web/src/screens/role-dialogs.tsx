import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { ErrorMessage, fieldErrors } from '../errors';
import {
  type ScopeKind,
  type WebCustomRoleFragment,
  type WebCustomRolesQuery,
  WebCreateCustomRoleDocument,
  WebDeleteCustomRoleDocument,
  WebUpdateCustomRoleDocument,
} from '../generated';
import { plural } from '../format';
import { keyLabel, ROLE_LABEL, SCOPE_KINDS } from '../roles';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { ConfirmDialog, Dialog } from '../ui/dialog';
import { Checkbox, RadioCards, TextareaField, TextField } from '../ui/fields';
import { Callout } from '../ui/misc';
import { RoleBadge } from '../ui/person';
import { useOrganization } from '../organization-context';

type Definition = WebCustomRolesQuery['permissions'][number];
type Base = 'MEMBER' | 'ACCOUNTING';

/** Each kind's fieldset: what it is called and where its permissions apply. */
const KIND_FIELDSET: Record<ScopeKind, [legend: string, hint: string]> = {
  ORGANIZATION: ['Organization permissions', 'In the organization, where the role is held there.'],
  WORKSPACE: [
    'Workspace permissions',
    'In a workspace where the role is held, and in every workspace when it is held at the organization.',
  ],
  DOMAIN: [
    'Domain permissions',
    'In a domain where the role is held, and in every domain below the workspace or organization where it is.',
  ],
};

const BASES: { value: Base; label: string; description: string }[] = [
  {
    value: 'MEMBER',
    label: ROLE_LABEL.MEMBER,
    description: 'Holders see the scope and its members, plus the permissions below. Held at any scope.',
  },
  {
    value: 'ACCOUNTING',
    label: ROLE_LABEL.ACCOUNTING,
    description: 'Holders read and edit billing, plus the permissions below. Held at the organization only.',
  },
];

const keysOf = (role: WebCustomRoleFragment | null) =>
  Object.fromEntries(
    SCOPE_KINDS.map((kind) => [kind, role?.grants.find((g) => g.scope === kind)?.keys ?? []]),
  ) as Record<ScopeKind, string[]>;

/**
 * A custom role made or edited: its name, description, base role (chosen once, when it is made)
 * and, per scope kind, the keys it adds — each key offered where `Query.permissions` says it
 * exists, built-in ones by what they allow, declared ones by the operator's description.
 */
export function RoleEditorDialog(props: {
  role: WebCustomRoleFragment | null;
  definitions: readonly Definition[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { role, definitions } = props;
  const { organization } = useOrganization();
  const announce = useAnnounce();
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [base, setBase] = useState<Base>(role?.baseRole === 'ACCOUNTING' ? 'ACCOUNTING' : 'MEMBER');
  const [keys, setKeys] = useState(keysOf(role));
  const [created, create] = useMutation(WebCreateCustomRoleDocument);
  const [updated, update] = useMutation(WebUpdateCustomRoleDocument);
  const result = role ? updated : created;
  const errors = fieldErrors(result.error, {
    name: 'Name',
    description: 'Description',
    baseRole: 'Based on',
    grants: 'Permissions',
  });
  const toggle = (kind: ScopeKind, key: string, on: boolean) =>
    setKeys((current) => {
      const chosen = new Set(current[kind]);
      if (on) chosen.add(key);
      else chosen.delete(key);
      // The order of Query.permissions, whatever the order of the clicks.
      return { ...current, [kind]: definitions.map((d) => d.key).filter((k) => chosen.has(k)) };
    });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const grants = SCOPE_KINDS.filter((kind) => keys[kind].length > 0).map((kind) => ({
      scope: kind,
      keys: keys[kind],
    }));
    const text = description.trim() === '' ? null : description;
    const done = role
      ? await update({ id: role.id, input: { name, description: text, grants } })
      : await create(
          { input: { organizationId: organization.id, name, description: text, baseRole: base, grants } },
          { additionalTypenames: ['CustomRole'] },
        );
    if (done.data) {
      announce(role ? `The role ${name.trim()} was saved.` : `The role ${name.trim()} was created.`);
      props.onSaved();
      props.onClose();
    }
  };
  return (
    <Dialog
      title={role ? `Edit the role ${role.name}` : 'New role'}
      onClose={props.onClose}
      busy={result.fetching}
      onSubmit={submit}
      wide
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={result.fetching}>
            {role ? 'Save role' : 'Create role'}
          </Button>
        </>
      }
    >
      <div className="stack">
        <TextField
          label="Name"
          hint="Unique in the organization, whatever its case."
          required
          maxLength={64}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.byField.name}
        />
        <TextareaField
          label="Description (optional)"
          hint="What the role is for; shown where it is given."
          maxLength={500}
          rows={2}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={errors.byField.description}
        />
        {role ? (
          <p>
            Based on <RoleBadge role={role.baseRole} />: a role&apos;s base role stays what it was made with.
          </p>
        ) : (
          <RadioCards<Base> legend="Based on" name="base-role" value={base} onChange={setBase} choices={BASES} />
        )}
        {errors.byField.baseRole && <p className="field-error">{errors.byField.baseRole}</p>}
        <div className="grid">
          {SCOPE_KINDS.map((kind) => {
            const [legend, hint] = KIND_FIELDSET[kind];
            return (
              <fieldset key={kind} className="stack-sm" aria-describedby={`grants-${kind}-hint`}>
                <legend className="field-label">{legend}</legend>
                <span className="hint" id={`grants-${kind}-hint`}>
                  {hint}
                </span>
                {definitions
                  .filter((d) => d.scopes.includes(kind))
                  .map((d) => (
                    <Checkbox
                      key={d.key}
                      label={keyLabel(d.key, d.description)}
                      hint={<span className="key">{d.key}</span>}
                      checked={keys[kind].includes(d.key)}
                      onChange={(e) => toggle(kind, d.key, e.target.checked)}
                    />
                  ))}
              </fieldset>
            );
          })}
        </div>
        {errors.byField.grants && <p className="field-error">{errors.byField.grants}</p>}
      </div>
      <ErrorMessage error={errors.others} />
    </Dialog>
  );
}

/**
 * Deleting a role. Held, it asks where its holders go — another custom role or the role's base
 * role — and they all move with the deletion. When the list said nobody held it but someone took
 * it since, the server's ROLE_IN_USE (with `extensions.holders`) is shown and the same choice
 * appears.
 */
export function DeleteRoleDialog(props: {
  role: WebCustomRoleFragment;
  others: readonly WebCustomRoleFragment[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { role } = props;
  const announce = useAnnounce();
  const [holders, setHolders] = useState(role.holders);
  const [target, setTarget] = useState('base');
  const [, remove] = useMutation(WebDeleteCustomRoleDocument);
  const targetName = target === 'base' ? ROLE_LABEL[role.baseRole] : props.others.find((r) => r.id === target)?.name;
  return (
    <ConfirmDialog
      title={`Delete the role ${role.name}?`}
      confirmLabel={holders > 0 ? `Delete and give ${targetName}` : 'Delete role'}
      onClose={props.onClose}
      onConfirm={async () => {
        const done = await remove(
          { id: role.id, reassign: holders > 0 ? { customRoleId: target === 'base' ? null : target } : null },
          { additionalTypenames: ['CustomRole', 'Member', 'Invitation'] },
        );
        if (done.error) {
          const inUse = done.error.graphQLErrors.find((e) => e.extensions?.code === 'ROLE_IN_USE');
          if (inUse) setHolders(Number(inUse.extensions.holders) || 1);
          return done.error;
        }
        announce(
          holders > 0
            ? `The role ${role.name} was deleted; its ${plural(holders, 'holder')} now ${holders === 1 ? 'holds' : 'hold'} ${targetName}.`
            : `The role ${role.name} was deleted.`,
        );
        props.onDone();
        return null;
      }}
    >
      {holders === 0 ? (
        <p>Nobody holds it. It leaves the list of roles one may give; the audit log keeps its name.</p>
      ) : (
        <>
          <Callout
            tone="warning"
            title={`${plural(holders, 'membership or pending invitation', 'memberships or pending invitations')} ${holders === 1 ? 'holds' : 'hold'} ${role.name}`}
          >
            <p>They move to the role chosen here, in the same step as the deletion.</p>
          </Callout>
          <RadioCards<string>
            legend="Give its holders"
            name="reassign"
            value={target}
            onChange={setTarget}
            choices={[
              {
                value: 'base',
                label: ROLE_LABEL[role.baseRole],
                description: `The built-in role ${role.name} is based on: without its added permissions.`,
              },
              ...props.others.map((other) => ({
                value: other.id,
                label: other.name,
                description: other.description ?? `A custom role based on ${ROLE_LABEL[other.baseRole]}.`,
              })),
            ]}
          />
        </>
      )}
    </ConfirmDialog>
  );
}
