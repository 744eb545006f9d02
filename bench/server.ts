import 'reflect-metadata';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp } from '../src/http/app';
import { loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/data-source';
import { StatementCounter } from '../src/db/statement-counter';
import { createLogger } from '../src/observability/logger';
import { buildSchemaWithoutPermissionsForBenchmark } from '../src/graphql/schema';

/**
 * The subgraph as the benchmark runs it: production mode, its own process, plus a small stats
 * endpoint on STATS_PORT (SQL statements sent, peak RSS, event-loop delay). BENCH_NO_SHIELD=1
 * serves the schema without the permission layer, to measure what that layer costs;
 * BENCH_NO_INLINE_TRACE=1 leaves out the federated-trace plugin, to measure what it costs unasked.
 * `/recent` on the stats port gives the statements sent since the last `/reset`, with parameters.
 * BENCH_HEAP_PROF=<file> samples every allocation, the garbage collected since included, and writes
 * the profile there on SIGTERM (open it in Chrome's DevTools, Memory tab): what the GC is busy with.
 */
async function main(): Promise<void> {
  const heap = process.env.BENCH_HEAP_PROF ? await sampleAllocations() : null;
  const config = loadConfig();
  const statements = new StatementCounter();
  const db = await openDatabase(config.databaseUrl, { logger: statements });
  const schema = process.env.BENCH_NO_SHIELD === '1' ? await buildSchemaWithoutPermissionsForBenchmark() : undefined;
  const app = await createApp(config, db, createLogger({ silent: true }), {
    nudgeOutbox: false,
    schema,
    inlineTrace: process.env.BENCH_NO_INLINE_TRACE !== '1',
  });
  await new Promise<void>((resolve) => app.httpServer.listen(config.port, '127.0.0.1', resolve));

  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  http
    .createServer((req, res) => {
      if (req.url === '/reset') {
        loop.reset();
        statements.count = 0;
        statements.recent.length = 0;
        statements.recentParameters.length = 0;
      }
      res.setHeader('content-type', 'application/json');
      // The statements (and their parameters) sent since the last reset: what the bare+SQL
      // ceiling replays for the same request.
      if (req.url === '/recent') {
        res.end(JSON.stringify({ queries: statements.recent, parameters: statements.recentParameters }));
        return;
      }
      res.end(
        JSON.stringify({
          statements: statements.count,
          maxRssBytes: process.resourceUsage().maxRSS * 1024,
          eventLoopMaxMs: loop.max / 1e6,
          eventLoopP99Ms: loop.percentile(99) / 1e6,
          // The process's CPU time so far (user + system): the noisy-neighbour figure's cost of a burst.
          cpuMs: ((usage) => (usage.user + usage.system) / 1000)(process.cpuUsage()),
        }),
      );
    })
    .listen(Number(process.env.STATS_PORT), '127.0.0.1', () => process.stdout.write('ready\n'));

  process.on('SIGTERM', () => {
    void (heap ? heap() : Promise.resolve())
      .then(() => app.apollo.stop())
      .then(() => db.destroy())
      .then(() => process.exit(0));
  });
}

/** Starts sampling allocations (one every 32 kB), collected ones too; the returned stop writes the profile. */
async function sampleAllocations(): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 32 * 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(process.env.BENCH_HEAP_PROF as string, JSON.stringify(profile));
  };
}

void main();
