import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Email domains organizations claim and verify through DNS, for joining by a verified address. */
export class EmailDomains1764400000000 implements MigrationInterface {
  name = 'EmailDomains1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = { type: 'varchar', length: '36' } as const;
    const at = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });
    await queryRunner.createTable(
      new Table({
        name: 'email_domains',
        columns: [
          { name: 'id', ...id, isPrimary: true },
          { name: 'organization_id', ...id },
          { name: 'domain', type: 'varchar', length: '253' },
          { name: 'verification_token', type: 'varchar', length: '64' },
          { name: 'enrollment', type: 'varchar', length: '16' },
          at('verified_at', true),
          { name: 'verified_domain', type: 'varchar', length: '253', isNullable: true },
          at('created_at'),
          at('updated_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_email_domains_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_email_domains_organization_domain',
            columnNames: ['organization_id', 'domain'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'UQ_email_domains_verified_domain',
            columnNames: ['verified_domain'],
            isUnique: true,
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('email_domains');
  }
}
