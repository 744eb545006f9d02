import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/** Seat limits per organization, and memberships (and invitations) that end by themselves. */
export class SeatsAndExpiry1764390000000 implements MigrationInterface {
  name = 'SeatsAndExpiry1764390000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const at = (name: string) => new TableColumn({ name, type: 'datetime', precision: 3, isNullable: true });
    await queryRunner.addColumn(
      'organizations',
      new TableColumn({ name: 'seat_limit', type: 'integer', isNullable: true }),
    );
    await queryRunner.addColumn('memberships', at('expires_at'));
    await queryRunner.addColumn('invitations', at('access_expires_at'));
    await queryRunner.createIndex(
      'memberships',
      new TableIndex({ name: 'IDX_memberships_expires_at', columnNames: ['expires_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('memberships', 'IDX_memberships_expires_at');
    await queryRunner.dropColumn('invitations', 'access_expires_at');
    await queryRunner.dropColumn('memberships', 'expires_at');
    await queryRunner.dropColumn('organizations', 'seat_limit');
  }
}
