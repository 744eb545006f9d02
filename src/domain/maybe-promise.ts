/**
 * Whether a value is a promise — of any realm: `instanceof Promise` misses one made elsewhere (a
 * test runner's sandbox has its own `Promise`), so graphql-js itself asks for `then`, and so do we.
 */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * `then` applied to a value now, or when the promise of it settles: a field whose answer is in hand
 * answers without a promise (graphql-js builds one for every object with a field pending).
 */
export function whenReady<T, U>(value: T | PromiseLike<T>, then: (ready: T) => U): U | Promise<U> {
  return isPromiseLike(value) ? Promise.resolve(value).then(then) : then(value);
}
