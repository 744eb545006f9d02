import DataLoader from 'dataloader';
import { isPromiseLike } from '../domain/maybe-promise';

/** A DataLoader that also tells, without a promise, what it has already loaded or been primed with. */
export type SettlingLoader<K, V, C = K> = DataLoader<K, V, C> & {
  /** The value loaded (or primed) for `key` in this request, else undefined: not loaded yet, or loading. */
  now(key: K): V | undefined;
};

/**
 * A request's loader whose settled values a field can read synchronously: a tree's lists, read
 * ahead in one statement, then answer their hundreds of fields without a promise each (graphql-js
 * builds a promise for every object that has one field pending). Its cache and what `now` answers
 * are kept together: `prime`, `clear` and `clearAll` act on both.
 */
export function settlingLoader<K, V, C = K>(
  batch: DataLoader.BatchLoadFn<K, V>,
  cacheKeyFn: (key: K) => C = (key) => key as unknown as C,
): SettlingLoader<K, V, C> {
  const settled = new Map<C, V>();
  const loader = new DataLoader<K, V, C>(
    async (keys) => {
      const values = await batch(keys);
      keys.forEach((key, i) => {
        const value = values[i];
        if (!(value instanceof Error)) settled.set(cacheKeyFn(key), value);
      });
      return values;
    },
    { cacheKeyFn },
  );
  const prime = loader.prime.bind(loader);
  const clear = loader.clear.bind(loader);
  const clearAll = loader.clearAll.bind(loader);
  return Object.assign(loader, {
    now: (key: K) => settled.get(cacheKeyFn(key)),
    prime: (key: K, value: V | PromiseLike<V> | Error) => {
      const cacheKey = cacheKeyFn(key);
      // As DataLoader's own prime: a key already there keeps its value.
      if (!settled.has(cacheKey) && !(value instanceof Error) && !isPromiseLike(value)) settled.set(cacheKey, value);
      return prime(key, value);
    },
    clear: (key: K) => {
      settled.delete(cacheKeyFn(key));
      return clear(key);
    },
    clearAll: () => {
      settled.clear();
      return clearAll();
    },
  });
}
