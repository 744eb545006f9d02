/**
 * Small helpers for the few hand-written SQL statements that must read the same on MySQL,
 * MariaDB and SQLite.
 */

/** The form both databases store a `datetime(3)` in, in UTC: `2026-11-28 09:30:00.123`. */
export function toSqlDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** mysql2 hands back Date objects, better-sqlite3 the stored string. */
export function fromSqlDateTime(value: Date | string): Date {
  if (value instanceof Date) return value;
  return new Date(`${value.replace(' ', 'T')}Z`);
}

/** `?, ?, ?` for an IN list. */
export function placeholders(count: number): string {
  return new Array(count).fill('?').join(', ');
}

/**
 * Text as search compares it: NFC, then Unicode lower case. Done here rather than by the
 * database, whose case folding differs (SQLite's LOWER and LIKE fold ASCII only; MariaDB's
 * collations also fold accents): stored keys and patterns are folded alike, and compared bytewise.
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/**
 * What members lists sort by (docs/domain-rules.md §10), copied onto each membership so that every order walks
 * an index of its scope's memberships: the folded display name (`unnamed` when there is none, so
 * that such people come last in both directions) and the email. Compared bytewise on both
 * databases; a name's key keeps its first 100 code points.
 */
export function memberOrderKeys(
  email: string,
  displayName: string | null,
): { unnamed: boolean; nameKey: string; emailKey: string } {
  const name = displayName?.trim() ? foldForSearch(displayName.trim()) : '';
  return {
    unnamed: name === '',
    nameKey: [...name].slice(0, 100).join(''),
    emailKey: [...foldForSearch(email)].slice(0, 254).join(''),
  };
}

/** A LIKE pattern for "contains", escaped with `!` (a backslash means different things to the two engines). */
export function containsPattern(text: string): string {
  return `%${foldForSearch(text).replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/** COUNT(*) is a string on mysql2 and a number on SQLite. */
export function toCount(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}

/** Whether a write failed on a unique index (MySQL/MariaDB 1062, SQLite's constraint). */
export function isUniqueViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; errno?: number } }).driverError;
  return driverError?.errno === 1062 || driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
