import type { ColumnOptions } from 'typeorm';

/**
 * Column shapes shared by every entity, so that entities and migrations agree on both databases.
 * Timestamps keep milliseconds: members lists are ordered by creation time, then id.
 */
export const idColumn = { type: 'varchar', length: 36 } as const;
export const timestampColumn = (name: string): ColumnOptions => ({ name, type: 'datetime', precision: 3 });
