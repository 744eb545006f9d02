import 'reflect-metadata';
import http from 'node:http';
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
 */
async function main(): Promise<void> {
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
    void app.apollo
      .stop()
      .then(() => db.destroy())
      .then(() => process.exit(0));
  });
}

void main();
