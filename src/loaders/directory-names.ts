import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { placeholders } from '../db/sql';

/**
 * Whom to look up in an organization's directory (docs/domain-rules.md §15): a linked person by
 * their user id, or someone not signed in yet by the address the directory gave them.
 */
export type DirectoryNameKey = { organizationId: string; userId: string } | { organizationId: string; email: string };

const keyOf = (k: DirectoryNameKey) =>
  'userId' in k ? `${k.organizationId}:u:${k.userId}` : `${k.organizationId}:e:${k.email}`;

/**
 * The name each organization's own directory gave a person (`scim_users.display_name`), or null:
 * one statement for a whole request's keys. Only the organization asked about is read, so one
 * organization's directory never names anyone in another.
 */
export function directoryNames(db: DataSource) {
  return new DataLoader<DirectoryNameKey, string | null, string>(
    async (keys) => {
      const organizationIds = [...new Set(keys.map((k) => k.organizationId))];
      const userIds = [...new Set(keys.flatMap((k) => ('userId' in k ? [k.userId] : [])))];
      const emails = [...new Set(keys.flatMap((k) => ('email' in k ? [k.email] : [])))];
      const which = [
        ...(userIds.length ? [`user_id IN (${placeholders(userIds.length)})`] : []),
        ...(emails.length ? [`email IN (${placeholders(emails.length)})`] : []),
      ].join(' OR ');
      const rows: { organization_id: string; user_id: string | null; email: string; display_name: string | null }[] =
        await db.query(
          `SELECT organization_id, user_id, email, display_name FROM scim_users
           WHERE organization_id IN (${placeholders(organizationIds.length)}) AND (${which})`,
          [...organizationIds, ...userIds, ...emails],
        );
      const names = new Map<string, string>();
      for (const row of rows) {
        const name = row.display_name?.trim();
        if (!name) continue;
        if (row.user_id) names.set(keyOf({ organizationId: row.organization_id, userId: row.user_id }), name);
        names.set(keyOf({ organizationId: row.organization_id, email: row.email }), name);
      }
      return keys.map((k) => names.get(keyOf(k)) ?? null);
    },
    { cacheKeyFn: keyOf },
  );
}
