import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { placeholders } from '../db/sql';

/**
 * Whether the organization's directory provisions members into each workspace as a group
 * (docs/domain-rules.md §15): one statement for a whole request's workspaces.
 */
export function workspacesWithGroupMembers(db: DataSource) {
  return new DataLoader<string, boolean>(async (ids) => {
    const rows: { workspace_id: string }[] = await db.query(
      `SELECT DISTINCT workspace_id FROM scim_group_members WHERE workspace_id IN (${placeholders(ids.length)})`,
      [...ids],
    );
    const held = new Set(rows.map((row) => row.workspace_id));
    return ids.map((id) => held.has(id));
  });
}
