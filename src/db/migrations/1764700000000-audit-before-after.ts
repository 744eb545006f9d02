import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * What a setting was and became, in the audit log (docs/domain-rules.md §12): the seat limit, the
 * billing details changed, the day access ends, a provisioning token's name. Earlier events have
 * neither: they stay as they were written.
 */
export class AuditBeforeAfter1764700000000 implements MigrationInterface {
  name = 'AuditBeforeAfter1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('audit_events', [
      new TableColumn({ name: 'before_value', type: 'varchar', length: '500', isNullable: true }),
      new TableColumn({ name: 'after_value', type: 'varchar', length: '500', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('audit_events', 'after_value');
    await queryRunner.dropColumn('audit_events', 'before_value');
  }
}
