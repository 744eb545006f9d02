import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Fair delivery: each organization's due emails and webhook calls are found by their own index,
 * so that a dispatcher can take organizations in turn; and an endpoint remembers since when its
 * deliveries have all failed, so that it is disabled after WEBHOOK_DISABLE_AFTER_HOURS.
 */
export class FairDelivery1764430000000 implements MigrationInterface {
  name = 'FairDelivery1764430000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'webhook_endpoints',
      new TableColumn({ name: 'failing_since', type: 'datetime', precision: 3, isNullable: true }),
    );
    await queryRunner.createIndex(
      'webhook_deliveries',
      new TableIndex({
        name: 'IDX_webhook_deliveries_organization_due',
        columnNames: ['organization_id', 'status', 'next_attempt_at'],
      }),
    );
    await queryRunner.createIndex(
      'outbox_emails',
      new TableIndex({
        name: 'IDX_outbox_emails_organization_due',
        columnNames: ['organization_id', 'status', 'next_attempt_at'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('outbox_emails', 'IDX_outbox_emails_organization_due');
    await queryRunner.dropIndex('webhook_deliveries', 'IDX_webhook_deliveries_organization_due');
    await queryRunner.dropColumn('webhook_endpoints', 'failing_since');
  }
}
