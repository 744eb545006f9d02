import type { User } from '../../../entities/user.entity';
import { foldForSearch, placeholders } from '../../db/sql';
import { BadUserInputError } from '../../domain/errors';
import { scopeColumn, scopeColumns, type ScopeRef } from '../../domain/scope';
import type { RequestScope } from '../../request/scope';

/** The most people one ask returns: a filter's list of suggestions, not a directory. */
export const AUDIT_PEOPLE_MAX = 100;

interface NamedRow {
  id: string;
  email: string;
  display_name: string | null;
  directory_name: string | null;
  erased_at: unknown;
}

/**
 * The people a scope's audit log names — who acted, and whom a change was about — whether or not
 * they are members still (docs/domain-rules.md §12), whose name, address or directory name
 * (§15) contains `search` (folded alike: NFC, lower case); what the log's person filter offers.
 * The rule on the field has checked READ_AUDIT_LOG at the scope (deny by default), so a caller
 * without it learns nothing of who is in the log. Erased people match no text (nothing of them
 * is left to match), and are listed only when nothing is searched. Named first, then by address.
 */
export async function auditLogPeople(
  ctx: RequestScope,
  scope: ScopeRef,
  args: { search?: string | null; first?: number | null },
): Promise<User[]> {
  const text = foldForSearch(args.search?.trim() ?? '');
  if (text.length > 254) throw new BadUserInputError('search must be at most 254 characters.', 'search');
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > AUDIT_PEOPLE_MAX) {
    throw new BadUserInputError(`first must be between 1 and ${AUDIT_PEOPLE_MAX}.`, 'first');
  }
  const column = scopeColumn(scope.kind);
  const { scopeId } = scopeColumns(scope);
  // Each read walks an index alone at organization scope (organization_id with actor_id, with
  // subject_id): the people, not the events, then their rows a chunk at a time.
  const named = async (who: 'actor_id' | 'subject_id'): Promise<string[]> =>
    (
      (await ctx.db.query(
        `SELECT ${who} AS id FROM audit_events WHERE ${column} = ? AND ${who} IS NOT NULL GROUP BY ${who}`,
        [scopeId],
      )) as { id: string }[]
    ).map((row) => row.id);
  const ids = [...new Set([...(await named('actor_id')), ...(await named('subject_id'))])];
  const rows: NamedRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    rows.push(
      ...((await ctx.db.query(
        `SELECT u.id, u.email, u.display_name, u.erased_at, s.display_name AS directory_name
           FROM users u LEFT JOIN scim_users s ON s.user_id = u.id AND s.organization_id = ?
          WHERE u.id IN (${placeholders(chunk.length)})`,
        [scope.organizationId, ...chunk],
      )) as NamedRow[]),
    );
  }
  const shown = (row: NamedRow) => row.display_name?.trim() || row.directory_name?.trim() || '';
  const matching = rows.filter(
    (row) =>
      text === '' ||
      (!row.erased_at &&
        [row.email, row.display_name, row.directory_name].some(
          (value) => value && foldForSearch(value).includes(text),
        )),
  );
  const key = (row: NamedRow) => `${shown(row) ? 0 : 1}\u0000${foldForSearch(shown(row) || row.email)}\u0000${row.id}`;
  const chosen = [...new Map(matching.map((row) => [row.id, row])).values()]
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .slice(0, first)
    .map((row) => row.id);
  // Whoever reads the log may read the people it names (docs/domain-rules.md §5).
  ctx.access.noteNamedInLog(chosen);
  const users = await ctx.loaders.user.loadMany(chosen);
  return users.filter((user): user is User => user !== null && !(user instanceof Error));
}
