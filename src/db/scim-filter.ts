import { type Filter, parse } from 'scim2-parse-filter';
import { ScimError } from '../domain/scim';
import { toSqlDateTime } from './sql';

/**
 * A SCIM list's `filter` (RFC 7644 §3.4.2.2) as a SQL condition, so that the database finds the
 * matches by its indexes rather than the service reading a whole organization's directory. The
 * expression is parsed by `scim2-parse-filter`; what each attribute means is ours (below): an
 * attribute the service does not filter on is `invalidFilter`, not a silent empty answer.
 */

type Kind = 'text' | 'exact' | 'boolean' | 'date' | 'multi';

/** One filterable attribute: its column (or, for `multi`, the `\n`-joined values column) and how it compares. */
interface Column {
  sql: string;
  kind: Kind;
}

/** SCIM attribute paths (lower case) of a User, and where they live in `scim_users u`. */
export const USER_FILTER_ATTRIBUTES: Record<string, Column> = {
  id: { sql: 'u.id', kind: 'exact' },
  username: { sql: 'u.user_name', kind: 'text' },
  externalid: { sql: 'u.external_id', kind: 'exact' },
  displayname: { sql: 'u.display_name', kind: 'text' },
  active: { sql: 'u.active', kind: 'boolean' },
  emails: { sql: 'u.emails', kind: 'multi' },
  'emails.value': { sql: 'u.emails', kind: 'multi' },
  'meta.created': { sql: 'u.created_at', kind: 'date' },
  'meta.lastmodified': { sql: 'u.updated_at', kind: 'date' },
};

/** SCIM attribute paths of a Group (a workspace `w`). */
export const GROUP_FILTER_ATTRIBUTES: Record<string, Column> = {
  id: { sql: 'w.id', kind: 'exact' },
  displayname: { sql: 'w.name', kind: 'text' },
  externalid: { sql: 'w.external_id', kind: 'exact' },
  'members.value': { sql: 'members', kind: 'exact' },
  members: { sql: 'members', kind: 'exact' },
  'meta.created': { sql: 'w.created_at', kind: 'date' },
  'meta.lastmodified': { sql: 'w.updated_at', kind: 'date' },
};

/** A LIKE pattern's literal part: `!` escapes (a backslash means different things to the two engines). */
const literal = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);

interface Condition {
  sql: string;
  params: unknown[];
}

function invalid(detail: string): never {
  throw new ScimError(400, detail, 'invalidFilter');
}

/** The name of a schema-qualified path, without the core schema's URN (`urn:…:User:userName` → `username`). */
function pathOf(attrPath: string): string {
  return attrPath.replace(/^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i, '').toLowerCase();
}

function compare(attributes: Record<string, Column>, attrPath: string, op: string, value: unknown): Condition {
  const column = attributes[pathOf(attrPath)];
  if (!column) invalid(`Filtering on ${attrPath} is not supported.`);
  if (column.sql === 'members') {
    if (op === 'pr')
      return { sql: 'EXISTS (SELECT 1 FROM scim_group_members g WHERE g.workspace_id = w.id)', params: [] };
    if (op !== 'eq' || typeof value !== 'string') invalid('members can be filtered with eq on a User id only.');
    return {
      sql: 'EXISTS (SELECT 1 FROM scim_group_members g WHERE g.workspace_id = w.id AND g.scim_user_id = ?)',
      params: [value],
    };
  }
  if (op === 'pr') {
    if (column.kind === 'multi') return { sql: `${column.sql} <> ''`, params: [] };
    return {
      sql: column.kind === 'text' ? `(${column.sql} IS NOT NULL AND ${column.sql} <> '')` : `${column.sql} IS NOT NULL`,
      params: [],
    };
  }
  if (column.kind === 'boolean') {
    // Entra ID writes booleans as strings ("False") here too.
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) value = value.toLowerCase() === 'true';
    if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne'))
      invalid(`${attrPath} takes eq or ne with true or false.`);
    return { sql: `${column.sql} ${op === 'eq' ? '=' : '<>'} ?`, params: [value] };
  }
  if (value === null) {
    if (op === 'eq') return { sql: `${column.sql} IS NULL`, params: [] };
    if (op === 'ne') return { sql: `${column.sql} IS NOT NULL`, params: [] };
    invalid(`${op} needs a value.`);
  }
  if (column.kind === 'date') {
    const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(date.getTime())) invalid(`${attrPath} compares with an ISO-8601 date-time.`);
    const sqlOp = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' }[op];
    if (!sqlOp) invalid(`${op} does not apply to a date.`);
    return { sql: `${column.sql} ${sqlOp} ?`, params: [toSqlDateTime(date)] };
  }
  if (typeof value !== 'string') invalid(`${attrPath} compares with a string.`);
  // userName, displayName and emails compare without regard to case (caseExact false); ids and
  // externalId exactly. Stored userNames and emails are already lower case.
  const text = column.kind === 'exact' ? value : value.toLowerCase();
  const target = column.kind === 'text' && column.sql !== 'u.user_name' ? `LOWER(${column.sql})` : column.sql;
  if (column.kind === 'multi') {
    // Values are stored as `\nfirst\nsecond\n`: a whole value sits between two line breaks.
    const patterns: Record<string, string> = {
      eq: `%\n${literal(text)}\n%`,
      co: `%${literal(text)}%`,
      sw: `%\n${literal(text)}%`,
      ew: `%${literal(text)}\n%`,
    };
    if (op === 'ne') return { sql: `${column.sql} NOT LIKE ? ESCAPE '!'`, params: [patterns.eq] };
    if (!patterns[op]) invalid(`${op} does not apply to emails.`);
    return { sql: `${column.sql} LIKE ? ESCAPE '!'`, params: [patterns[op]] };
  }
  switch (op) {
    case 'eq':
      return { sql: `${target} = ?`, params: [text] };
    case 'ne':
      return { sql: `(${target} IS NULL OR ${target} <> ?)`, params: [text] };
    case 'co':
      return { sql: `${target} LIKE ? ESCAPE '!'`, params: [`%${literal(text)}%`] };
    case 'sw':
      return { sql: `${target} LIKE ? ESCAPE '!'`, params: [`${literal(text)}%`] };
    case 'ew':
      return { sql: `${target} LIKE ? ESCAPE '!'`, params: [`%${literal(text)}`] };
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return { sql: `${target} ${{ gt: '>', ge: '>=', lt: '<', le: '<=' }[op]} ?`, params: [text] };
    default:
      return invalid(`Unknown operator ${op}.`);
  }
}

