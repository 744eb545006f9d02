import { MemberOrderField, OrderDirection } from '../../../src/domain/enums';
import { StatementCounter } from '../../../src/db/statement-counter';
import { loadMemberPages, type MemberFilter } from '../../../src/db/member-page';
import { seedFlatOrganization } from '../../../bench/dataset';
import { openTestDatabase, type OpenedDatabase } from '../../support/databases';
import { describeOnEachDatabase } from '../../support/each-database';

/**
 * Large enough that half the members are more than a capped count (10 000), and that both
 * databases plan every statement below exactly as they do at 100 000 members (compared line by
 * line, EXPLAIN for EXPLAIN, when this was lowered from 100 000: seeding was most of the file's
 * time).
 */
const SIZE = 30_000;
const LABEL = 'plans';

/**
 * docs/domain-rules.md §3: a search is as fast in a large organization as in a small one because
 * no statement of it reads the whole scope. Asked of the database itself, in an organization of
 * 30 000 members (written through the one writer, as `npm run seed:large` does): every statement
 * of a search page and of its count — EXPLAIN on MariaDB, EXPLAIN QUERY PLAN on SQLite — reads
 * indexes by key or by range, never a whole table or index. The people are `largeMember`s: half
 * match `al`, all match the organization's address, `e0000005` is one person.
 */
describeOnEachDatabase('members search plans', (kind) => {
  let database: OpenedDatabase;
  let scopeId: string;
  const counter = new StatementCounter();
  beforeAll(async () => {
    database = await openTestDatabase(kind, { logger: counter });
    scopeId = (await seedFlatOrganization(database.db, SIZE, `${LABEL}${kind}`)).organizationId;
    if (kind === 'mysql') await database.db.query('ANALYZE TABLE memberships, member_words, users');
  }, 240_000);
  afterAll(() => database.close());

  /** The steps of a statement's plan that read a whole table or index. */
  async function fullScans(sql: string, params: unknown[]): Promise<string[]> {
    if (kind === 'sqlite') {
      const rows: { detail: string }[] = await database.db.query(`EXPLAIN QUERY PLAN ${sql}`, params);
      return rows
        .map((r) => r.detail)
        .filter((detail) => /^SCAN (m|u|sw|cw|cm|member_words|memberships|users)\b/.test(detail));
    }
    const rows: Record<string, unknown>[] = await database.db.query(`EXPLAIN ${sql}`, params);
    return rows
      .filter((r) => ['ALL', 'index'].includes(String(r.type)) && !String(r.table).startsWith('<'))
      .map((r) => `${r.table} ${r.type} ${r.key}`);
  }

  it.each([
    ['one word, everyone', `${LABEL}${'$kind'}`, SIZE],
    ['two words, half', `al ${LABEL}${'$kind'}`, SIZE / 2],
    ['a prefix of one member', 'e0000005', 1],
    ['a prefix of half', 'al', SIZE / 2],
    ['nobody', 'zzz', 0],
  ])(
    '%s (%s): no statement reads the whole scope, in every order',
    async (_label, asked, matches) => {
      const query = asked.replace('$kind', kind);
      for (const field of Object.values(MemberOrderField)) {
        for (const direction of Object.values(OrderDirection)) {
          const filter: MemberFilter = {
            first: 5,
            after: null,
            role: null,
            query,
            withCount: true,
            order: { field, direction },
          };
          const { result, queries, parameters } = await counter.during(() =>
            loadMemberPages(database.db, [scopeId], filter),
          );
          const [page] = result;
          expect(page.rows).toHaveLength(Math.min(5, matches));
          expect([page.total, page.totalIsLowerBound]).toEqual(matches > 10_000 ? [10_000, true] : [matches, false]);
          expect(queries.length).toBeLessThanOrEqual(2);
          for (const [i, sql] of queries.entries()) {
            expect([field, direction, sql.slice(0, 60), await fullScans(sql, parameters[i])]).toEqual([
              field,
              direction,
              sql.slice(0, 60),
              [],
            ]);
          }
        }
      }
    },
    120_000,
  );
});
