import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * `organizations.version`: every transaction that changes who belongs to an organization starts
 * by incrementing it (see withOrganizationLock). The write, not the number, is the point: it
 * serializes those transactions on one server and makes two of them conflict on a Galera
 * cluster, where only writes to the same row are detected.
 */
export class OrganizationVersion1764320000000 implements MigrationInterface {
  name = 'OrganizationVersion1764320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'organizations',
      new TableColumn({ name: 'version', type: 'integer', isNullable: false, default: 0 }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('organizations', 'version');
  }
}
