import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * The people an organization's audit log names (`auditLogPeople`, docs/domain-rules.md §12), read
 * from the index alone: without these, finding them read every event of the organization (100 000
 * events: about a second on SQLite).
 */
export class AuditPeople1764800000000 implements MigrationInterface {
  name = 'AuditPeople1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'IDX_audit_events_organization_actor', columnNames: ['organization_id', 'actor_id'] }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'IDX_audit_events_organization_subject', columnNames: ['organization_id', 'subject_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('audit_events', 'IDX_audit_events_organization_subject');
    await queryRunner.dropIndex('audit_events', 'IDX_audit_events_organization_actor');
  }
}
