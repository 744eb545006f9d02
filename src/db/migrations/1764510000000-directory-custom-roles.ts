import { type MigrationInterface, type QueryRunner, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/**
 * A directory names custom roles (docs/domain-rules.md §15, §18): the custom role a provisioned
 * User holds (`scim_users.custom_role_id`, its `role` then the custom role's base role) and the one
 * a Group gives its members (`workspaces.group_custom_role_id`, the membership extension's `role`).
 * Deleting a role moves these with its other holders, under the organization's lock; the foreign
 * keys only make sure no row ever names a role that is gone.
 */
export class DirectoryCustomRoles1764510000000 implements MigrationInterface {
  name = 'DirectoryCustomRoles1764510000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, column] of COLUMNS) {
      await queryRunner.addColumn(
        table,
        new TableColumn({ name: column, type: 'varchar', length: '36', isNullable: true }),
      );
      await queryRunner.createIndex(table, new TableIndex({ name: `IDX_${table}_custom_role`, columnNames: [column] }));
      await queryRunner.createForeignKey(
        table,
        new TableForeignKey({
          name: `FK_${table}_custom_role`,
          columnNames: [column],
          referencedTableName: 'custom_roles',
          referencedColumnNames: ['id'],
          onDelete: 'SET NULL',
          onUpdate: 'NO ACTION',
        }),
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, column] of [...COLUMNS].reverse()) {
      await queryRunner.dropForeignKey(table, `FK_${table}_custom_role`);
      await queryRunner.dropIndex(table, `IDX_${table}_custom_role`);
      await queryRunner.dropColumn(table, column);
    }
  }
}

const COLUMNS: [string, string][] = [
  ['scim_users', 'custom_role_id'],
  ['workspaces', 'group_custom_role_id'],
];
