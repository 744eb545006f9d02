import { Domain } from '../../entities/domain.entity';
import { Workspace } from '../../entities/workspace.entity';
import { fromSqlDateTime, placeholders } from './sql';

/**
 * Organizations' workspaces with their domains, in one statement (a LEFT JOIN), as plain rows made
 * into entities by hand: what an organization's tree (`workspaces { domains { … } }`) reads,
 * instead of one statement for the workspaces and another for their domains.
 */

export interface WorkspaceTree {
  workspaces: Workspace[];
  /** Each workspace's domains, by workspace id (every workspace present, maybe with none). */
  domains: Map<string, Domain[]>;
}

const date = (value: unknown) => fromSqlDateTime(value as Date | string);
const byCreation = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The trees of these organizations, in their order; workspaces and domains oldest first, then by id. */
export async function readWorkspaceTrees(
  db: { query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> },
  organizationIds: readonly string[],
): Promise<WorkspaceTree[]> {
  const rows = await db.query(
    `SELECT w.id, w.organization_id, w.name, w.external_id, w.group_custom_role_id, w.created_at, w.updated_at,
            d.id AS d_id, d.hostname AS d_hostname, d.created_at AS d_created_at, d.updated_at AS d_updated_at
       FROM workspaces w LEFT JOIN domains d ON d.workspace_id = w.id
      WHERE w.organization_id IN (${placeholders(organizationIds.length)})`,
    [...organizationIds],
  );
  const trees = new Map<string, WorkspaceTree>(
    organizationIds.map((id) => [id, { workspaces: [], domains: new Map() }]),
  );
  for (const row of rows) {
    const tree = trees.get(row.organization_id as string);
    if (!tree) continue;
    let domains = tree.domains.get(row.id as string);
    if (!domains) {
      tree.workspaces.push(
        Object.assign(new Workspace(), {
          id: row.id as string,
          organizationId: row.organization_id as string,
          name: row.name as string,
          externalId: (row.external_id as string | null) ?? null,
          groupCustomRoleId: (row.group_custom_role_id as string | null) ?? null,
          createdAt: date(row.created_at),
          updatedAt: date(row.updated_at),
        }),
      );
      tree.domains.set(row.id as string, (domains = []));
    }
    if (row.d_id !== null && row.d_id !== undefined) {
      domains.push(
        Object.assign(new Domain(), {
          id: row.d_id as string,
          organizationId: row.organization_id as string,
          workspaceId: row.id as string,
          hostname: row.d_hostname as string,
          createdAt: date(row.d_created_at),
          updatedAt: date(row.d_updated_at),
        }),
      );
    }
  }
  return organizationIds.map((id) => {
    const tree = trees.get(id) as WorkspaceTree;
    tree.workspaces.sort(byCreation);
    for (const list of tree.domains.values()) list.sort(byCreation);
    return tree;
  });
}
