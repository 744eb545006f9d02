import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * A person's data (docs/domain-rules.md §16): a user row remembers when the person was erased;
 * audit events are found by the address they name and webhook deliveries by their event (both
 * rewritten by an erasure); an organization's lasting ADMINs are found without reading its other
 * members (the last-admin checks, `needsAdmin`); `job_leases` lets one instance at a time run a periodic job (the
 * audit log's retention sweep).
 */
export class PeopleData1764450000000 implements MigrationInterface {
  name = 'PeopleData1764450000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'users',
      new TableColumn({ name: 'erased_at', type: 'datetime', precision: 3, isNullable: true }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'IDX_audit_events_email', columnNames: ['email'] }),
    );
    await queryRunner.createIndex(
      'webhook_deliveries',
      new TableIndex({ name: 'IDX_webhook_deliveries_event', columnNames: ['event_id'] }),
    );
    await queryRunner.createIndex(
      'memberships',
      new TableIndex({ name: 'IDX_memberships_scope_role', columnNames: ['scope_id', 'role', 'expires_at'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'job_leases',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'holder', type: 'varchar', length: '36', isNullable: true },
          { name: 'held_until', type: 'datetime', precision: 3, isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('job_leases');
    await queryRunner.dropIndex('memberships', 'IDX_memberships_scope_role');
    await queryRunner.dropIndex('webhook_deliveries', 'IDX_webhook_deliveries_event');
    await queryRunner.dropIndex('audit_events', 'IDX_audit_events_email');
    await queryRunner.dropColumn('users', 'erased_at');
  }
}
