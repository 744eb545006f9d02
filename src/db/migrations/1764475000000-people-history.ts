import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * A person's history, for their erasure and their identity provider's events (docs/domain-rules.md
 * §16): `user_addresses` remembers every address a person has had here (filled with each living
 * person's current one), so that an erasure replaces the old ones too; `identity_events` remembers
 * the messages already applied, and `users.identity_event_at` the newest one's timestamp, so that a
 * replay or a late, older event changes nothing.
 */
export class PeopleHistory1764475000000 implements MigrationInterface {
  name = 'PeopleHistory1764475000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const at = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });
    await queryRunner.addColumn('users', new TableColumn(at('identity_event_at', true)));
    await queryRunner.createTable(
      new Table({
        name: 'user_addresses',
        columns: [
          { name: 'user_id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'email', type: 'varchar', length: '254', isPrimary: true },
          at('first_seen_at'),
        ],
      }),
    );
    if (queryRunner.connection.options.type !== 'better-sqlite3') {
      // Bytewise, as users.email (1764330000000): émile@ is not emile@. SQLite compares bytes already.
      await queryRunner.query(
        'ALTER TABLE `user_addresses` MODIFY `email` varchar(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL',
      );
    }
    await queryRunner.query(
      `INSERT INTO user_addresses (user_id, email, first_seen_at)
       SELECT id, email, created_at FROM users WHERE erased_at IS NULL AND email <> ''`,
    );
    await queryRunner.createTable(
      new Table({
        name: 'identity_events',
        columns: [
          { name: 'message_id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'type', type: 'varchar', length: '40' },
          { name: 'user_id', type: 'varchar', length: '255' },
          at('sent_at'),
          at('received_at'),
        ],
        indices: [new TableIndex({ name: 'IDX_identity_events_received', columnNames: ['received_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('identity_events');
    await queryRunner.dropTable('user_addresses');
    await queryRunner.dropColumn('users', 'identity_event_at');
  }
}
