import { fork } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { signDevelopmentToken } from '../src/auth/jwt';
import { seedOrganization } from './dataset';
import type { ReadAnswer } from './noisy-reader';
import { type RawAnswer, RawBurst, type RawRequest } from './raw-burst';

/**
 * The noisy neighbour (docs/domain-rules.md §9, one organization never starves the others of the
 * database): organization A sends 230 concurrent lock-taking requests to one instance — half
 * `updateOrganization` renames, half SCIM group PATCHes, every one on A's row lock — while a
 * member of organization B reads B one request after another, as a person clicking through —
 * from a process of its own (bench/noisy-reader.ts), as B's people are not A's clients: in the
 * burst client's process, B's answer also waited for that process to send A's 230 requests and
 * read their answers, which is the client's time, not the server's. For the same reason A's burst
 * is written as prepared bytes on connections opened beforehand (bench/raw-burst.ts), so that the
 * client's own work on this machine's two cores is a write per request, as it is for a neighbour
 * sending from machines of its own.
 * B's latencies quiet and under A's burst, their ratio (goal: B's p99 under the burst ≤ 3× its
 * quiet p99), and the answers each side got. `npm run bench` runs it after the rest;
 * `npm run bench -- --only noisy-neighbour` runs it alone. The integration test of the same
 * scenario (test/integration/noisy-neighbour.test.ts) asserts only what cannot depend on the
 * machine's load: the answers, never the times.
 */

/** A's concurrent requests in one burst (the figure of §9). */
export const BURST = 230;
/** Bursts measured, each after B's quiet reads. */
const ROUNDS = Number(process.env.BENCH_NOISY_ROUNDS ?? 5);
/** B's reads one after another before each burst (the quiet figure). */
const QUIET_READS = 20;

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const READ = 'query Read($id: ID!) { organization(id: $id) { id name members(first: 5) { totalCount } } }';
const RENAME =
  'mutation Rename($id: ID!, $name: String!) { updateOrganization(id: $id, input: { name: $name }) { id } }';
const CREATE_TOKEN = 'mutation Token($id: ID!) { createProvisioningToken(input: { organizationId: $id }) { token } }';

interface Answer {
  status: number;
  ms: number;
  body: any;
}

/** One HTTP request through `agent` (each organization's clients have their own sockets). */
function call(agent: http.Agent, url: string, method: string, headers: Record<string, string>, body?: unknown) {
  return new Promise<Answer>((resolve, reject) => {
    const started = performance.now();
    const request = http.request(url, { method, agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: counted by its status
        }
        resolve({ status: response.statusCode ?? 0, ms: performance.now() - started, body });
      });
    });
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Nearest-rank percentile, rounded to the millisecond. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

