import { CustomRole } from '../../entities/custom-role.entity';
import type { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import type { Role } from '../domain/enums';
import { COLUMNS, membershipFromRow, pagesFrom } from './member-page/rows';
import { memberPageStatement } from './member-page/statements';
import type { MemberPage, MemberPageKey } from './member-page/types';
import { fromSqlDateTime, placeholders } from './sql';

/**
 * The viewer's memberships as the permission table reads them — each with its organization (the
 * sign-in policy is columns of it, docs/domain-rules.md §20) and its custom role (§18) joined in —
 * in plain SQL made into entities by hand (TypeORM's hydration was a tenth of a small request's
 * time). And the same rows with a members page, in ONE statement: what a request whose first need
 * is a members page reads before anything is decided (the rules decide from these memberships
 * exactly as from the loader's; the page is handed to the resolver only if they allow it).
 */

/** A membership with what came with it: its organization and its custom role, if any. */
export interface HeldMembership {
  membership: Membership;
  organization: Organization;
  customRole: CustomRole | null;
}

const HELD_COLUMNS =
  'o.name AS o_name, o.seat_limit AS o_seat_limit, o.version AS o_version, o.require_sso AS o_require_sso, ' +
  'o.sso_connection AS o_sso_connection, o.require_mfa AS o_require_mfa, o.break_glass AS o_break_glass, ' +
  'o.sign_in_policy_updated_at AS o_policy_at, o.created_at AS o_created_at, o.updated_at AS o_updated_at, ' +
  'r.name AS r_name, r.name_key AS r_name_key, r.description AS r_description, r.base_role AS r_base_role, ' +
  'r.keys AS r_keys, r.created_at AS r_created_at, r.updated_at AS r_updated_at';
const HELD_FROM =
  'FROM memberships m JOIN organizations o ON o.id = m.organization_id LEFT JOIN custom_roles r ON r.id = m.custom_role_id';
/** The members page's own columns (beside the membership's), NULL in a held membership's row. */
const PAGE_ONLY = ['user_email', 'user_email_verified', 'user_display_name', 'user_created_at', 'user_updated_at'];

/** The memberships of these people, with their organizations and custom roles. */
export function heldMembershipsStatement(userIds: readonly string[]): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT ${COLUMNS}, ${HELD_COLUMNS} ${HELD_FROM} WHERE m.user_id IN (${placeholders(userIds.length)})`,
    params: [...userIds],
  };
}

const date = (value: unknown) => fromSqlDateTime(value as Date | string);
const flag = (value: unknown) => value === true || Number(value) === 1;

/** A row of {@link heldMembershipsStatement} made into entities, in (created_at, id) order. */
export function heldMembershipsFrom(rows: Record<string, unknown>[]): HeldMembership[] {
  const held = rows.map((row) => {
    const membership = membershipFromRow(row);
    const organization = Object.assign(new Organization(), {
      id: membership.organizationId,
      name: row.o_name as string,
      seatLimit: row.o_seat_limit === null ? null : Number(row.o_seat_limit),
      version: Number(row.o_version),
      requireSso: flag(row.o_require_sso),
      ssoConnection: (row.o_sso_connection as string | null) ?? null,
      requireMfa: flag(row.o_require_mfa),
      breakGlass: (row.o_break_glass as string | null) ?? null,
      signInPolicyUpdatedAt: row.o_policy_at ? date(row.o_policy_at) : null,
      createdAt: date(row.o_created_at),
      updatedAt: date(row.o_updated_at),
    });
    const customRole = membership.customRoleId
      ? Object.assign(new CustomRole(), {
          id: membership.customRoleId,
          organizationId: membership.organizationId,
          name: row.r_name as string,
          nameKey: row.r_name_key as string,
          description: (row.r_description as string | null) ?? null,
          baseRole: row.r_base_role as Role,
          keys: row.r_keys as string,
          createdAt: date(row.r_created_at),
          updatedAt: date(row.r_updated_at),
        })
      : null;
    return { membership, organization, customRole };
  });
  const time = (h: HeldMembership) => h.membership.createdAt.getTime();
  return held.sort((a, b) => time(a) - time(b) || (a.membership.id < b.membership.id ? -1 : 1));
}

/**
 * One person's memberships and one members page, in one statement: the held memberships' rows
 * (`row_kind` 'h') UNION ALL the page's (`row_kind` 'p'), each with NULL in the other's columns.
 */
export function heldWithPageStatement(userId: string, key: MemberPageKey): { sql: string; params: unknown[] } {
  const page = memberPageStatement([key.scopeId], key);
  const held = HELD_COLUMNS.split(', ').map((c) => `NULL AS ${c.split(' AS ')[1]}`);
  return {
    sql:
      `SELECT 'h' AS row_kind, ${COLUMNS}, ${PAGE_ONLY.map((c) => `NULL AS ${c}`).join(', ')}, NULL AS total_count, ` +
      `${HELD_COLUMNS} ${HELD_FROM} WHERE m.user_id = ? UNION ALL ` +
      `SELECT 'p', p.*${key.withCount ? '' : ', NULL'}, ${held.join(', ')} FROM (${page.sql}) AS p`,
    params: [userId, ...page.params],
  };
}

/** What {@link heldWithPageStatement} returned: the memberships, and the page. */
export function heldWithPageFrom(
  rows: Record<string, unknown>[],
  key: MemberPageKey,
): { held: HeldMembership[]; page: MemberPage } {
  const held = heldMembershipsFrom(rows.filter((row) => row.row_kind === 'h'));
  const pageRows = rows.filter((row) => row.row_kind === 'p');
  const page = pagesFrom(pageRows, [key.scopeId], key, null).get(key.scopeId) as MemberPage;
  return { held, page };
}
