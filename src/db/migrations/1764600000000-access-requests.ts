import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Requests to join (docs/domain-rules.md §20): who asked to join which scope, with what message,
 * and how it was decided. `pending_key` (unique, null once the request is no longer PENDING) keeps
 * one pending request per person and scope; `notified_at` is when the managers' digest named it.
 */
export class AccessRequests1764600000000 implements MigrationInterface {
  name = 'AccessRequests1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = { type: 'varchar', length: '36' } as const;
    const person = { type: 'varchar', length: '255' } as const;
    const at = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });
    const key = (column: string, table: string, onDelete: 'CASCADE' | 'SET NULL', name: string) =>
      new TableForeignKey({
        name: `FK_access_requests_${name}`,
        columnNames: [column],
        referencedTableName: table,
        referencedColumnNames: ['id'],
        onDelete,
        onUpdate: 'NO ACTION',
      });
    await queryRunner.createTable(
      new Table({
        name: 'access_requests',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          at('created_at'),
          at('updated_at'),
          { name: 'scope', type: 'varchar', length: '16' },
          { name: 'scope_id', ...id },
          { name: 'organization_id', ...id },
          { name: 'workspace_id', ...id, isNullable: true },
          { name: 'domain_id', ...id, isNullable: true },
          { name: 'requester_id', ...person },
          { name: 'message', type: 'varchar', length: '500', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'pending_key', type: 'varchar', length: '300', isNullable: true },
          at('expires_at'),
          at('decided_at', true),
          { name: 'decided_by_id', ...person, isNullable: true },
          { name: 'reason', type: 'varchar', length: '500', isNullable: true },
          at('notified_at', true),
        ],
        foreignKeys: [
          key('organization_id', 'organizations', 'CASCADE', 'organization'),
          key('workspace_id', 'workspaces', 'CASCADE', 'workspace'),
          key('domain_id', 'domains', 'CASCADE', 'domain'),
          key('requester_id', 'users', 'CASCADE', 'requester'),
          key('decided_by_id', 'users', 'SET NULL', 'decided_by'),
        ],
        indices: [
          new TableIndex({ name: 'UQ_access_requests_pending_key', columnNames: ['pending_key'], isUnique: true }),
          new TableIndex({
            name: 'IDX_access_requests_organization_created',
            columnNames: ['organization_id', 'created_at'],
          }),
          new TableIndex({
            name: 'IDX_access_requests_requester_created',
            columnNames: ['requester_id', 'created_at'],
          }),
          new TableIndex({ name: 'IDX_access_requests_scope_notified', columnNames: ['scope_id', 'notified_at'] }),
          new TableIndex({ name: 'IDX_access_requests_status_expires', columnNames: ['status', 'expires_at'] }),
          new TableIndex({ name: 'IDX_access_requests_workspace', columnNames: ['workspace_id'] }),
          new TableIndex({ name: 'IDX_access_requests_domain', columnNames: ['domain_id'] }),
          new TableIndex({ name: 'IDX_access_requests_decided_by', columnNames: ['decided_by_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('access_requests');
  }
}
