import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/** The users' search key as this migration wrote it (frozen here: the service no longer has one). */
function userSearchKey(email: string, displayName: string | null): string {
  return `${email}\n${displayName ?? ''}`.normalize('NFC').toLowerCase();
}

/**
 * Two databases, one behaviour:
 * - `users.search_key`: email and display name folded by the service (NFC, Unicode lower case), so
 *   that member search finds the same people on SQLite (whose LOWER folds ASCII only) and MariaDB.
 * - On MySQL/MariaDB, the email, search and token columns compare bytewise (utf8mb4_bin), as SQLite
 *   does: under utf8mb4_unicode_ci `émile@corp.com` and `emile@corp.com` were equal, so one address
 *   could block, or see, another's invitations.
 */
const BYTEWISE: [table: string, column: string, type: string, nullable: boolean][] = [
  ['users', 'email', 'varchar(254)', false],
  ['users', 'search_key', 'varchar(520)', false],
  ['invitations', 'email', 'varchar(254)', false],
  ['invitations', 'token_hash', 'varchar(64)', false],
  ['invitations', 'pending_key', 'varchar(300)', true],
];

export class BytewiseEmailsAndSearchKey1764330000000 implements MigrationInterface {
  name = 'BytewiseEmailsAndSearchKey1764330000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'users',
      new TableColumn({ name: 'search_key', type: 'varchar', length: '520', isNullable: false, default: "''" }),
    );
    const users: { id: string; email: string; display_name: string | null }[] = await queryRunner.query(
      'SELECT id, email, display_name FROM users',
    );
    for (const user of users) {
      await queryRunner.query('UPDATE users SET search_key = ? WHERE id = ?', [
        userSearchKey(user.email, user.display_name),
        user.id,
      ]);
    }
    if (queryRunner.connection.options.type === 'better-sqlite3') return; // SQLite compares bytes already
    for (const [table, column, type, nullable] of BYTEWISE) {
      const fallback = column === 'search_key' ? " DEFAULT ''" : '';
      await queryRunner.query(
        `ALTER TABLE \`${table}\` MODIFY \`${column}\` ${type} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin ${nullable ? 'NULL' : 'NOT NULL'}${fallback}`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'better-sqlite3') {
      for (const [table, column, type, nullable] of BYTEWISE.filter(([, c]) => c !== 'search_key')) {
        await queryRunner.query(
          `ALTER TABLE \`${table}\` MODIFY \`${column}\` ${type} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ${nullable ? 'NULL' : 'NOT NULL'}`,
        );
      }
    }
    await queryRunner.dropColumn('users', 'search_key');
  }
}
