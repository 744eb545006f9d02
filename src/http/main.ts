// First: tracing patches express, graphql and mysql2 as they load (and is off unless configured).
import { telemetry } from '../observability/telemetry';
import 'reflect-metadata';
import { createApp } from './app';
import { loadConfig } from '../config/config';
import { logLevel } from '../config/early';
import { openDatabase } from '../db/data-source';
import { startWebApp } from '../dev/web-app';
import { createLogger } from '../observability/logger';
import { LogOutput } from '../observability/log-output';
import { PortTakenError } from './ports';

/** Starts the subgraph: configuration, database (migrations run first), HTTP server, graceful stop. */
async function main(): Promise<void> {
  const output = new LogOutput(1);
  const logger = createLogger({ destination: output, level: logLevel() });
  // Their reader gone (EPIPE), stdout and stderr say so with an 'error' event: without a listener
  // that would crash the process on its way out (issue 39). The log itself is `output`'s concern.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const config = loadConfig();
  if (config.auth.usingDevelopmentSecret) {
    logger.warn({}, 'AUTH_JWT_SECRET is not set: using the development secret. Never do this in production.');
  }
  const db = await openDatabase(config.databaseUrl);
  const app = await createApp(config, db, logger);
  await new Promise<void>((resolve, reject) => {
    // Taken since `npm start` looked (or started without it): the setting, not a raw EADDRINUSE stack.
    const failed = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new PortTakenError({ setting: 'PORT', host: config.host, port: config.port })
          : error,
      );
    app.httpServer.once('error', failed);
    app.httpServer.listen(config.port, config.host, () => {
      app.httpServer.off('error', failed);
      resolve();
    });
  });
  app.outbox.start();
  app.webhooks.start();
  app.sweeper.start();
  app.retention.start();
  // The address shown is the one listened on (a wildcard is shown as localhost, which reaches it).
  const shownHost = ['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host;
  const graphqlUrl = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${config.port}/graphql`;
  logger.info(
    { host: config.host, port: config.port, database: db.options.type, corsOrigins: config.corsOrigins },
    `membership subgraph ready at ${graphqlUrl}`,
  );
  // Development: the reference web app at APP_URL, where invitation links lead.
  const webApp = await startWebApp(config, logger, graphqlUrl);
  const metricsServer =
    app.metrics && config.metricsPort ? await app.metrics.listen(config.metricsPort, config.metricsHost, logger) : null;
  if (metricsServer)
    logger.info({ host: config.metricsHost, port: config.metricsPort }, 'Prometheus metrics at /metrics');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // docs/domain-rules.md §8 (issue 39): the process ends within SHUTDOWN_TIMEOUT_MS whatever still hangs
    // then — an SMTP server or a webhook receiver that never answers, a database that does not
    // close, a log nobody reads. Unref'd: it never keeps the process alive by itself.
    setTimeout(() => {
      logger.error(
        { signal, timeoutMs: config.shutdownTimeoutMs },
        'not stopped in time: exiting with work unfinished',
      );
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    try {
      logger.info({ signal }, 'stopping: finishing requests in flight and the email and webhook batches in hand');
      // ApolloServer.stop drains the HTTP server (the drain plugin) before returning.
      webApp?.close();
      metricsServer?.close();
      await app.apollo.stop();
      // The batch of emails in hand is finished before the pool closes.
      await Promise.all([app.outbox.stop(), app.webhooks.stop(), app.sweeper.stop(), app.retention.stop()]);
      await db.destroy();
      // The last spans go out before the process ends.
      await telemetry?.shutdown();
      logger.info({}, 'stopped');
    } catch (error) {
      logger.error({ err: error }, 'stopping failed');
      process.exitCode = 1;
    }
    // Lines are written asynchronously: the last ones reach stdout first, if anything reads it.
    await output.drained(config.shutdownTimeoutMs);
    process.exit();
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  const shown = error instanceof PortTakenError ? error.message : error instanceof Error ? error.stack : String(error);
  process.stderr.write(`failed to start: ${shown}\n`);
  process.exit(1);
});
