import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { memberOrderKeys } from '../sql';

/**
 * Members lists sorted by name or email (docs/domain-rules.md §10) without sorting a whole scope: each membership
 * carries its person's sort keys, indexed after its scope. On MariaDB the keys compare bytewise
 * and without trailing-space padding, exactly as SQLite compares them.
 */
export class MemberOrder1764380000000 implements MigrationInterface {
  name = 'MemberOrder1764380000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('memberships', [
      new TableColumn({ name: 'unnamed', type: 'boolean', isNullable: false, default: 0 }),
      new TableColumn({ name: 'name_key', type: 'varchar', length: '100', isNullable: false, default: "''" }),
      new TableColumn({ name: 'email_key', type: 'varchar', length: '254', isNullable: false, default: "''" }),
    ]);
    if (queryRunner.connection.options.type !== 'better-sqlite3') {
      for (const [column, length] of [
        ['name_key', 100],
        ['email_key', 254],
      ] as const) {
        await queryRunner.query(
          `ALTER TABLE \`memberships\` MODIFY \`${column}\` varchar(${length}) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL DEFAULT ''`,
        );
      }
    }
    const users: { id: string; email: string; display_name: string | null }[] = await queryRunner.query(
      'SELECT DISTINCT u.id, u.email, u.display_name FROM users u JOIN memberships m ON m.user_id = u.id',
    );
    for (const user of users) {
      const keys = memberOrderKeys(user.email, user.display_name);
      await queryRunner.query('UPDATE memberships SET unnamed = ?, name_key = ?, email_key = ? WHERE user_id = ?', [
        keys.unnamed,
        keys.nameKey,
        keys.emailKey,
        user.id,
      ]);
    }
    await queryRunner.createIndex(
      'memberships',
      new TableIndex({ name: 'IDX_memberships_scope_name', columnNames: ['scope_id', 'unnamed', 'name_key', 'id'] }),
    );
    await queryRunner.createIndex(
      'memberships',
      new TableIndex({ name: 'IDX_memberships_scope_email', columnNames: ['scope_id', 'email_key', 'id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('memberships', 'IDX_memberships_scope_email');
    await queryRunner.dropIndex('memberships', 'IDX_memberships_scope_name');
    for (const column of ['email_key', 'name_key', 'unnamed']) await queryRunner.dropColumn('memberships', column);
  }
}