function statuses(answers: { status: number }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

export interface NoisyNeighbourRun {
  date: string;
  machine: Record<string, string | number>;
  burst: number;
  rounds: number;
  quiet: { reads: number; p50Ms: number; p99Ms: number };
  loaded: { reads: number; p50Ms: number; p99Ms: number };
  /** B's p99 under the burst ÷ its quiet p99. */
  ratio: number;
  /** How A's requests were answered, by HTTP status, over all rounds. */
  a: Record<string, number>;
  /** How B's reads under the bursts were answered, by HTTP status. */
  b: Record<string, number>;
  /** The median time for a whole burst of A to be answered. */
  burstMs: number;
  /** The server's CPU time (user + system) per burst, median. */
  serverCpuMsPerBurst: number;
  goals: { goal: string; value: string | number; pass: boolean }[];
}

/**
 * Seeds A and B (10 members each) through `db`, then measures against the server at `url`
 * (its `/graphql`); `cpuMs` reads the server's CPU time so far.
 */
export async function measureNoisyNeighbour(
  url: string,
  db: DataSource,
  secret: string,
  machine: Record<string, string | number>,
  cpuMs: () => Promise<number>,
): Promise<NoisyNeighbourRun> {
  const base = url.replace(/\/graphql$/, '');
  const a = await seedOrganization(db, 10, 'noisy');
  const b = await seedOrganization(db, 10, 'quiet');
  const tokenOf = (sub: string, label: string) =>
    signDevelopmentToken(secret, { sub, email: `m0-${label}@bench.example`, name: 'Admin' });
  const aToken = await tokenOf(a.adminSub, 'noisy');
  const bToken = await tokenOf(b.adminSub, 'quiet');
  const clients = { a: new http.Agent({ keepAlive: true }) };
  let readerProcess: ReturnType<typeof fork> | null = null;
  let burster: RawBurst | null = null;
  try {
    const graphql = (agent: http.Agent, token: string, query: string, variables: Record<string, unknown>) =>
      call(
        agent,
        `${base}/graphql`,
        'POST',
        { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        { query, variables },
      );
    const made = await graphql(clients.a, aToken, CREATE_TOKEN, { id: a.organizationId });
    const scimToken = made.body?.data?.createProvisioningToken?.token as string | undefined;
    if (!scimToken) throw new Error(`createProvisioningToken: ${JSON.stringify(made.body).slice(0, 300)}`);
    const scimHeaders = { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' };
    const group = await call(clients.a, `${base}/scim/v2/Groups`, 'POST', scimHeaders, {
      schemas: [GROUP],
      displayName: 'Noisy group',
    });
    if (group.status !== 201) throw new Error(`SCIM group: ${group.status} ${JSON.stringify(group.body)}`);
    const groupId = group.body.id as string;

    const reader = fork(join(__dirname, 'noisy-reader.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    readerProcess = reader;
    reader.send({ setup: { url: `${base}/graphql`, token: bToken, organizationId: b.organizationId, query: READ } });
    /** B's reads in the reader's process: `n` of them, or (0) until told to stop. */
    const reads = (n: number) =>
      new Promise<ReadAnswer[]>((resolve) => {
        reader.once('message', (message: { answers: ReadAnswer[] }) => resolve(message.answers));
        reader.send({ read: n });
      });
    // A's requests: request i of round r renames the organization or its group to a name of its own.
    const noisy = (i: number, round: number): RawRequest =>
      i % 2 === 0
        ? {
            method: 'POST',
            path: '/graphql',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${aToken}` },
            body: JSON.stringify({ query: RENAME, variables: { id: a.organizationId, name: `Noisy ${round}.${i}` } }),
          }
        : {
            method: 'PATCH',
            path: `/scim/v2/Groups/${groupId}`,
            headers: scimHeaders,
            body: JSON.stringify({
              schemas: [PATCH],
              Operations: [{ op: 'replace', path: 'displayName', value: `Noisy group ${round}.${i}` }],
            }),
          };
    burster = new RawBurst(Number(new URL(base).port), BURST);

    // Warm: JIT, pools, the verified-token and user memories.
    await reads(QUIET_READS);
    await burster.send([noisy(0, -1), noisy(1, -1)]);

    const quiet: ReadAnswer[] = [];
    const loaded: ReadAnswer[] = [];
    const answeredA: RawAnswer[] = [];
    const burstMs: number[] = [];
    const cpu: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      quiet.push(...(await reads(QUIET_READS)));
      const cpuBefore = await cpuMs();
      const started = performance.now();
      const burst = burster.send(Array.from({ length: BURST }, (_, i) => noisy(i, round))).finally(() => {
        burstMs.push(performance.now() - started);
        reader.send({ stop: true });
      });
      // B reads, one after another, for as long as A's burst is being answered (once at least).
      const during = reads(0);
      answeredA.push(...(await burst));
      loaded.push(...(await during));
      cpu.push((await cpuMs()) - cpuBefore);
      // Let the server settle before the next quiet reads.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const median = (values: number[]) => Math.round([...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]);
    const q = quiet.filter((r) => r.status === 200).map((r) => r.ms);
    const l = loaded.map((r) => r.ms);
    const run = {
      quiet: { reads: quiet.length, p50Ms: percentile(q, 50), p99Ms: percentile(q, 99) },
      loaded: { reads: loaded.length, p50Ms: percentile(l, 50), p99Ms: percentile(l, 99) },
      a: statuses(answeredA),
      b: statuses(loaded),
    };
    const ratio = Math.round((run.loaded.p99Ms / Math.max(1, run.quiet.p99Ms)) * 100) / 100;
    const answeredWithData = loaded.filter((r) => r.status === 200 && r.withData).length;
    const aFailed = (run.a['500'] ?? 0) + (run.a['503'] ?? 0);
    return {
      date: new Date().toISOString(),
      machine,
      burst: BURST,
      rounds: ROUNDS,
      ...run,
      ratio,
      burstMs: median(burstMs),
      serverCpuMsPerBurst: median(cpu),
      goals: [
        {
          goal: `B's p99 under A's ${BURST}-request burst ≤ 3× its quiet p99`,
          value: `${ratio}× (${run.loaded.p99Ms} vs ${run.quiet.p99Ms} ms)`,
          pass: ratio <= 3,
        },
        {
          goal: 'every read of B answered with its data, none 503',
          value: `${answeredWithData} of ${loaded.length}, ${run.b['503'] ?? 0} × 503`,
          pass: answeredWithData === loaded.length,
        },
        {
          goal: "A's excess refused as 429, none 500 or 503",
          value: `${run.a['429'] ?? 0} × 429, ${aFailed} × 500/503`,
          pass: (run.a['429'] ?? 0) > 0 && aFailed === 0,
        },
      ],
    };
  } finally {
    readerProcess?.disconnect();
    burster?.close();
    clients.a.destroy();
  }
}

/** The figures as the bench prints them. */
export function noisyNeighbourText(run: NoisyNeighbourRun): string {
  return [
    `Noisy neighbour: ${run.rounds} bursts of ${run.burst} requests of A`,
    `  B quiet:      p50 ${run.quiet.p50Ms} ms, p99 ${run.quiet.p99Ms} ms (${run.quiet.reads} reads)`,
    `  B under A:    p50 ${run.loaded.p50Ms} ms, p99 ${run.loaded.p99Ms} ms (${run.loaded.reads} reads), ${run.ratio}× the quiet p99`,
    `  A answered:   ${JSON.stringify(run.a)}; B answered: ${JSON.stringify(run.b)}`,
    `  a burst:      ${run.burstMs} ms to answer, ${run.serverCpuMsPerBurst} ms of server CPU (medians)`,
    ...run.goals.map((g) => `  ${g.pass ? 'pass ' : 'SHORT'}  ${g.goal}: ${g.value}`),
  ].join('\n');
}
