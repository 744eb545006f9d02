import { useState } from 'react';
import { useQuery } from 'urql';
import { WebInvitableCustomRolesDocument } from '../generated';
import { endOfDay, todayInput } from '../format';
import {
  acceptedAt,
  choiceOf,
  customRoleDescription,
  heldRoleName,
  ROLE_LABEL,
  type RoleChoice,
  roleDescription,
  roleInput,
  sortRoles,
} from '../roles';
import { Checkbox, RadioCards, TextField } from '../ui/fields';
import { type ScopeView, useOrganization } from '../organization-context';

/**
 * What is given when someone is let into a scope, by invitation or by approving their request:
 * a role (those the viewer may give there; custom roles only where they are its Admin,
 * docs/domain-rules.md §18) and an optional last day of access.
 */
export function useGrantChoice(scope: ScopeView | null) {
  const { organization } = useOrganization();
  const roles = sortRoles(scope?.invitableRoles ?? []);
  const givesCustom = scope?.viewerRole === 'ADMIN' && roles.length > 0;
  const [customResult] = useQuery({
    query: WebInvitableCustomRolesDocument,
    variables: { id: organization.id },
    pause: !givesCustom,
  });
  const customRoles =
    givesCustom && scope ? acceptedAt(scope.kind, customResult.data?.organization?.customRoles ?? []) : [];
  const [choice, setChoice] = useState<RoleChoice>(roles.includes('MEMBER') ? 'MEMBER' : (roles[0] ?? 'MEMBER'));
  const { role, customRoleId } = roleInput(choice, customRoles);
  const [limited, setLimited] = useState(false);
  const [until, setUntil] = useState(todayInput(30));
  return {
    scope,
    roles,
    customRoles,
    choice,
    setChoice,
    role,
    customRoleId,
    roleName: heldRoleName(
      role,
      customRoles.find((r) => r.id === customRoleId),
    ),
    limited,
    setLimited,
    until,
    setUntil,
    /** The end of the last day chosen, or null for lasting access. */
    accessExpiresAt: limited ? endOfDay(until) : null,
  };
}

export type GrantChoice = ReturnType<typeof useGrantChoice>;

/** The role cards and the "access ends on a set day" choice of a grant. */
export function GrantFields(props: { grant: GrantChoice; name: string }) {
  const { grant } = props;
  const kind = grant.scope?.kind ?? 'ORGANIZATION';
  return (
    <>
      <RadioCards<RoleChoice>
        legend="Role"
        name={props.name}
        value={grant.choice}
        onChange={grant.setChoice}
        choices={[
          ...grant.roles.map((r) => ({ value: r, label: ROLE_LABEL[r], description: roleDescription(r, kind) })),
          ...grant.customRoles.map((r) => ({
            value: choiceOf(r.baseRole, r),
            label: r.name,
            description: customRoleDescription(r),
          })),
        ]}
      />
      <Checkbox
        label="Access ends on a set day"
        hint="For a contractor or a guest: the membership ends by itself."
        checked={grant.limited}
        onChange={(e) => grant.setLimited(e.target.checked)}
      />
      {grant.limited && (
        <TextField
          label="Access until (the last day included)"
          type="date"
          required
          min={todayInput()}
          value={grant.until}
          onChange={(e) => grant.setUntil(e.target.value)}
          className="field-inline"
        />
      )}
    </>
  );
}
