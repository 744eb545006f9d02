import { type BenchOrganization } from './dataset';
import { type Goal, type Measurement, SIZES } from './harness';
import { AXIS_SEARCHES } from './queries';

/**
 * The goals of the query mix and the size axis (docs/performance.md): statements per request,
 * the permission layer's and the trace plugin's overhead, the ratios to bare Apollo and to the
 * bare+SQL ceiling, keyset pages, event-loop stalls, and each size-axis query's cost at the large size.
 */
export function mixGoals(
  results: Measurement[],
  large: BenchOrganization,
  axis: BenchOrganization[],
  loopStall: number,
): Goal[] {
  const find = (query: string, server = 'membership', size = large.size) =>
    results.find((r) => r.query === query && r.server === server && r.size === size)!;
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return [
    ...SIZES.map((size) => ({
      goal: `me tree SQL/req ≤ 8 (${size})`,
      value: find('me tree', 'membership', size).statementsPerRequest,
      pass: find('me tree', 'membership', size).statementsPerRequest <= 8,
    })),
    ...SIZES.map((size) => ({
      goal: `members page SQL/req ≤ 4 (${size})`,
      value: find('members page', 'membership', size).statementsPerRequest,
      pass: find('members page', 'membership', size).statementsPerRequest <= 4,
    })),
    ...SIZES.map((size) => ({
      goal: `_entities ×100 SQL/req ≤ 2 per type (+ viewer) (${size})`,
      value: find('_entities ×100', 'membership', size).statementsPerRequest,
      pass: find('_entities ×100', 'membership', size).statementsPerRequest <= 3,
    })),
    ...['members page', 'me tree'].map((query) => {
      const overhead = 1 - find(query).requestsPerSecond / find(query, 'no permissions').requestsPerSecond;
      return {
        goal: `permission overhead ≤ 10 % (${query})`,
        value: `${Math.round(overhead * 100)} %`,
        pass: overhead <= 0.1,
      };
    }),
    (() => {
      const overhead =
        1 - find('members page').requestsPerSecond / find('members page', 'no inline trace').requestsPerSecond;
      return {
        goal: 'federated-trace plugin costs ≤ 10 % when not asked (members page)',
        value: `${Math.round(overhead * 100)} %`,
        pass: overhead <= 0.1,
      };
    })(),
    ...[SIZES[0], large.size].flatMap((size) =>
      ['members page', 'me tree'].map((query) => {
        const r = ratio(
          find(query, 'membership', size).requestsPerSecond,
          find(query, 'bare Apollo', size).requestsPerSecond,
        );
        return { goal: `${query} ≥ 0.5× bare Apollo (${size})`, value: `${r}×`, pass: r >= 0.5 };
      }),
    ),
    ...[SIZES[0], large.size].flatMap((size) =>
      ['members page', 'me tree'].map((query) => {
        const r = ratio(
          find(query, 'membership, alternating', size).requestsPerSecond,
          find(query, 'bare Apollo + SQL', size).requestsPerSecond,
        );
        return { goal: `${query} ≥ 0.8× bare Apollo + SQL (${size})`, value: `${r}×`, pass: r >= 0.8 };
      }),
    ),
    ...[SIZES[0], large.size].map((size) => {
      const n = find('members page', 'membership', size).statementsPerRequest;
      return { goal: `members page in 1 round trip (${size})`, value: `${n} statements`, pass: n <= 1 };
    }),
    ...[SIZES[0], large.size].map((size) => {
      const n = find('me tree', 'membership', size).statementsPerRequest;
      return { goal: `me tree in ≤ 3 round trips (${size})`, value: `${n} statements`, pass: n <= 3 };
    }),
    (() => {
      const r = ratio(find('members page 100').p50Ms || 1, find('members page').p50Ms || 1);
      const t = ratio(find('members page').requestsPerSecond, find('members page 100').requestsPerSecond);
      return { goal: 'page 100 costs ≤ 1.5× page 1', value: `${t}× (throughput), ${r}× (p50)`, pass: t <= 1.5 };
    })(),
    { goal: 'no event-loop stall > 50 ms', value: `${Math.round(loopStall)} ms`, pass: loopStall <= 50 },
    ...(axis.length === 2
      ? [
          ...['axis: members page', 'axis: role filter', 'axis: totalCount'].map((query) => [query, 1.5] as const),
          ...AXIS_SEARCHES('').flatMap((search) => (search.counted ? [] : [[search.name, 2] as const])),
        ].map(([query, bound]) => {
          const small = find(query, 'membership', axis[0].size);
          const big = find(query, 'membership', axis[1].size);
          const cost = ratio(small.requestsPerSecond, big.requestsPerSecond);
          return {
            goal: `${query.slice(6)} at ${axis[1].size} members ≤ ${bound}× its cost at ${axis[0].size}, same SQL`,
            value: `${cost}×, ${big.statementsPerRequest} vs ${small.statementsPerRequest} statements`,
            pass: cost <= bound && big.statementsPerRequest === small.statementsPerRequest,
          };
        })
      : []),
  ];
}
