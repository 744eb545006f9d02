import { type Filter, parse } from 'scim2-parse-filter';
import { toSqlDateTime } from '../db/sql';
import { ScimError } from './protocol';

/**
 * A SCIM list's `filter` (RFC 7644 §3.4.2.2) as a SQL condition, so that the database finds the
 * matches by its indexes rather than the service reading a whole organization's directory. The
 * expression is parsed by `scim2-parse-filter`; what each attribute means is the resource type's
 * (its `filter` in src/scim/resource-types.ts): an attribute the type does not filter on is
 * `invalidFilter`, not a silent empty answer.
 */

/** One filterable attribute: where it lives in the type's table, and how it compares. */
export type Column =
  /** Compared without regard to case (`LOWER(sql)`); `stored: 'lower'` when the column already is. */
  | { kind: 'text'; sql: string; stored?: 'lower' }
  /** Compared exactly: ids, externalId. */
  | { kind: 'exact'; sql: string }
  | { kind: 'boolean'; sql: string }
  | { kind: 'date'; sql: string }
  /** Several lower-case values in one column, stored as `\nfirst\nsecond\n`. */
  | { kind: 'multi'; sql: string }
  /**
   * Held in another table: `pr` asks whether any row of `from` (a `FROM … WHERE …` naming the
   * type's alias) exists, `eq` whether one with that `value`; `refusal` answers anything else.
   */
  | { kind: 'related'; from: string; value: string; refusal: string };

/** SCIM attribute paths (lower case, without the core schema's URN) and their columns. */
export type FilterAttributes = Record<string, Column>;

/** A LIKE pattern's literal part: `!` escapes (a backslash means different things to the two engines). */
const literal = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);

export interface Condition {
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

const ORDER = { gt: '>', ge: '>=', lt: '<', le: '<=' } as Record<string, string | undefined>;

function compare(attributes: FilterAttributes, attrPath: string, op: string, value: unknown): Condition {
  const column = attributes[pathOf(attrPath)];
  if (!column) invalid(`Filtering on ${attrPath} is not supported.`);
  if (column.kind === 'related') {
    if (op === 'pr') return { sql: `EXISTS (SELECT 1 FROM ${column.from})`, params: [] };
    if (op !== 'eq' || typeof value !== 'string') invalid(column.refusal);
    return { sql: `EXISTS (SELECT 1 FROM ${column.from} AND ${column.value} = ?)`, params: [value] };
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
    const sqlOp = op === 'eq' ? '=' : op === 'ne' ? '<>' : ORDER[op];
    if (!sqlOp) invalid(`${op} does not apply to a date.`);
    return { sql: `${column.sql} ${sqlOp} ?`, params: [toSqlDateTime(date)] };
  }
  if (typeof value !== 'string') invalid(`${attrPath} compares with a string.`);
  // Text compares without regard to case (caseExact false); ids and externalId exactly. Stored
  // userNames and emails are already lower case.
  const text = column.kind === 'exact' ? value : value.toLowerCase();
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
  const target = column.kind === 'text' && column.stored !== 'lower' ? `LOWER(${column.sql})` : column.sql;
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
      return { sql: `${target} ${ORDER[op]} ?`, params: [text] };
    default:
      return invalid(`Unknown operator ${op}.`);
  }
}

function conditionOf(attributes: FilterAttributes, filter: Filter): Condition {
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
export function filterCondition(attributes: FilterAttributes, filter: string): Condition {
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
