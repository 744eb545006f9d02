/**
 * The V8 settings the server is started with: `npm start` passes them to node (package.json, kept in
 * step by test/unit/node-flags.test.ts), and the bench starts its servers — ours and the bare
 * ceiling alike — with them. They trade a larger young generation for less garbage collection:
 *
 * - `--max-semi-space-size=64` (MB; 16 by default): a request's short-lived objects (rows, pages,
 *   the result) die before they are copied twice, instead of being promoted to the old generation
 *   while ten other requests are in flight. Under the organization tree's load the GC took a
 *   quarter of the busy CPU at the default, a few per cent with this.
 * - `--heap-growing-percent=50`: after a full collection the old generation may grow by half of
 *   what is alive before the next, where V8 would let a busy server grow it up to fourfold — the
 *   young generation's extra room is paid back there, and the peak RSS stays below the default's.
 *
 * docs/deployment.md says how to pass them where the server is not started by `npm start`.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64', '--heap-growing-percent=50'] as const;
