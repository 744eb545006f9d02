import { Brackets } from 'typeorm';
import { keysAt } from '../../../permissions/decisions';
import { Domain } from '../../../entities/domain.entity';
import { Organization } from '../../../entities/organization.entity';
import { Workspace } from '../../../entities/workspace.entity';
import { byCreationThenId, decodeCursor, isAfterCursor, type Page, pageOf, encodeCursor } from '../../db/pagination';
import { ScopeKind } from '../../domain/enums';
import { BadUserInputError } from '../../domain/errors';
import { isPermissionKey } from '../../domain/permission-keys';
import { domainScope, organizationScope, type ScopeRef, workspaceScope } from '../../domain/scope';
import { validPageSize } from '../../domain/validation';
import type { RequestScope } from '../../request/scope';

/** One scope of `accessibleScopes`. */
export interface ScopeRefData {
  kind: ScopeKind;
  id: string;
  name: string;
  organizationId: string;
  createdAt: Date;
}

/**
 * `Query.accessibleScopes(permission, kind)` (docs/domain-rules.md §19): the scopes of one kind
 * where the viewer holds a key, oldest first ("which workspaces' invoices may I list"). The
 * candidates are the scopes the viewer's memberships reach (their own, and everything below an
 * organization or workspace membership); each is decided by the permission table.
 */
export async function accessibleScopes(
  ctx: RequestScope,
  permission: string,
  kind: ScopeKind,
  args: { first?: number | null; after?: string | null },
): Promise<Page<ScopeRefData>> {
  if (!isPermissionKey(permission)) {
    throw new BadUserInputError('permission must be a permission key.', 'permission');
  }
  const first = validPageSize(args.first);
  const cursor = args.after ? decodeCursor(args.after) : null;
  // None in an organization whose sign-in policy blocks the viewer (docs/domain-rules.md §20).
  const memberships = await ctx.access.grantingMemberships();
  if (!ctx.permissions.knows(permission) || memberships.length === 0) return pageOf([], first, () => '');

  const organizations = [
    ...new Set(memberships.filter((m) => m.scope === ScopeKind.ORGANIZATION).map((m) => m.organizationId)),
  ];
  const workspaces = [...new Set(memberships.flatMap((m) => (m.workspaceId ? [m.workspaceId] : [])))];
  const domains = [...new Set(memberships.flatMap((m) => (m.domainId ? [m.domainId] : [])))];
  const candidates: { scope: ScopeRef; row: ScopeRefData }[] = [];
  if (kind === ScopeKind.ORGANIZATION) {
    const ids = [...new Set(memberships.map((m) => m.organizationId))];
    const rows = await ctx.db
      .getRepository(Organization)
      .createQueryBuilder('o')
      .where('o.id IN (:...ids)', { ids })
      .getMany();
    for (const o of rows) {
      candidates.push({
        scope: organizationScope(o),
        row: { kind, id: o.id, name: o.name, organizationId: o.id, createdAt: o.createdAt },
      });
    }
  } else if (kind === ScopeKind.WORKSPACE) {
    const query = ctx.db.getRepository(Workspace).createQueryBuilder('w');
    query.where(
      new Brackets((q) => {
        q.where('1 = 0');
        if (organizations.length > 0) q.orWhere('w.organizationId IN (:...organizations)', { organizations });
        if (workspaces.length > 0) q.orWhere('w.id IN (:...workspaces)', { workspaces });
      }),
    );
    for (const w of await query.getMany()) {
      candidates.push({
        scope: workspaceScope(w),
        row: { kind, id: w.id, name: w.name, organizationId: w.organizationId, createdAt: w.createdAt },
      });
    }
  } else {
    const query = ctx.db.getRepository(Domain).createQueryBuilder('d');
    query.where(
      new Brackets((q) => {
        q.where('1 = 0');
        if (organizations.length > 0) q.orWhere('d.organizationId IN (:...organizations)', { organizations });
        if (workspaces.length > 0) q.orWhere('d.workspaceId IN (:...workspaces)', { workspaces });
        if (domains.length > 0) q.orWhere('d.id IN (:...domains)', { domains });
      }),
    );
    for (const d of await query.getMany()) {
      candidates.push({
        scope: domainScope(d),
        row: { kind, id: d.id, name: d.hostname, organizationId: d.organizationId, createdAt: d.createdAt },
      });
    }
  }
  const held = candidates
    .filter(({ scope }) => keysAt(scope, memberships, ctx.now, ctx.permissions).has(permission))
    .map(({ row }) => row)
    .sort(byCreationThenId)
    .filter((row) => !cursor || isAfterCursor(row, cursor));
  return pageOf(held.slice(0, first + 1), first, encodeCursor);
}
