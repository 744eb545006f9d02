import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type as osType } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../src/db/data-source';
import { MemberOrderField, OrderDirection } from '../src/domain/enums';
import { loadMemberPages, type MemberFilter } from '../src/db/member-page';

/**
 * `node dist/bench/search-candidates.js --organization ID [--label L]` (DATABASE_URL): measures the
 * ways a members search could be answered, on an organization `npm run seed:large` made, one
 * request at a time, so that the docs can say why the service searches as it does:
 *
 * - `words table` — the service's own: an index of each member's words, (scope_id, word)
 *   prefix ranges, the page walked from the rarest word or along the order's index;
 * - `full text` — the database's own full-text search (MariaDB InnoDB FULLTEXT in boolean mode,
 *   `+word*` per query word; SQLite FTS5 with prefix queries), built here on a copy of the words;
 * - `substring scan` — what the service did before: `LIKE '%…%'` on the folded name and email.
 *
 * Each runs the same searches (half the members, one member, two words), the page of 5 and the
 * count capped at 10 001, and is timed over 20 runs. The figures go to
 * bench/results/search-candidates-<database>.json, which the performance page shows.
 */

interface Figure {
  candidate: string;
  search: string;
  statement: 'page' | 'count';
  ms: number;
  rows: number;
}

async function time(work: () => Promise<number>): Promise<{ ms: number; rows: number }> {
  let rows = await work();
  const runs = 20;
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) rows = await work();
  return { ms: Math.round((Number(process.hrtime.bigint() - started) / 1e6 / runs) * 100) / 100, rows };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { organization: { type: 'string' }, label: { type: 'string' } } });
  const organizationId = values.organization;
  if (!organizationId) throw new Error('usage: search-candidates --organization ID [--label LABEL]');
  const url = process.env.DATABASE_URL ?? '';
  const db: DataSource = await openDatabase(url);
  const sqlite = db.options.type === 'better-sqlite3';
  const label = values.label ?? 'mil';
  const searches = [
    { name: 'half the members (al)', words: ['al'] },
    { name: 'one member (e0000005)', words: ['e0000005'] },
    { name: `two words (al ${label})`, words: ['al', label] },
  ];
  const [{ n: size }] = await db.query('SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ?', [organizationId]);
  const figures: Figure[] = [];
  const record = async (
    candidate: string,
    search: string,
    statement: 'page' | 'count',
    work: () => Promise<number>,
  ) => {
    const { ms, rows } = await time(work);
    figures.push({ candidate, search, statement, ms, rows });
    process.stdout.write(`${candidate.padEnd(15)} ${search.padEnd(28)} ${statement.padEnd(6)} ${ms} ms (${rows})\n`);
  };

  for (const search of searches) {
    const filter = (withCount: boolean): MemberFilter => ({
      first: 5,
      after: null,
      role: null,
      query: search.words.join(' '),
      withCount,
      order: { field: MemberOrderField.JOINED_AT, direction: OrderDirection.ASC },
    });
    await record(
      'words table',
      search.name,
      'page',
      async () => (await loadMemberPages(db, [organizationId], filter(false)))[0].rows.length,
    );
    await record(
      'words table',
      search.name,
      'count',
      async () => (await loadMemberPages(db, [organizationId], filter(true)))[0].total ?? -1,
    );
  }

  // The substring scan of before: every member's folded name and email, for the page and the count.
  for (const search of searches) {
    const where = search.words.map(() => '(m.name_key LIKE ? OR m.email_key LIKE ?)').join(' AND ');
    const params = search.words.flatMap((w) => [`%${w}%`, `%${w}%`]);
    await record(
      'substring scan',
      search.name,
      'page',
      async () =>
        (
          await db.query(
            `SELECT m.id FROM memberships m WHERE m.scope_id = ? AND ${where} ORDER BY m.created_at, m.id LIMIT 6`,
            [organizationId, ...params],
          )
        ).length,
    );
    await record('substring scan', search.name, 'count', async () =>
      Number(
        (
          await db.query(
            `SELECT COUNT(*) AS n FROM (SELECT 1 FROM memberships m WHERE m.scope_id = ? AND ${where} LIMIT 10001) t`,
            [organizationId, ...params],
          )
        )[0].n,
      ),
    );
  }

  // The database's full-text search, on a copy of each member's words (the same words as ours).
  process.stdout.write('building the full-text index…\n');
  if (sqlite) {
    await db.query('DROP TABLE IF EXISTS bench_fts');
    await db.query("CREATE VIRTUAL TABLE bench_fts USING fts5(words, membership_id UNINDEXED, prefix='2 3 4')");
    await db.query(
      `INSERT INTO bench_fts (words, membership_id) SELECT group_concat(w.word, ' '), w.membership_id FROM member_words w WHERE w.scope_id = ? GROUP BY w.membership_id`,
      [organizationId],
    );
  } else {
    await db.query('DROP TABLE IF EXISTS bench_ft');
    await db.query(
      'CREATE TABLE bench_ft (membership_id VARCHAR(36) PRIMARY KEY, scope_id VARCHAR(36), created_at DATETIME(3), words TEXT, FULLTEXT INDEX ft (words)) ENGINE=InnoDB',
    );
    await db.query(
      `INSERT INTO bench_ft SELECT m.id, m.scope_id, m.created_at, GROUP_CONCAT(w.word SEPARATOR ' ') FROM memberships m JOIN member_words w ON w.membership_id = m.id WHERE m.scope_id = ? GROUP BY m.id`,
      [organizationId],
    );
  }
  for (const search of searches) {
    if (sqlite) {
      const match = search.words.map((w) => `"${w}"*`).join(' AND ');
      await record(
        'full text',
        search.name,
        'page',
        async () =>
          (
            await db.query(
              `SELECT m.id FROM bench_fts f JOIN memberships m ON m.id = f.membership_id WHERE bench_fts MATCH ? ORDER BY m.created_at, m.id LIMIT 6`,
              [match],
            )
          ).length,
      );
      await record('full text', search.name, 'count', async () =>
        Number(
          (
            await db.query(
              `SELECT COUNT(*) AS n FROM (SELECT 1 FROM bench_fts WHERE bench_fts MATCH ? LIMIT 10001) t`,
              [match],
            )
          )[0].n,
        ),
      );
    } else {
      const against = search.words.map((w) => `+${w}*`).join(' ');
      await record(
        'full text',
        search.name,
        'page',
        async () =>
          (
            await db.query(
              `SELECT membership_id FROM bench_ft WHERE scope_id = ? AND MATCH(words) AGAINST(? IN BOOLEAN MODE) ORDER BY created_at, membership_id LIMIT 6`,
              [organizationId, against],
            )
          ).length,
      );
      await record('full text', search.name, 'count', async () =>
        Number(
          (
            await db.query(
              `SELECT COUNT(*) AS n FROM (SELECT 1 FROM bench_ft WHERE scope_id = ? AND MATCH(words) AGAINST(? IN BOOLEAN MODE) LIMIT 10001) t`,
              [organizationId, against],
            )
          )[0].n,
        ),
      );
    }
  }
  await db.query(sqlite ? 'DROP TABLE bench_fts' : 'DROP TABLE bench_ft');
  const database = sqlite ? 'SQLite (better-sqlite3)' : String((await db.query('SELECT VERSION() AS v'))[0].v);
  await db.destroy();
  const file = resolve(__dirname, `../../bench/results/search-candidates-${sqlite ? 'sqlite' : 'mariadb'}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: {
          cpu: cpus()[0]?.model,
          cores: cpus().length,
          memoryGb: Math.round(totalmem() / 1e9),
          os: `${osType()} ${release()}`,
          node: process.version,
          database,
        },
        members: Number(size),
        figures,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
