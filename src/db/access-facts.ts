import type { DataSource } from 'typeorm';
import { Role, ScopeKind } from '../domain/enums';
import type { ScopeRef } from '../domain/scope';
import type { CustomRoleFact } from '../domain/permission-keys';
import { fromSqlDateTime, placeholders } from './sql';
import { parseBreakGlass, type SignInPolicyFact } from '../domain/sign-in-policy';

/**
 * What the supergraph's decisions read (docs/domain-rules.md §19), in ONE statement whatever the
 * number of policies, checks and scopes: the memberships of the people asked about, and the
 * scopes the asked-about ids name (with the ids of the scopes above them). Each membership comes
 * with its organization's sign-in policy (docs/domain-rules.md §20), joined in. Nothing is cached
 * across requests: a removal, a lowered role or an expiry is seen by the very next decision.
 */

/** One membership, as the permission table needs it, with its organization's sign-in policy. */
export interface MembershipRow {
  id: string;
  userId: string;
  scope: ScopeKind;
  role: Role;
  organizationId: string;
  workspaceId: string | null;
  domainId: string | null;
  expiresAt: Date | null;
  customRole: CustomRoleFact | null;
  signInPolicy: SignInPolicyFact;
}

export interface AccessFacts {
  membershipsByUser: Map<string, MembershipRow[]>;
  /** The scope each id names; ids that name none are absent. */
  scopes: Map<string, ScopeRef>;
}

const MAX_IDS = 1000;

interface Row {
  source: string;
  membership_id: string | null;
  user_id: string | null;
  scope: string;
  role: string | null;
  organization_id: string;
  workspace_id: string | null;
  domain_id: string | null;
  expires_at: Date | string | null;
  custom_role_id: string | null;
  custom_role_name: string | null;
  custom_role_keys: string | null;
  require_sso: unknown;
  sso_connection: string | null;
  require_mfa: unknown;
  break_glass: string | null;
}

/** The statement for so many people and so many ids, written once per pair of counts (at most 1001²). */
const STATEMENTS = new Map<number, string>();

function statementFor(userCount: number, idCount: number): string {
  const at = userCount * (MAX_IDS + 1) + idCount;
  let statement = STATEMENTS.get(at);
  if (statement !== undefined) return statement;
  const parts: string[] = [];
  if (userCount > 0) {
    parts.push(
      `SELECT 'm' AS source, m.id AS membership_id, m.user_id, m.scope, m.role, m.organization_id, m.workspace_id,
              m.domain_id, m.expires_at, r.id AS custom_role_id, r.name AS custom_role_name, r.keys AS custom_role_keys,
              o.require_sso, o.sso_connection, o.require_mfa, o.break_glass
         FROM memberships m JOIN organizations o ON o.id = m.organization_id
         LEFT JOIN custom_roles r ON r.id = m.custom_role_id
        WHERE m.user_id IN (${placeholders(userCount)})`,
    );
  }
  if (idCount > 0) {
    const list = placeholders(idCount);
    parts.push(
      `SELECT 's', NULL, NULL, '${ScopeKind.ORGANIZATION}', NULL, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM organizations WHERE id IN (${list})`,
      `SELECT 's', NULL, NULL, '${ScopeKind.WORKSPACE}', NULL, organization_id, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM workspaces WHERE id IN (${list})`,
      `SELECT 's', NULL, NULL, '${ScopeKind.DOMAIN}', NULL, organization_id, workspace_id, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM domains WHERE id IN (${list})`,
    );
  }
  statement = parts.join(' UNION ALL ');
  // The usual calls (a router's few ids, a check of up to 100) come back; a bounded memory of the rest.
  if (STATEMENTS.size < 2000) STATEMENTS.set(at, statement);
  return statement;
}

/** The memberships of `userIds` and the scopes `scopeIds` name, in one round trip. */
export async function readAccessFacts(
  db: DataSource,
  userIds: readonly string[],
  scopeIds: readonly string[],
): Promise<AccessFacts> {
  const users = [...new Set(userIds)].filter((id) => id.length <= 255).slice(0, MAX_IDS);
  const ids = [...new Set(scopeIds)].filter((id) => id.length <= 36).slice(0, MAX_IDS);
  const facts: AccessFacts = { membershipsByUser: new Map(users.map((id) => [id, []])), scopes: new Map() };
  if (users.length === 0 && ids.length === 0) return facts;
  const parameters = ids.length === 0 ? users : [...users, ...ids, ...ids, ...ids];
  const rows: Row[] = await db.query(statementFor(users.length, ids.length), parameters);
  for (const row of rows) {
    if (row.source === 'm') {
      facts.membershipsByUser.get(row.user_id as string)?.push({
        id: row.membership_id as string,
        userId: row.user_id as string,
        scope: row.scope as ScopeKind,
        role: row.role as Role,
        organizationId: row.organization_id,
        workspaceId: row.workspace_id,
        domainId: row.domain_id,
        expiresAt: row.expires_at === null ? null : fromSqlDateTime(row.expires_at),
        customRole: row.custom_role_id
          ? {
              id: row.custom_role_id,
              name: row.custom_role_name as string,
              grants: JSON.parse(row.custom_role_keys ?? '{}'),
            }
          : null,
        signInPolicy: {
          requireSso: truthy(row.require_sso),
          ssoConnection: row.sso_connection,
          requireMfa: truthy(row.require_mfa),
          breakGlass: parseBreakGlass(row.break_glass),
        },
      });
    } else if (row.scope === ScopeKind.ORGANIZATION) {
      facts.scopes.set(row.organization_id, { kind: ScopeKind.ORGANIZATION, organizationId: row.organization_id });
    } else if (row.scope === ScopeKind.WORKSPACE) {
      facts.scopes.set(row.workspace_id as string, {
        kind: ScopeKind.WORKSPACE,
        organizationId: row.organization_id,
        workspaceId: row.workspace_id as string,
      });
    } else {
      facts.scopes.set(row.domain_id as string, {
        kind: ScopeKind.DOMAIN,
        organizationId: row.organization_id,
        workspaceId: row.workspace_id as string,
        domainId: row.domain_id as string,
      });
    }
  }
  return facts;
}

/** A boolean column as a driver returns it: 1/0 (SQLite, MariaDB), true/false, or '1'. */
function truthy(value: unknown): boolean {
  return value === true || Number(value) === 1;
}
