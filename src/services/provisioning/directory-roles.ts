import type { EntityManager } from 'typeorm';
import { CustomRole } from '../../../entities/custom-role.entity';
import { Role, type ScopeKind } from '../../domain/enums';
import { BadUserInputError } from '../../domain/errors';
import { assertHeldAt } from '../roles/custom-roles.service';

/**
 * The roles a directory names (docs/domain-rules.md §15, §18): a User's `roles` value, or the role a
 * Group gives its members. A built-in role by its name, or one of the organization's custom roles by
 * its name (case-insensitive, as names are unique) or its id — held under the same rule as when the
 * GraphQL API gives it (`assertHeldAt`). The directory's token is made by an organization ADMIN
 * (MANAGE_PROVISIONING), an effective ADMIN of every scope of the organization, so it may give any
 * of them. An unknown value, another organization's role and a role the scope does not accept are
 * all BAD_USER_INPUT on `field`, worded alike: an answer never tells another organization's roles.
 */

/** A role as the directory gives it: the built-in role, and the custom role when one was named. */
export interface DirectoryRole {
  role: Role;
  customRole: CustomRole | null;
}

const BUILT_IN = new Set<string>([Role.ADMIN, Role.ACCOUNTING, Role.MEMBER]);

/** Whether a value names a built-in role (which a custom role of the same name never shadows). */
export function builtInRole(value: string): Role | null {
  const upper = value.trim().toUpperCase();
  return BUILT_IN.has(upper) ? (upper as Role) : null;
}

/**
 * Reads a role value in the organization, for a scope of `kind`, inside the organization's lock:
 * null or empty is MEMBER.
 */
export async function directoryRole(
  em: EntityManager,
  organizationId: string,
  value: string | null,
  kind: ScopeKind,
  field: string,
): Promise<DirectoryRole> {
  if (value === null || value.trim() === '') return { role: Role.MEMBER, customRole: null };
  const builtIn = builtInRole(value);
  if (builtIn) return { role: builtIn, customRole: null };
  const text = value.normalize('NFC').trim();
  const found =
    (await em.findOneBy(CustomRole, { organizationId, nameKey: text.toLowerCase() })) ??
    (text.length <= 36 ? await em.findOneBy(CustomRole, { organizationId, id: text }) : null);
  if (!found) {
    throw new BadUserInputError(
      `${field}: ${JSON.stringify(text.slice(0, 64))} is not a role of this organization (ADMIN, ACCOUNTING, MEMBER or one of its custom roles).`,
      field,
    );
  }
  const customRole = assertHeldAt(found, organizationId, kind, field);
  return { role: customRole.baseRole, customRole };
}

/** The names of custom roles of the organization, by id (for the resources that show them). */
export async function customRoleNames(
  db: Pick<EntityManager, 'query'>,
  organizationId: string,
  ids: readonly (string | null)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows: { id: string; name: string }[] = await db.query(
    `SELECT id, name FROM custom_roles WHERE organization_id = ? AND id IN (${wanted.map(() => '?').join(', ')})`,
    [organizationId, ...wanted],
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}
