import { seedOrganization } from '../../../bench/dataset';
import { MemberOrderField, OrderDirection, Role } from '../../../src/domain/enums';
import {
  encodeMemberCursor,
  type MemberFilter,
  type MemberOrder,
  loadMemberPages,
  memberPageStatement,
} from '../../../src/db/member-page';
import { StatementCounter } from '../../../src/db/statement-counter';
import { openTestDatabase, type OpenedDatabase } from '../../support/databases';
import { describeOnEachDatabase } from '../../support/each-database';

const ORDERS: MemberOrder[] = Object.values(MemberOrderField).flatMap((field) =>
  Object.values(OrderDirection).map((direction) => ({ field, direction })),
);

/**
 * Every members order walks an index of the scope's memberships: the plan of each page statement,
 * in an organization of 10 000 members, sorts nothing (docs/domain-rules.md §10, and the performance goal that a
 * page costs the same at any size). Asked of the database itself: EXPLAIN on MariaDB, EXPLAIN
 * QUERY PLAN on SQLite.
 */
describeOnEachDatabase('members orders', (kind) => {
  let database: OpenedDatabase;
  let scopeId: string;
  const counter = new StatementCounter();
  beforeAll(async () => {
    database = await openTestDatabase(kind, { logger: counter });
    const seeded = await seedOrganization(database.db, 10_000, `plans-${kind}`);
    scopeId = seeded.organizationId;
    if (kind === 'mysql') await database.db.query('ANALYZE TABLE memberships, users');
  }, 180_000);
  afterAll(() => database.close());

  /** The plan's lines for the memberships table, and whether any step sorts. */
  async function plan(filter: MemberFilter): Promise<{ sorts: boolean; lines: string[] }> {
    const { sql, params } = memberPageStatement([scopeId], filter);
    if (kind === 'sqlite') {
      const rows: { detail: string }[] = await database.db.query(`EXPLAIN QUERY PLAN ${sql}`, params);
      const lines = rows.map((r) => r.detail);
      return { sorts: lines.some((l) => /TEMP B-TREE FOR ORDER BY/.test(l)), lines };
    }
    const rows: Record<string, unknown>[] = await database.db.query(`EXPLAIN ${sql}`, params);
    const lines = rows.map((r) => `${r.table} ${r.type} ${r.key} ${r.Extra ?? ''}`);
    return { sorts: rows.some((r) => /filesort/.test(String(r.Extra ?? ''))), lines };
  }

  it.each(ORDERS)('$field $direction sorts nothing, on page 1 and after a cursor', async (order) => {
    const filter: MemberFilter = { first: 50, after: null, role: null, query: null, withCount: true, order };
    const [first] = await loadMemberPages(database.db, [scopeId], filter);
    expect(first.rows).toHaveLength(50);
    expect(first.total).toBe(10_000);
    const cursorPage: MemberFilter = { ...filter, after: encodeMemberCursor(first.rows[49], order) };
    for (const asked of [filter, cursorPage]) {
      const { sorts, lines } = await plan(asked);
      expect([order, asked.after !== null, sorts, lines]).toEqual([order, asked.after !== null, false, lines]);
    }
    // And the page after the cursor continues where the first one stopped.
    const [second] = await loadMemberPages(database.db, [scopeId], cursorPage);
    const both = [...first.rows, ...second.rows].map((r) => r.id);
    expect(new Set(both).size).toBe(100);
  });

  it('answers many scopes by ranking exactly as by one branch each, in every order, filter and cursor', async () => {
    const scopes: string[] = [
      scopeId,
      ...(await database.db.query('SELECT id FROM workspaces WHERE organization_id = ?', [scopeId])).map(
        (r: { id: string }) => r.id,
      ),
      ...(await database.db.query('SELECT id FROM domains WHERE organization_id = ?', [scopeId])).map(
        (r: { id: string }) => r.id,
      ),
    ];
    expect(scopes.length).toBe(301);
    const summary = (pages: Awaited<ReturnType<typeof loadMemberPages>>) =>
      pages.map((p) => [p.rows.map((r) => r.id), p.hasNextPage]);
    let compared = 0;
    for (const order of ORDERS) {
      const [large] = await loadMemberPages(database.db, [scopeId], {
        first: 3,
        after: null,
        role: null,
        query: null,
        withCount: false,
        order,
      });
      const cursor = encodeMemberCursor(large.rows[2], order);
      for (const [role, query, after] of [
        [null, null, null],
        [null, null, cursor],
        [Role.MEMBER, null, null],
        [null, 'member 1', cursor],
      ] as const) {
        for (const first of [1, 3]) {
          const filter: MemberFilter = { first, after, role, query, withCount: true, order };
          const auto = await loadMemberPages(database.db, scopes, filter);
          // One branch each, 100 scopes a statement (SQLite takes at most 500 terms in one compound SELECT).
          const branches: Awaited<ReturnType<typeof loadMemberPages>> = [];
          for (let i = 0; i < scopes.length; i += 100) {
            branches.push(
              ...(await loadMemberPages(database.db, scopes.slice(i, i + 100), filter, { strategy: 'branches' })),
            );
          }
          expect(summary(auto)).toEqual(summary(branches));
          // Totals: the branches know them for non-empty pages only; ranking knows them all.
          auto.forEach((page, i) => {
            if (branches[i].total !== null) expect(page.total).toBe(branches[i].total);
          });
          compared++;
        }
      }
    }
    expect(compared).toBe(48);
  }, 120_000);

  it('searches 301 scopes at once as one scope at a time, in 2 statements per 100 scopes', async () => {
    const scopes: string[] = [
      scopeId,
      ...(
        await database.db.query(
          'SELECT id FROM workspaces WHERE organization_id = ? UNION ALL SELECT id FROM domains WHERE organization_id = ?',
          [scopeId, scopeId],
        )
      ).map((r: { id: string }) => r.id),
    ];
    expect(scopes.length).toBe(301);
    let nonEmpty = 0;
    for (const query of ['member 1', 'member', 'zzz']) {
      for (const withCount of [false, true]) {
        const filter: MemberFilter = { first: 3, after: null, role: null, query, withCount, order: ORDERS[0] };
        const statements = await counter.during(() => loadMemberPages(database.db, scopes, filter));
        const together = await loadMemberPages(database.db, scopes, filter);
        const alone = [];
        for (const scope of scopes) alone.push(...(await loadMemberPages(database.db, [scope], filter)));
        expect(together).toEqual(alone);
        // The plans of 4 chunks, then the pages of the scopes with matches, 100 a statement (and
        // the totals of empty pages, as many again at most).
        const matched = together.filter((page) => page.rows.length > 0).length;
        expect(statements.statements).toBeGreaterThanOrEqual(4 + Math.ceil(matched / 100));
        expect(statements.statements).toBeLessThanOrEqual(12);
        nonEmpty += together.filter((page) => page.rows.length > 0).length;
      }
    }
    expect(nonEmpty).toBeGreaterThan(0);
  }, 120_000);
});
