import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Invitations (only a hash of the token is stored), the email outbox that delivers them, and the
 * two billing records. One migration for MySQL/MariaDB and SQLite, names matching the entities.
 */
const id = { type: 'varchar', length: '36' } as const;
const at = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });

function fk(
  name: string,
  column: string,
  table: string,
  onDelete: 'CASCADE' | 'SET NULL' = 'CASCADE',
): TableForeignKey {
  return new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete,
    onUpdate: 'NO ACTION',
  });
}

export class InvitationsOutboxBilling1764310000000 implements MigrationInterface {
  name = 'InvitationsOutboxBilling1764310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'invitations',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'scope', type: 'varchar', length: '16' },
          { name: 'scope_id', ...id },
          { name: 'organization_id', ...id },
          { name: 'workspace_id', ...id, isNullable: true },
          { name: 'domain_id', ...id, isNullable: true },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'pending_key', type: 'varchar', length: '300', isNullable: true },
          { name: 'invited_by_id', type: 'varchar', length: '255', isNullable: true },
          at('expires_at'),
          at('answered_at', true),
          at('created_at'),
          at('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'UQ_invitations_token_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'UQ_invitations_pending_key', columnNames: ['pending_key'], isUnique: true }),
          new TableIndex({ name: 'IDX_invitations_scope_status', columnNames: ['scope_id', 'status', 'created_at'] }),
          new TableIndex({ name: 'IDX_invitations_email_status', columnNames: ['email', 'status'] }),
          new TableIndex({ name: 'IDX_invitations_organization', columnNames: ['organization_id'] }),
          new TableIndex({ name: 'IDX_invitations_workspace', columnNames: ['workspace_id'] }),
          new TableIndex({ name: 'IDX_invitations_domain', columnNames: ['domain_id'] }),
          new TableIndex({ name: 'IDX_invitations_invited_by', columnNames: ['invited_by_id'] }),
        ],
        foreignKeys: [
          fk('FK_invitations_organization', 'organization_id', 'organizations'),
          fk('FK_invitations_workspace', 'workspace_id', 'workspaces'),
          fk('FK_invitations_domain', 'domain_id', 'domains'),
          fk('FK_invitations_invited_by', 'invited_by_id', 'users', 'SET NULL'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'outbox_emails',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'organization_id', ...id },
          { name: 'invitation_id', ...id, isNullable: true },
          { name: 'recipient', type: 'varchar', length: '254' },
          { name: 'subject', type: 'varchar', length: '300' },
          { name: 'text_body', type: 'text' },
          { name: 'html_body', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer' },
          at('next_attempt_at'),
          { name: 'claim_token', type: 'varchar', length: '36', isNullable: true },
          at('claimed_until', true),
          { name: 'last_error', type: 'varchar', length: '500', isNullable: true },
          at('sent_at', true),
          at('created_at'),
          at('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_outbox_emails_due', columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({
            name: 'IDX_outbox_emails_organization_created',
            columnNames: ['organization_id', 'created_at'],
          }),
          new TableIndex({ name: 'IDX_outbox_emails_invitation', columnNames: ['invitation_id'] }),
        ],
        foreignKeys: [
          fk('FK_outbox_emails_organization', 'organization_id', 'organizations'),
          fk('FK_outbox_emails_invitation', 'invitation_id', 'invitations', 'SET NULL'),
        ],
      }),
    );

    const text = (name: string, length: string) => ({ name, type: 'varchar', length, isNullable: true });
    await queryRunner.createTable(
      new Table({
        name: 'billing_profiles',
        columns: [
          { name: 'organization_id', ...id, isPrimary: true },
          text('legal_name', '200'),
          text('billing_email', '254'),
          text('address_line1', '200'),
          text('address_line2', '200'),
          text('postal_code', '20'),
          text('city', '100'),
          text('country', '2'),
          text('vat_number', '20'),
          at('updated_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_billing_profiles_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'workspace_billings',
        columns: [
          { name: 'workspace_id', ...id, isPrimary: true },
          text('billing_email', '254'),
          text('purchase_order_number', '64'),
          text('cost_center', '64'),
          at('updated_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_workspace_billings_workspace',
            columnNames: ['workspace_id'],
            referencedTableName: 'workspaces',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['workspace_billings', 'billing_profiles', 'outbox_emails', 'invitations']) {
      await queryRunner.dropTable(table);
    }
  }
}
