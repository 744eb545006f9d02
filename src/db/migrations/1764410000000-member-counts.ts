import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Member counts per scope and role, kept in the transaction of every membership change, so that
 * a large organization's `totalCount` and seat check read a handful of rows instead of counting
 * every membership. Filled from the memberships that exist when it runs.
 */
export class MemberCounts1764410000000 implements MigrationInterface {
  name = 'MemberCounts1764410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = { type: 'varchar', length: '36' } as const;
    await queryRunner.createTable(
      new Table({
        name: 'member_counts',
        columns: [
          { name: 'scope_id', ...id, isPrimary: true },
          { name: 'role', type: 'varchar', length: '16', isPrimary: true },
          { name: 'organization_id', ...id },
          { name: 'n', type: 'integer' },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_member_counts_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
        indices: [new TableIndex({ name: 'IDX_member_counts_organization', columnNames: ['organization_id'] })],
      }),
    );
    await queryRunner.query(
      `INSERT INTO member_counts (scope_id, role, organization_id, n)
       SELECT scope_id, role, organization_id, COUNT(*) FROM memberships GROUP BY scope_id, role, organization_id`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('member_counts');
  }
}
