import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Webhook endpoints per organization, and the outbox of their deliveries. */
export class Webhooks1764360000000 implements MigrationInterface {
  name = 'Webhooks1764360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = { type: 'varchar', length: '36' } as const;
    const at = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });
    await queryRunner.createTable(
      new Table({
        name: 'webhook_endpoints',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'organization_id', ...id },
          { name: 'url', type: 'varchar', length: '2048' },
          { name: 'actions', type: 'varchar', length: '1000', default: "''" },
          { name: 'enabled', type: 'boolean' },
          { name: 'secret', type: 'varchar', length: '100' },
          at('created_at'),
          at('updated_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_webhook_endpoints_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
        indices: [new TableIndex({ name: 'IDX_webhook_endpoints_organization', columnNames: ['organization_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'endpoint_id', ...id },
          { name: 'organization_id', ...id },
          { name: 'event_id', ...id },
          { name: 'action', type: 'varchar', length: '40' },
          { name: 'url', type: 'varchar', length: '2048' },
          { name: 'secret', type: 'varchar', length: '100' },
          { name: 'body', type: 'text' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'attempts', type: 'integer', default: 0 },
          at('last_attempt_at', true),
          { name: 'response_status', type: 'integer', isNullable: true },
          { name: 'last_error', type: 'varchar', length: '500', isNullable: true },
          at('next_attempt_at', true),
          { name: 'claim_token', type: 'varchar', length: '36', isNullable: true },
          at('claimed_until', true),
          at('created_at'),
          at('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_webhook_deliveries_due', columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({
            name: 'IDX_webhook_deliveries_endpoint_created',
            columnNames: ['endpoint_id', 'created_at', 'id'],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_deliveries');
    await queryRunner.dropTable('webhook_endpoints');
  }
}
