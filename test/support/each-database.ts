import type { AppOptions } from '../../src/http/app';
import type { Clock } from '../../src/config/clock';
import { type OpenedDatabase, TEST_DATABASES, type TestDatabase } from './databases';
import { createWorld, type World } from './factories';
import { createHarness, type Harness } from './harness';

/**
 * The frame most database tests share: the same tests on every database this run has (the
 * embedded SQLite always, MariaDB too when TEST_DATABASE_URL names one), each with the whole
 * server on a fresh database of its own.
 *
 *   describeOnEachDatabase('the audit log', (kind) => {
 *     const h = useHarness(kind);
 *     const world = useWorld(h);
 *     it('…', async () => { await h.run(…, world.people.orgAdmin); });
 *   });
 */
export function describeOnEachDatabase(title: string, body: (kind: TestDatabase) => void): void {
  describe.each(TEST_DATABASES)(`${title} on %s`, body);
}

/**
 * Stands in for what `make` builds in `beforeAll`, from then on: the tests use it as if it were
 * the thing itself (a proxy reads every property from it), so that no test holds a `let` that a
 * hook fills in.
 */
function later<T extends object>(make: () => Promise<T>, close?: (value: T) => Promise<void>): T {
  let value: T | null = null;
  beforeAll(async () => {
    value = await make();
  });
  if (close) afterAll(() => (value ? close(value) : undefined));
  return new Proxy({} as T, {
    get(_target, property) {
      if (!value) throw new Error('used before its beforeAll ran: call it inside a test or a hook');
      const found = Reflect.get(value, property, value);
      return typeof found === 'function' ? found.bind(value) : found;
    },
  });
}

/** The whole server on a fresh database of `kind`, made before the describe's tests and closed after. */
export function useHarness(
  kind: TestDatabase,
  env: Record<string, string> = {},
  options: AppOptions & { database?: OpenedDatabase; clock?: Clock } = { nudgeOutbox: false },
): Harness {
  return later(
    () => createHarness(kind, env, options),
    (h) => h.close(),
  );
}

/** One world of personas (`createWorld`) in the harness, made before the describe's tests. */
export function useWorld(h: Harness): World {
  return later(() => createWorld(h));
}

/**
 * A fresh world (`createWorld`) before each test of the describe, so that no test shares another's
 * organization or its hourly budgets: the tests use it as the current test's world.
 */
export function useWorldPerTest(h: Harness): World {
  let current: World | null = null;
  beforeEach(async () => {
    current = await createWorld(h);
  });
  return new Proxy({} as World, {
    get(_target, property) {
      if (!current) throw new Error('the world is made in beforeEach: use it inside a test');
      const found = Reflect.get(current, property, current);
      return typeof found === 'function' ? found.bind(current) : found;
    },
  });
}
