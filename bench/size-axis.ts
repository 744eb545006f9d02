import { DataSource } from 'typeorm';
import { signDevelopmentToken } from '../src/auth/jwt';
import { largeMember } from '../src/dev/large-organization';
import { type BenchOrganization } from './dataset';
import { flatOrganizations } from './decisions';
import { body, type Measurement, measure, SECRET, type Server, startProcess } from './harness';
import { AXIS_PAGE, AXIS_ROLE, AXIS_SEARCH, AXIS_SEARCH_COUNTED, AXIS_SEARCHES, MEMBER_COUNT } from './queries';

/**
 * The size axis: the members lists of a 10-member and a large organization (members only,
 * written through the one writer in batches as `npm run seed:large` does), page, filtered
 * page, searches and count. BENCH_MILLION sets the large size (default 1 000 000; 0 skips it).
 */
export async function measureSizeAxis(
  db: DataSource,
  env: Record<string, string>,
  servers: Server[],
): Promise<{ axis: BenchOrganization[]; results: Measurement[] }> {
  const results: Measurement[] = [];
  // Last, on a fresh server: a bulk seed leaves MariaDB busy (purge, flushing) for a while,
  // which would weigh on whatever was measured next.
  const sized = await startProcess('server.js', env, 4104, 4204);
  servers.push(sized);
  const axis = await flatOrganizations(db);
  // Then measure each query at both sizes in turn, twice, keeping each size's better run —
  // so that what differs between the two figures is the size, not the moment.
  const opsOf = async (org: (typeof axis)[number]) => {
    const admin = largeMember(`flat${org.size}`, 0);
    const token = await signDevelopmentToken(SECRET, { sub: admin.sub, email: admin.email, name: admin.name });
    const id = org.organizationId;
    return [
      { name: 'axis: members page', token, body: body(AXIS_PAGE, { id }) },
      { name: 'axis: role filter', token, body: body(AXIS_ROLE, { id }) },
      ...AXIS_SEARCHES(`flat${org.size}`).map((search) => ({
        name: search.name,
        token,
        body: body(search.counted ? AXIS_SEARCH_COUNTED : AXIS_SEARCH, { id, q: search.q }),
      })),
      { name: 'axis: totalCount', token, body: body(MEMBER_COUNT, { id }) },
    ];
  };
  const opsBySize = await Promise.all(axis.map(opsOf));
  for (let i = 0; i < opsBySize[0].length; i++) {
    const best = new Map<number, Measurement>();
    for (let round = 0; round < 2; round++) {
      for (const [j, org] of axis.entries()) {
        const result = await measure(sized, opsBySize[j][i], org.size, 'membership');
        const held = best.get(org.size);
        if (!held || result.requestsPerSecond > held.requestsPerSecond) best.set(org.size, result);
      }
    }
    for (const org of axis) {
      const result = best.get(org.size)!;
      results.push(result);
      process.stdout.write(`  ${result.query} @ ${org.size}: ${result.requestsPerSecond} req/s (better of 2)\n`);
    }
  }
  await sized.stop();
  servers.pop();
  return { axis, results };
}