function conditionOf(attributes: Record<string, Column>, filter: Filter): Condition {
  switch (filter.op) {
    case 'and':
    case 'or': {
      const parts = filter.filters.map((f) => conditionOf(attributes, f));
      return {
        sql: `(${parts.map((p) => p.sql).join(filter.op === 'and' ? ' AND ' : ' OR ')})`,
        params: parts.flatMap((p) => p.params),
      };
    }
    case 'not': {
      const inner = conditionOf(attributes, filter.filter);
      return { sql: `NOT (${inner.sql})`, params: inner.params };
    }
    case '[]': {
      // emails[value eq "…"] is emails.value eq "…"; members[value eq "…"] likewise. Other
      // sub-attributes (an email's type) are not filtered on.
      const inner = filter.valFilter;
      if (!('attrPath' in inner) || inner.attrPath.toLowerCase() !== 'value' || inner.op === '[]') {
        invalid(`Only ${filter.attrPath}[value …] filters are supported.`);
      }
      return compare(attributes, `${filter.attrPath}.value`, inner.op, 'compValue' in inner ? inner.compValue : null);
    }
    case 'pr':
      return compare(attributes, filter.attrPath, 'pr', null);
    default:
      return compare(attributes, filter.attrPath, filter.op, filter.compValue);
  }
}

/** The longest filter taken, in characters (docs/domain-rules.md §15). */
export const MAX_FILTER_LENGTH = 4096;
/** The deepest nesting of `and`, `or`, `not` and `[…]` taken: deeper ones would reach the engines' own limits. */
export const MAX_FILTER_DEPTH = 32;

/** How deeply a parsed filter nests its logical operators (`a or b or c` is one level). */
function depthOf(filter: Filter): number {
  switch (filter.op) {
    case 'and':
    case 'or':
      return 1 + Math.max(0, ...filter.filters.map(depthOf));
    case 'not':
      return 1 + depthOf(filter.filter);
    case '[]':
      return 1 + depthOf(filter.valFilter);
    default:
      return 0;
  }
}

/**
 * `filter` as a condition on `attributes`' columns. A filter that does not parse, is longer than
 * MAX_FILTER_LENGTH or nests deeper than MAX_FILTER_DEPTH is `invalidFilter` — before it reaches
 * the database, whose parser would otherwise fail (SQLite's expression depth) as a 500.
 */
export function filterCondition(attributes: Record<string, Column>, filter: string): Condition {
  if (filter.length > MAX_FILTER_LENGTH) invalid(`A filter is at most ${MAX_FILTER_LENGTH} characters.`);
  let parsed: Filter;
  try {
    parsed = parse(filter);
  } catch (error) {
    return invalid(`The filter does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (depthOf(parsed) > MAX_FILTER_DEPTH) invalid(`A filter nests at most ${MAX_FILTER_DEPTH} levels deep.`);
  return conditionOf(attributes, parsed);
}
