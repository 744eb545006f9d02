import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * An organization's sign-in policy (docs/domain-rules.md §20): single sign-on through a named
 * connection, a second factor, and up to 3 break-glass members (their organization membership ids,
 * as a JSON array). Columns of the organization, read with the viewer's memberships in the same
 * statement; nothing to backfill: every organization starts without a policy.
 */
export class SignInPolicy1764500000000 implements MigrationInterface {
  name = 'SignInPolicy1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('organizations', [
      new TableColumn({ name: 'require_sso', type: 'boolean', isNullable: false, default: 0 }),
      new TableColumn({ name: 'sso_connection', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'require_mfa', type: 'boolean', isNullable: false, default: 0 }),
      new TableColumn({ name: 'break_glass', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'sign_in_policy_updated_at', type: 'datetime', precision: 3, isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['sign_in_policy_updated_at', 'break_glass', 'require_mfa', 'sso_connection', 'require_sso']) {
      await queryRunner.dropColumn('organizations', column);
    }
  }
}
