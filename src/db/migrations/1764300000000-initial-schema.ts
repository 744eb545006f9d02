import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Users, the three scopes and memberships. Written with the Table API so that one migration
 * runs on MySQL/MariaDB and SQLite; names of indexes and foreign keys match the entities.
 */
const id = { type: 'varchar', length: '36' } as const;
const timestamps = [
  { name: 'created_at', type: 'datetime', precision: 3 },
  { name: 'updated_at', type: 'datetime', precision: 3 },
];

function fk(name: string, column: string, table: string): TableForeignKey {
  return new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
    onUpdate: 'NO ACTION',
  });
}

export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'email_verified', type: 'boolean' },
          { name: 'display_name', type: 'varchar', length: '255', isNullable: true },
          ...timestamps,
        ],
        indices: [new TableIndex({ name: 'IDX_users_email', columnNames: ['email'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'organizations',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          ...timestamps,
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'workspaces',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'organization_id', ...id },
          { name: 'name', type: 'varchar', length: '100' },
          ...timestamps,
        ],
        indices: [
          new TableIndex({ name: 'IDX_workspaces_organization', columnNames: ['organization_id', 'created_at'] }),
        ],
        foreignKeys: [fk('FK_workspaces_organization', 'organization_id', 'organizations')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'domains',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'organization_id', ...id },
          { name: 'workspace_id', ...id },
          { name: 'hostname', type: 'varchar', length: '253' },
          ...timestamps,
        ],
        indices: [
          new TableIndex({
            name: 'UQ_domains_workspace_hostname',
            columnNames: ['workspace_id', 'hostname'],
            isUnique: true,
          }),
          new TableIndex({ name: 'IDX_domains_organization', columnNames: ['organization_id'] }),
        ],
        foreignKeys: [
          fk('FK_domains_organization', 'organization_id', 'organizations'),
          fk('FK_domains_workspace', 'workspace_id', 'workspaces'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'memberships',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '255' },
          { name: 'scope', type: 'varchar', length: '16' },
          { name: 'scope_id', ...id },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'organization_id', ...id },
          { name: 'workspace_id', ...id, isNullable: true },
          { name: 'domain_id', ...id, isNullable: true },
          ...timestamps,
        ],
        indices: [
          new TableIndex({ name: 'UQ_memberships_user_scope', columnNames: ['user_id', 'scope_id'], isUnique: true }),
          new TableIndex({ name: 'IDX_memberships_scope_created', columnNames: ['scope_id', 'created_at', 'id'] }),
          new TableIndex({ name: 'IDX_memberships_organization_user', columnNames: ['organization_id', 'user_id'] }),
          new TableIndex({ name: 'IDX_memberships_workspace', columnNames: ['workspace_id'] }),
          new TableIndex({ name: 'IDX_memberships_domain', columnNames: ['domain_id'] }),
        ],
        foreignKeys: [
          fk('FK_memberships_user', 'user_id', 'users'),
          fk('FK_memberships_organization', 'organization_id', 'organizations'),
          fk('FK_memberships_workspace', 'workspace_id', 'workspaces'),
          fk('FK_memberships_domain', 'domain_id', 'domains'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['memberships', 'domains', 'workspaces', 'organizations', 'users']) {
      await queryRunner.dropTable(table);
    }
  }
}
