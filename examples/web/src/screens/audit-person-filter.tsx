import { useDeferredValue } from 'react';
import { useQuery } from 'urql';
import { WebAuditPeopleDocument, type WebUserFragment } from '../generated';
import { SelectField } from '../ui/fields';
import type { ScopeView } from '../organization-context';

/**
 * The people the audit log's person filters offer: whom the scope's log names — also those who
 * have left, whom no members list shows — found on the server by a part of their name, address or
 * directory name (`auditLogPeople`), with anyone chosen already kept in the list.
 */
export function useAuditPeople(
  scope: ScopeView | undefined,
  search: string,
  named: (WebUserFragment | null | undefined)[],
): WebUserFragment[] {
  const text = useDeferredValue(search.trim());
  const [people] = useQuery({
    query: WebAuditPeopleDocument,
    variables: {
      id: scope?.id ?? '',
      isOrganization: scope?.kind === 'ORGANIZATION',
      isWorkspace: scope?.kind === 'WORKSPACE',
      isDomain: scope?.kind === 'DOMAIN',
      search: text || null,
    },
    pause: !scope,
  });
  const found = (people.data?.organization ?? people.data?.workspace ?? people.data?.domain)?.auditLogPeople ?? [];
  const known = new Map<string, WebUserFragment>(found.map((user) => [user.id, user]));
  // Whoever the events on screen name stays choosable (the one chosen, above all) whatever is typed.
  for (const user of named) if (user && !known.has(user.id)) known.set(user.id, user);
  return [...known.values()];
}

/** How a filter's option names a person: erased people have nothing left to tell them apart by, they are numbered. */
export function PersonFilter(props: {
  label: string;
  value: string;
  people: WebUserFragment[];
  onChange: (value: string) => void;
}) {
  const erased = props.people.filter((user) => user.erased);
  const chosenUnknown = props.value !== '' && !props.people.some((user) => user.id === props.value);
  return (
    <SelectField
      label={props.label}
      className="field-narrow"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    >
      <option value="">Anyone</option>
      {chosenUnknown && <option value={props.value}>The person chosen</option>}
      {props.people.map((user) => (
        <option key={user.id} value={user.id}>
          {user.erased
            ? `Erased person${erased.length > 1 ? ` ${erased.indexOf(user) + 1}` : ''}`
            : user.displayName
              ? `${user.displayName} (${user.email})`
              : user.email}
        </option>
      ))}
    </SelectField>
  );
}
