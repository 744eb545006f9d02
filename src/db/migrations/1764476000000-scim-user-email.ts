import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * A directory's userName need not be an address (docs/domain-rules.md §15, RFC 7643 §4.1.1): the
 * person's address gets its own column, `scim_users.email` (userName when it is an address, else
 * the primary, work or first email), which links a provisioned person to whoever signs in with it.
 * Every userName so far was an address, so the column starts as a copy of it; the index on
 * userName alone served that lookup and moves to the new column.
 */
export class ScimUserEmail1764476000000 implements MigrationInterface {
  name = 'ScimUserEmail1764476000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'scim_users',
      new TableColumn({ name: 'email', type: 'varchar', length: '254', default: "''" }),
    );
    if (queryRunner.connection.options.type !== 'better-sqlite3') {
      // Bytewise, as the other columns of scim_users compare (and as SQLite does).
      await queryRunner.query(
        "ALTER TABLE `scim_users` MODIFY `email` varchar(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ''",
      );
    }
    await queryRunner.query('UPDATE scim_users SET email = user_name');
    await queryRunner.dropIndex('scim_users', 'IDX_scim_users_user_name');
    await queryRunner.createIndex(
      'scim_users',
      new TableIndex({ name: 'IDX_scim_users_email', columnNames: ['email'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('scim_users', 'IDX_scim_users_email');
    await queryRunner.createIndex(
      'scim_users',
      new TableIndex({ name: 'IDX_scim_users_user_name', columnNames: ['user_name'] }),
    );
    await queryRunner.dropColumn('scim_users', 'email');
  }
}
