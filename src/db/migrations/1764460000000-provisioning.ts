import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Provisioning from a directory (docs/domain-rules.md §15): the organization's SCIM bearer tokens
 * (hashed), the directory's people (`scim_users`: what it sent, and the person it is linked to once
 * known) and its groups' members (`scim_group_members`: workspaces are the groups); memberships
 * and invitations the directory manages are marked `provisioned`, a provisioned invitation keeps
 * the token that made it, and a workspace keeps the group's `externalId`.
 */
export class Provisioning1764460000000 implements MigrationInterface {
  name = 'Provisioning1764460000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = { type: 'varchar', length: '36' } as const;
    const at = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });
    const organizationKey = (table: string) =>
      new TableForeignKey({
        name: `FK_${table}_organization`,
        columnNames: ['organization_id'],
        referencedTableName: 'organizations',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
        onUpdate: 'NO ACTION',
      });
    await queryRunner.createTable(
      new Table({
        name: 'provisioning_tokens',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'organization_id', ...id },
          { name: 'description', type: 'varchar', length: '200', isNullable: true },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'created_by_id', type: 'varchar', length: '255', isNullable: true },
          at('created_at'),
          at('updated_at'),
          at('last_used_at', true),
          at('revoked_at', true),
        ],
        foreignKeys: [organizationKey('provisioning_tokens')],
        indices: [
          new TableIndex({ name: 'UQ_provisioning_tokens_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'IDX_provisioning_tokens_organization', columnNames: ['organization_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'scim_users',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'organization_id', ...id },
          { name: 'user_name', type: 'varchar', length: '254' },
          { name: 'external_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'display_name', type: 'varchar', length: '255', isNullable: true },
          { name: 'emails', type: 'varchar', length: '2000', default: "''" },
          { name: 'active', type: 'boolean' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'resource', type: 'text' },
          { name: 'user_id', type: 'varchar', length: '255', isNullable: true },
          at('created_at'),
          at('updated_at'),
        ],
        foreignKeys: [organizationKey('scim_users')],
        indices: [
          new TableIndex({
            name: 'UQ_scim_users_organization_user_name',
            columnNames: ['organization_id', 'user_name'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'IDX_scim_users_organization_external',
            columnNames: ['organization_id', 'external_id'],
          }),
          new TableIndex({ name: 'IDX_scim_users_user_name', columnNames: ['user_name'] }),
          new TableIndex({ name: 'IDX_scim_users_user', columnNames: ['user_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'scim_group_members',
        columns: [
          { name: 'workspace_id', ...id, isPrimary: true },
          { name: 'scim_user_id', ...id, isPrimary: true },
          { name: 'organization_id', ...id },
          at('created_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_scim_group_members_workspace',
            columnNames: ['workspace_id'],
            referencedTableName: 'workspaces',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
          new TableForeignKey({
            name: 'FK_scim_group_members_user',
            columnNames: ['scim_user_id'],
            referencedTableName: 'scim_users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
        indices: [new TableIndex({ name: 'IDX_scim_group_members_user', columnNames: ['scim_user_id'] })],
      }),
    );
    await queryRunner.addColumn(
      'memberships',
      new TableColumn({ name: 'provisioned', type: 'boolean', isNullable: false, default: 0 }),
    );
    await queryRunner.addColumns('invitations', [
      new TableColumn({ name: 'provisioned', type: 'boolean', isNullable: false, default: 0 }),
      new TableColumn({ name: 'provisioning_token_id', type: 'varchar', length: '36', isNullable: true }),
    ]);
    await queryRunner.addColumn(
      'workspaces',
      new TableColumn({ name: 'external_id', type: 'varchar', length: '255', isNullable: true }),
    );
    // On MySQL/MariaDB, what filters compare exactly compares bytewise, as on SQLite: externalId is
    // case-exact, and `émile@` is not `emile@` (userName and emails are stored in lower case).
    if (queryRunner.connection.options.type === 'better-sqlite3') return;
    for (const [table, column, type, nullable] of [
      ['scim_users', 'user_name', 'varchar(254)', false],
      ['scim_users', 'external_id', 'varchar(255)', true],
      ['scim_users', 'display_name', 'varchar(255)', true],
      ['scim_users', 'emails', "varchar(2000) DEFAULT ''", false],
      ['workspaces', 'external_id', 'varchar(255)', true],
    ] as const) {
      await queryRunner.query(
        `ALTER TABLE \`${table}\` MODIFY \`${column}\` ${type.replace(/ DEFAULT.*/, '')} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin ${nullable ? 'NULL' : 'NOT NULL'}${type.includes('DEFAULT') ? " DEFAULT ''" : ''}`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('workspaces', 'external_id');
    await queryRunner.dropColumn('invitations', 'provisioning_token_id');
    await queryRunner.dropColumn('invitations', 'provisioned');
    await queryRunner.dropColumn('memberships', 'provisioned');
    await queryRunner.dropTable('scim_group_members');
    await queryRunner.dropTable('scim_users');
    await queryRunner.dropTable('provisioning_tokens');
  }
}
