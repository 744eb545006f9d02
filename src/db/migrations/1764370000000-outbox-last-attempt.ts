import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/** When an email was last tried, for `Invitation.delivery.lastAttemptAt`. */
export class OutboxLastAttempt1764370000000 implements MigrationInterface {
  name = 'OutboxLastAttempt1764370000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'outbox_emails',
      new TableColumn({ name: 'last_attempt_at', type: 'datetime', precision: 3, isNullable: true }),
    );
    // Sent rows were last tried when they went out.
    await queryRunner.query("UPDATE outbox_emails SET last_attempt_at = sent_at WHERE status = 'SENT'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('outbox_emails', 'last_attempt_at');
  }
}
