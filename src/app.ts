import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { DataSource } from 'typeorm';
import { createTokenVerifier } from './auth/jwt';
import type { Config } from './config';
import { type Context, createContext, type ContextDependencies } from './context';
import { createErrorFormatter } from './format-error';
import type { Logger } from './logger';
import { buildMembershipSchema } from './schema';
import { UserDirectory } from './services/user.service';

export interface App {
  apollo: ApolloServer<Context>;
  httpServer: http.Server;
  /** Builds the context for a request with this Authorization header (tests use it with executeOperation). */
  contextFor(authorization?: string): Promise<Context>;
}

/** The Apollo Server for the subgraph, not yet listening. */
export async function createApp(config: Config, db: DataSource, logger: Logger): Promise<App> {
  const schema = await buildMembershipSchema();
  const deps: ContextDependencies = {
    config,
    db,
    verifyToken: createTokenVerifier(config.auth),
    users: new UserDirectory(db),
  };
  const app = express();
  const httpServer = http.createServer(app);

  const apollo = new ApolloServer<Context>({
    schema,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    introspection: !config.production,
    hideSchemaDetailsFromClientErrors: config.production,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      config.production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ footer: false, includeCookies: false }),
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await db.query('SELECT 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  app.use(
    '/graphql',
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(deps, req.headers.authorization),
    }),
  );

  return {
    apollo,
    httpServer,
    contextFor: (authorization) => createContext(deps, authorization),
  };
}
