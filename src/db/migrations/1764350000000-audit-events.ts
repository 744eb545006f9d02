import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** The audit log: one row per change, indexed for each way it is read (newest first). */
export class AuditEvents1764350000000 implements MigrationInterface {
  name = 'AuditEvents1764350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = { type: 'varchar', length: '36' } as const;
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'action', type: 'varchar', length: '40' },
          { name: 'occurred_at', type: 'datetime', precision: 3 },
          { name: 'actor_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'scope', type: 'varchar', length: '20' },
          { name: 'organization_id', ...id },
          { name: 'workspace_id', ...id, isNullable: true },
          { name: 'domain_id', ...id, isNullable: true },
          { name: 'subject_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'email', type: 'varchar', length: '254', isNullable: true },
          { name: 'from_role', type: 'varchar', length: '20', isNullable: true },
          { name: 'to_role', type: 'varchar', length: '20', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '64', isNullable: true },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_audit_events_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_audit_events_organization_time',
            columnNames: ['organization_id', 'occurred_at', 'id'],
          }),
          new TableIndex({
            name: 'IDX_audit_events_workspace_time',
            columnNames: ['workspace_id', 'occurred_at', 'id'],
          }),
          new TableIndex({ name: 'IDX_audit_events_domain_time', columnNames: ['domain_id', 'occurred_at', 'id'] }),
          new TableIndex({ name: 'IDX_audit_events_actor_time', columnNames: ['actor_id', 'occurred_at'] }),
          new TableIndex({ name: 'IDX_audit_events_subject_time', columnNames: ['subject_id', 'occurred_at'] }),
          new TableIndex({ name: 'IDX_audit_events_action_time', columnNames: ['action', 'occurred_at'] }),
          new TableIndex({ name: 'IDX_audit_events_time', columnNames: ['occurred_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_events');
  }
}
