import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Custom roles (docs/domain-rules.md §18): the roles an organization defines, and the custom role a
 * membership or an invitation holds (`custom_role_id`, its `role` being the custom role's base
 * role). Deleting a role moves its holders first (the service does it under the organization's
 * lock); the foreign keys only make sure no row ever names a role that is gone.
 */
export class CustomRoles1764490000000 implements MigrationInterface {
  name = 'CustomRoles1764490000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = { type: 'varchar', length: '36' } as const;
    const at = (name: string) => ({ name, type: 'datetime', precision: 3 });
    await queryRunner.createTable(
      new Table({
        name: 'custom_roles',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          at('created_at'),
          at('updated_at'),
          { name: 'organization_id', ...id },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'name_key', type: 'varchar', length: '64' },
          { name: 'description', type: 'varchar', length: '500', isNullable: true },
          { name: 'base_role', type: 'varchar', length: '16' },
          { name: 'keys', type: 'text' },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_custom_roles_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_custom_roles_organization_name',
            columnNames: ['organization_id', 'name_key'],
            isUnique: true,
          }),
        ],
      }),
    );
    // Audit events name the custom role by its name at the time: the log outlives the role.
    await queryRunner.addColumn(
      'audit_events',
      new TableColumn({ name: 'custom_role', type: 'varchar', length: '64', isNullable: true }),
    );
    for (const table of ['memberships', 'invitations']) {
      await queryRunner.addColumn(table, new TableColumn({ name: 'custom_role_id', ...id, isNullable: true }));
      await queryRunner.createIndex(
        table,
        new TableIndex({ name: `IDX_${table}_custom_role`, columnNames: ['custom_role_id'] }),
      );
      await queryRunner.createForeignKey(
        table,
        new TableForeignKey({
          name: `FK_${table}_custom_role`,
          columnNames: ['custom_role_id'],
          referencedTableName: 'custom_roles',
          referencedColumnNames: ['id'],
          onDelete: 'SET NULL',
          onUpdate: 'NO ACTION',
        }),
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['invitations', 'memberships']) {
      await queryRunner.dropForeignKey(table, `FK_${table}_custom_role`);
      await queryRunner.dropIndex(table, `IDX_${table}_custom_role`);
      await queryRunner.dropColumn(table, 'custom_role_id');
    }
    await queryRunner.dropColumn('audit_events', 'custom_role');
    await queryRunner.dropTable('custom_roles');
  }
}
