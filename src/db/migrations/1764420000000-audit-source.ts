import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Where each audit event came from (a person, a directory, the identity provider, the service),
 * and the provisioning token behind a directory's change. Events written before have a person
 * behind them, or none: the system's.
 */
export class AuditSource1764420000000 implements MigrationInterface {
  name = 'AuditSource1764420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'audit_events',
      new TableColumn({ name: 'source', type: 'varchar', length: '20', default: "'USER'" }),
    );
    await queryRunner.addColumn(
      'audit_events',
      new TableColumn({ name: 'provisioning_token_id', type: 'varchar', length: '36', isNullable: true }),
    );
    await queryRunner.query("UPDATE audit_events SET source = 'SYSTEM' WHERE actor_id IS NULL");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('audit_events', 'provisioning_token_id');
    await queryRunner.dropColumn('audit_events', 'source');
  }
}
