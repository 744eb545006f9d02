import { useQuery } from 'urql';
import { type Role, type ScopeKind, WebMemberFilterCustomRolesDocument } from '../generated';
import { acceptedAt, ROLE_LABEL, sortRoles } from '../roles';
import { FIRST_PAGE, updateSearch } from '../router';
import { SelectField } from '../ui/fields';

/**
 * The members list's role filter: the built-in roles the scope accepts, then the organization's
 * custom roles it accepts (read with READ_MEMBERS on the organization; without it the built-in
 * roles only). A custom role is kept in the URL as `customRole` and sent as `customRoleId`.
 */
export function RoleFilter(props: {
  scopeKind: ScopeKind;
  organizationId: string;
  mayReadMembers: boolean;
  role: Role | null;
  customRoleId: string | null;
}) {
  const { scopeKind, role, customRoleId } = props;
  const roleChoices =
    scopeKind === 'ORGANIZATION' ? sortRoles(['ADMIN', 'ACCOUNTING', 'MEMBER']) : sortRoles(['ADMIN', 'MEMBER']);
  const [customResult] = useQuery({
    query: WebMemberFilterCustomRolesDocument,
    variables: { id: props.organizationId },
    pause: !props.mayReadMembers,
  });
  const customChoices = acceptedAt(scopeKind, customResult.data?.organization?.customRoles ?? []);
  const filterValue = customRoleId ? `custom:${customRoleId}` : (role ?? '');
  const pickFilter = (value: string) =>
    value.startsWith('custom:')
      ? updateSearch({ role: null, customRole: value.slice('custom:'.length), ...FIRST_PAGE })
      : updateSearch({ role: value, customRole: null, ...FIRST_PAGE });
  return (
    <SelectField label="Role" className="field-narrow" value={filterValue} onChange={(e) => pickFilter(e.target.value)}>
      <option value="">Any role</option>
      {roleChoices.map((r) => (
        <option key={r} value={r}>
          {ROLE_LABEL[r]}
        </option>
      ))}
      {customChoices.length > 0 && (
        <optgroup label="Custom roles">
          {customChoices.map((r) => (
            <option key={r.id} value={`custom:${r.id}`}>
              {r.name}
            </option>
          ))}
        </optgroup>
      )}
    </SelectField>
  );
}
