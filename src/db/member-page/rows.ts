import { Membership } from '../../../entities/membership.entity';
import { User } from '../../../entities/user.entity';
import type { Role, ScopeKind } from '../../domain/enums';
import { fromSqlDateTime, toCount } from '../sql';
import { inOrder } from './order';
import type { MemberFilter, MemberPage, MemberPageRow } from './types';

/** The rows of the members statements: the columns they select, and the pages made of what they return. */

export const COLUMNS =
  'm.id, m.user_id, m.scope, m.scope_id, m.role, m.organization_id, m.workspace_id, m.domain_id, m.created_at, m.updated_at, ' +
  'm.unnamed, m.name_key, m.email_key, m.expires_at, m.provisioned, m.custom_role_id';
export const USER_COLUMNS =
  'u.email AS user_email, u.email_verified AS user_email_verified, u.display_name AS user_display_name, ' +
  'u.created_at AS user_created_at, u.updated_at AS user_updated_at';

/** Turns a raw row into the entity (raw SQL skips TypeORM's hydration on purpose: it is the hot path). */
export function membershipFromRow(row: Record<string, unknown>): Membership {
  return Object.assign(new Membership(), {
    id: row.id as string,
    userId: row.user_id as string,
    scope: row.scope as ScopeKind,
    scopeId: row.scope_id as string,
    role: row.role as Role,
    organizationId: row.organization_id as string,
    workspaceId: (row.workspace_id as string | null) ?? null,
    domainId: (row.domain_id as string | null) ?? null,
    createdAt: fromSqlDateTime(row.created_at as Date | string),
    updatedAt: fromSqlDateTime(row.updated_at as Date | string),
    unnamed: Boolean(row.unnamed),
    nameKey: (row.name_key as string | null) ?? '',
    emailKey: (row.email_key as string | null) ?? '',
    expiresAt: row.expires_at ? fromSqlDateTime(row.expires_at as Date | string) : null,
    provisioned: Boolean(row.provisioned),
    customRoleId: (row.custom_role_id as string | null) ?? null,
  });
}

function userFromRow(row: Record<string, unknown>): User {
  return Object.assign(new User(), {
    id: row.user_id as string,
    email: row.user_email as string,
    emailVerified: Boolean(row.user_email_verified),
    displayName: (row.user_display_name as string | null) ?? null,
    createdAt: fromSqlDateTime(row.user_created_at as Date | string),
    updatedAt: fromSqlDateTime(row.user_updated_at as Date | string),
  });
}

export function pagesFrom(
  rows: Record<string, unknown>[],
  scopeIds: readonly string[],
  filter: MemberFilter,
  totals: Map<string, number> | null,
): Map<string, MemberPage> {
  const byScope = new Map<string, { rows: MemberPageRow[]; total: number | null }>();
  for (const row of rows) {
    const membership: MemberPageRow = Object.assign(membershipFromRow(row), { user: userFromRow(row) });
    const entry = byScope.get(membership.scopeId) ?? {
      rows: [],
      total: totals ? (totals.get(membership.scopeId) ?? 0) : filter.withCount ? toCount(row.total_count) : null,
    };
    entry.rows.push(membership);
    byScope.set(membership.scopeId, entry);
  }
  const pages = new Map<string, MemberPage>();
  for (const scopeId of scopeIds) {
    const entry = byScope.get(scopeId);
    const list = inOrder(entry?.rows ?? [], filter.order);
    // An empty page of a branch carries no total: `totalCount` then asks the count loader.
    const total = totals ? (totals.get(scopeId) ?? 0) : (entry?.total ?? null);
    pages.set(scopeId, {
      rows: list.slice(0, filter.first),
      hasNextPage: list.length > filter.first,
      total,
      totalIsLowerBound: false,
    });
  }
  return pages;
}
