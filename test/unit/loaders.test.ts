import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Organization } from '../../entities/organization.entity';
import { User } from '../../entities/user.entity';
import { openDatabase } from '../../src/db/data-source';
import { createLoaders } from '../../src/loaders';
import { settlingLoader } from '../../src/loaders/settling';

/** The loaders answer in the order of their keys, with null for a key that matches nothing, in one batch. */
describe('loaders (embedded SQLite in memory)', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await openDatabase('sqlite::memory:');
  });
  afterAll(() => db.destroy());

  it('answer by key, in key order, null for the missing, in one statement per batch', async () => {
    const now = new Date();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, id] of ids.entries()) {
      await db.getRepository(Organization).insert({ id, name: `O${i}`, createdAt: now, updatedAt: now });
    }
    let statements = 0;
    const query = db.query.bind(db);
    const counting = Object.create(db, {
      getRepository: {
        value: (target: unknown) => {
          const repo = db.getRepository(target as never);
          return Object.assign(Object.create(repo), {
            findBy: (where: unknown) => {
              statements++;
              return repo.findBy(where as never);
            },
          });
        },
      },
      query: { value: query },
    });
    const loaders = createLoaders(counting as DataSource, new Date());
    const missing = randomUUID();
    const asked = [ids[2], missing, ids[0], ids[1], ids[0]];
    const answers = await Promise.all(asked.map((id) => loaders.organization.load(id)));
    expect(answers.map((o) => o?.name ?? null)).toEqual(['O2', null, 'O0', 'O1', 'O0']);
    expect(statements).toBe(1);
  });

  it('keys users by their subject, which is not a UUID', async () => {
    const now = new Date();
    for (const sub of ['idp|b', 'idp|a']) {
      await db.getRepository(User).insert({
        id: sub,
        email: `${sub.slice(4)}@x.test`,
        emailVerified: true,
        displayName: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    const loaders = createLoaders(db, new Date());
    const users = await loaders.user.loadMany(['idp|a', 'idp|zz', 'idp|b']);
    expect(users.map((u) => (u instanceof User ? u.email : u))).toEqual(['a@x.test', null, 'b@x.test']);
  });
});

/** What a settling loader answers without a promise: exactly what its cache holds, settled. */
describe('settlingLoader', () => {
  it('answers now what it has loaded or been primed with, and forgets with its cache', async () => {
    const batches: string[][] = [];
    const loader = settlingLoader<string, string>(async (keys) => {
      batches.push([...keys]);
      return keys.map((key) => (key === 'bad' ? new Error('no') : key.toUpperCase()));
    });
    expect(loader.now('a')).toBeUndefined();
    const pending = loader.load('a');
    expect(loader.now('a')).toBeUndefined(); // loading is not loaded
    expect(await pending).toBe('A');
    expect(loader.now('a')).toBe('A');
    await expect(loader.load('bad')).rejects.toThrow('no');
    expect(loader.now('bad')).toBeUndefined();
    loader.prime('b', 'primed');
    loader.prime('b', 'again'); // as DataLoader: the first value stays
    expect([loader.now('b'), await loader.load('b')]).toEqual(['primed', 'primed']);
    loader.clear('a');
    expect(loader.now('a')).toBeUndefined();
    loader.clearAll();
    expect(loader.now('b')).toBeUndefined();
    expect(await loader.load('b')).toBe('B');
    expect(batches).toEqual([['a'], ['bad'], ['b']]);
  });
});
