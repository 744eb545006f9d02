import { type MigrationInterface, type QueryRunner, Table, TableForeignKey } from 'typeorm';

/**
 * The invitation rate limit's counter per organization and clock hour. It used to count outbox
 * rows, which deleting a workspace or domain deletes: the limit could be reset at will.
 */
export class InvitationCounters1764340000000 implements MigrationInterface {
  name = 'InvitationCounters1764340000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'invitation_counters',
        columns: [
          { name: 'organization_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'window_start', type: 'datetime', precision: 3, isPrimary: true },
          { name: 'count', type: 'integer' },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_invitation_counters_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('invitation_counters');
  }
}
