import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * The members search index (docs/domain-rules.md §3): `member_words` holds, for every membership,
 * each word of its person's display name and email (split at white space and `@ . _ - +`, lower
 * case without accents), so that a query word's matches are one index range of (scope_id, word).
 * Built here for the memberships that exist; the service keeps it in step from then on. The
 * users' `search_key` (a substring search over a whole scope) goes.
 *
 * The word function is frozen here as this migration applies it.
 */
function searchWords(...texts: (string | null)[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    const folded = text
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .normalize('NFC');
    for (const word of folded.split(/[\s@._+-]+/u)) if (word !== '') words.add([...word].slice(0, 100).join(''));
  }
  return [...words];
}

export class MemberWords1764440000000 implements MigrationInterface {
  name = 'MemberWords1764440000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = { type: 'varchar', length: '36' } as const;
    await queryRunner.createTable(
      new Table({
        name: 'member_words',
        columns: [
          { name: 'scope_id', ...id, isPrimary: true },
          { name: 'word', type: 'varchar', length: '100', isPrimary: true },
          { name: 'membership_id', ...id, isPrimary: true },
        ],
        indices: [new TableIndex({ name: 'IDX_member_words_membership', columnNames: ['membership_id', 'word'] })],
      }),
    );
    if (queryRunner.connection.options.type !== 'better-sqlite3') {
      // Bytewise and without trailing-space padding, as SQLite compares: a prefix is a byte range.
      await queryRunner.query(
        'ALTER TABLE `member_words` MODIFY `word` varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL',
      );
    }
    const memberships: { id: string; scope_id: string; name_key: string; email_key: string }[] =
      await queryRunner.query('SELECT id, scope_id, name_key, email_key FROM memberships');
    const rows = memberships.flatMap((m) =>
      searchWords(m.name_key, m.email_key).map((word) => [m.scope_id, word, m.id]),
    );
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      await queryRunner.query(
        `INSERT INTO member_words (scope_id, word, membership_id) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
        chunk.flat(),
      );
    }
    await queryRunner.dropColumn('users', 'search_key');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'users',
      new TableColumn({ name: 'search_key', type: 'varchar', length: '520', isNullable: false, default: "''" }),
    );
    await queryRunner.dropTable('member_words');
  }
}
