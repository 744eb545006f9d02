import type { DataSource } from 'typeorm';
import { Organization } from '../../entities/organization.entity';
import { openDatabase } from '../../src/db/data-source';
import {
  checkTransactionNesting,
  detachedFromTransaction,
  inTransaction,
  NestedTransactionError,
} from '../../src/db/transaction';

/** On SQLite a transaction nested in another of the same database would wait on itself: it is refused at once. */
describe('inTransaction (embedded SQLite in memory)', () => {
  let db: DataSource;
  let other: DataSource;
  beforeAll(async () => {
    db = await openDatabase('sqlite::memory:');
    other = await openDatabase('sqlite::memory:');
  });
  afterAll(async () => {
    await db.destroy();
    await other.destroy();
  });

  const organization = (name: string) => {
    const now = new Date('2026-01-01T00:00:00Z');
    return { id: `00000000-0000-4000-8000-${name.padStart(12, '0')}`, name, createdAt: now, updatedAt: now };
  };

  it('refuses a transaction inside another of the same database with a clear error, and rolls the outer back', async () => {
    const attempt = inTransaction(db, async (em) => {
      await em.insert(Organization, organization('1'));
      return inTransaction(db, async () => 'never');
    });
    await expect(attempt).rejects.toThrow(NestedTransactionError);
    await expect(attempt).rejects.toThrow(/pass the outer transaction’s EntityManager down/);
    expect(await db.getRepository(Organization).count()).toBe(0);
  });

  it('still runs transactions one after another, and one of another database inside', async () => {
    const result = await inTransaction(db, async (em) => {
      await em.insert(Organization, organization('2'));
      return inTransaction(other, async (em2) => {
        await em2.insert(Organization, organization('3'));
        return 'both';
      });
    });
    expect(result).toBe('both');
    await inTransaction(db, (em) => em.insert(Organization, organization('4')));
    expect(await db.getRepository(Organization).count()).toBe(2);
    expect(await other.getRepository(Organization).count()).toBe(1);
  });

  it('lets work started in a transaction but not waited for take its own turn after it', async () => {
    let background: Promise<unknown> = Promise.resolve();
    await inTransaction(db, async (em) => {
      await em.insert(Organization, organization('5'));
      background = detachedFromTransaction(() =>
        inTransaction(db, (em2) => em2.insert(Organization, organization('6'))),
      );
    });
    await background;
    expect(await db.getRepository(Organization).countBy({ name: '6' })).toBe(1);
  });

  it('without the nesting check (production), runs transactions, nested ones of another database and detached work alike', async () => {
    checkTransactionNesting(false);
    try {
      const result = await inTransaction(db, async (em) => {
        await em.insert(Organization, organization('7'));
        return inTransaction(other, async (em2) => {
          await em2.insert(Organization, organization('8'));
          return 'both';
        });
      });
      expect(result).toBe('both');
      let background: Promise<unknown> = Promise.resolve();
      await inTransaction(db, async (em) => {
        await em.insert(Organization, organization('9'));
        background = detachedFromTransaction(() =>
          inTransaction(db, (em2) => em2.insert(Organization, organization('10'))),
        );
      });
      await background;
      expect(await db.getRepository(Organization).countBy({ name: '10' })).toBe(1);
    } finally {
      checkTransactionNesting(true);
    }
    // And on again, the check refuses a nested transaction as before.
    await expect(inTransaction(db, () => inTransaction(db, async () => 'never'))).rejects.toThrow(
      NestedTransactionError,
    );
  });
});
