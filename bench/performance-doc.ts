import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * `npm run docs:performance`: writes docs/performance.md from the benchmark's own results
 * (bench/results/*.json, written by `npm run bench`) and the notes beside them
 * (bench/performance-notes.md). Nothing in the page is pasted by hand; a test fails when the
 * committed page differs from what this makes. Earlier figures live in the history of the results.
 */

interface Measurement {
  query: string;
  size: number;
  server: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  statementsPerRequest: number | null;
  peakRssMb: number;
  errors: number;
}

interface Run {
  date: string;
  /** The one scenario of `npm run bench -- --only <scenario>`, when the run was only that. */
  scenario?: string;
  machine: Record<string, string | number>;
  results: Measurement[];
  goals: { goal: string; value: string | number; pass: boolean }[];
}

const ROOT = resolve(__dirname, '..');

function table(header: string[], rows: (string | number)[][], right: boolean[]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...cells.slice(1).map(line)].join('\n');
}

function section(file: string, run: Run): string {
  const m = run.machine;
  const describe = `${run.date.slice(0, 10)}, ${m.cores} cores ${m.cpu}, ${m.memoryGb} GB, ${m.os}, Node ${m.node}, ${m.database}; ${m.durationSeconds} s per figure, ${m.connections} connections`;
  const results = table(
    ['query', 'members', 'server', 'req/s', 'p50 ms', 'p99 ms', 'SQL/req', 'peak RSS MB', 'errors'],
    run.results.map((r) => [
      r.query,
      r.size,
      r.server,
      r.requestsPerSecond,
      r.p50Ms,
      r.p99Ms,
      r.statementsPerRequest ?? '–',
      r.peakRssMb,
      r.errors,
    ]),
    [false, true, false, true, true, true, true, true, true],
  );
  const goals = table(
    ['goal', 'measured', ''],
    run.goals.map((g) => [g.goal, g.value, g.pass ? 'pass' : '**short**']),
    [false, false, false],
  );
  const title = run.scenario ? `${m.database}, ${run.scenario} only` : m.database;
  return `## ${title} (\`bench/results/${file}\`)\n\n${describe}.\n\n${results}\n\n${goals}\n`;
}

interface Candidates {
  date: string;
  machine: Record<string, string | number>;
  members: number;
  figures: { candidate: string; search: string; statement: string; ms: number; rows: number }[];
}

/** How each way of searching fared (bench/search-candidates.ts): one row a search, one column a candidate. */
function candidatesSection(file: string, run: Candidates): string {
  const candidates = [...new Set(run.figures.map((f) => f.candidate))];
  const searches = [...new Set(run.figures.map((f) => `${f.search}|${f.statement}`))];
  const rows = searches.map((key) => {
    const [search, statement] = key.split('|');
    return [
      `${search}, ${statement}`,
      ...candidates.map((candidate) => {
        const figure = run.figures.find(
          (f) => f.candidate === candidate && f.search === search && f.statement === statement,
        );
        return figure ? `${figure.ms} ms (${figure.rows})` : '–';
      }),
    ];
  });
  const m = run.machine;
  return [
    `## Search candidates, ${m.database} (\`bench/results/${file}\`)`,
    '',
    `${run.date.slice(0, 10)}, ${run.members.toLocaleString('en-US')} members, one request at a time (ms each, the rows or count it gave in brackets); ${m.cores} cores ${m.cpu}, Node ${m.node}.`,
    '',
    table(['search', ...candidates], rows, [false, ...candidates.map(() => true)]),
    '',
  ].join('\n');
}

interface NoisyNeighbour {
  date: string;
  machine: Record<string, string | number>;
  burst: number;
  rounds: number;
  quiet: { reads: number; p50Ms: number; p99Ms: number };
  loaded: { reads: number; p50Ms: number; p99Ms: number };
  ratio: number;
  a: Record<string, number>;
  b: Record<string, number>;
  burstMs: number;
  serverCpuMsPerBurst: number;
  goals: { goal: string; value: string | number; pass: boolean }[];
}

/** One organization's burst beside another's reads (bench/noisy-neighbour.ts). */
function noisyNeighbourSection(file: string, run: NoisyNeighbour): string {
  const m = run.machine;
  const count = (counts: Record<string, number>, status: number) => counts[status] ?? 0;
  return [
    `## Noisy neighbour, ${m.database} (\`bench/results/${file}\`)`,
    '',
    `${run.date.slice(0, 10)}, ${run.rounds} bursts of ${run.burst} concurrent requests of organization A (renames and SCIM group PATCHes) while B reads B one request after another; default \`ORGANIZATION_*\` settings; ${m.cores} cores ${m.cpu}, Node ${m.node}${m.loadAverage === undefined ? '' : `, load average ${m.loadAverage} as it began`}.`,
    '',
    table(
      ['B’s reads', 'reads', 'p50 ms', 'p99 ms'],
      [
        ['quiet', run.quiet.reads, run.quiet.p50Ms, run.quiet.p99Ms],
        [`under A’s burst (${run.ratio}× the quiet p99)`, run.loaded.reads, run.loaded.p50Ms, run.loaded.p99Ms],
      ],
      [false, true, true, true],
    ),
    '',
    table(
      ['answers', '200', '429', '503', 'all'],
      [
        ['A', count(run.a, 200), count(run.a, 429), count(run.a, 503), Object.values(run.a).reduce((x, y) => x + y, 0)],
        ['B', count(run.b, 200), count(run.b, 429), count(run.b, 503), Object.values(run.b).reduce((x, y) => x + y, 0)],
      ],
      [false, true, true, true, true],
    ),
    '',
    `A burst is answered in ${run.burstMs} ms and costs the server ${run.serverCpuMsPerBurst} ms of CPU (medians).`,
    '',
    table(
      ['goal', 'measured', ''],
      run.goals.map((g) => [g.goal, g.value, g.pass ? 'pass' : '**short**']),
      [false, false, false],
    ),
    '',
  ].join('\n');
}

/** The whole page, from the results and notes in the repository. */
export function performanceMarkdown(root = ROOT): string {
  const dir = join(root, 'bench/results');
  const files = readdirSync(dir)
    .filter((f) => f.startsWith('latest-') && f.endsWith('.json'))
    .sort();
  const candidateFiles = readdirSync(dir)
    .filter((f) => f.startsWith('search-candidates-') && f.endsWith('.json'))
    .sort();
  const noisyFiles = readdirSync(dir)
    .filter((f) => f.startsWith('noisy-neighbour-') && f.endsWith('.json'))
    .sort();
  const notes = readFileSync(join(root, 'bench/performance-notes.md'), 'utf8').trim();
  const sections = files.map((f) => section(f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Run));
  return [
    '# Performance',
    '',
    '<!-- Written by `npm run docs:performance` from bench/results/*.json and bench/performance-notes.md: edit those. -->',
    '',
    notes,
    '',
    '# The latest results',
    '',
    sections.join('\n'),
    ...noisyFiles.map((f) =>
      noisyNeighbourSection(f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as NoisyNeighbour),
    ),
    ...candidateFiles.map((f) => candidatesSection(f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Candidates)),
  ].join('\n');
}

if (require.main === module) {
  writeFileSync(join(ROOT, 'docs/performance.md'), performanceMarkdown());
  process.stdout.write('wrote docs/performance.md\n');
}
