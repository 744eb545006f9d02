import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import { createTokenVerifier } from '../auth/jwt';
import type { Config } from '../config/config';
import { type Context, contextMaker } from '../graphql/context';
import type { OperationRequest } from '../graphql/operation-scopes';
import { actorOf, type ScopeDependencies, scopeOf } from '../request/factory';
import { BypassAudit } from '../services/sign-in-policy/sign-in-policy.service';
import { availabilityPlugin, createErrorFormatter, errorForTrace, requestLogPlugin } from '../graphql/format-error';
import { outageOf } from '../db/availability';
import { costLimitPlugin, limitValidationRules } from '../graphql/query-limits';
import type { Logger } from '../observability/logger';
import { Metrics } from '../observability/metrics';
import { OutboxDispatcher } from '../jobs/email-dispatcher';
import { createMailTransport, type MailTransport } from '../outbound/mail-transport';
import { sandboxLandingPage } from './landing-page';
import { buildMembershipSchema } from '../graphql/schema';
import { WebhookDispatcher } from '../jobs/webhook-dispatcher';
import { UserDirectory } from '../auth/user-directory';
import { MembershipSweeper } from '../jobs/membership-sweeper';
import { AuditRetention } from '../jobs/audit-retention';
import { auditExportRoute, identityEventsRoute } from './people-routes';
import { noSniffing, onlyMethods, refusalErrors, unknownRoute } from './refusals';
import { decisionRoutes, expressRoute } from './authorization-routes';
import { claimProvisionedAccess } from '../services/provisioning/provisioned-access';
import { knownScimOrganization, SCIM_BUSY, scimRouter } from '../scim/routes';
import { admitExportRequest, admitOrganizationRequest, graphqlAdmission } from './organization-admission';
import { admissionOf } from '../db/organization-admission';
import { checkTransactionNesting } from '../db/transaction';
import { corsFor, corsOf, requestLogging, routerCheck, routerGate } from './request-gates';
import { bodyReadAtTheDoor, frontDoor } from './front-door';
import { sendError } from './json-errors';

export interface App {
  apollo: ApolloServer<Context>;
  httpServer: http.Server;
  /** The email dispatcher; `main` starts it, tests drive it. */
  outbox: OutboxDispatcher;
  /** The webhook dispatcher; `main` starts it, tests drive it. */
  webhooks: WebhookDispatcher;
  /** Removes memberships past their expiry; `main` starts it, tests drive it. */
  sweeper: MembershipSweeper;
  /** Deletes audit events past AUDIT_RETENTION_DAYS; `main` starts it, tests drive it. */
  retention: AuditRetention;
  /** Prometheus metrics, when METRICS_PORT is set (`main` serves them). */
  metrics: Metrics | null;
  /** Audits break-glass bypasses of sign-in policies after the requests that make them (tests await `settled`). */
  signInBypasses: BypassAudit;
  /**
   * Builds the context for a request with this Authorization header and, if given, its operation
   * (what it reads first; tests use it with executeOperation).
   */
  contextFor(authorization?: string, operation?: OperationRequest): Promise<Context>;
}

export interface AppOptions {
  /** Wake the dispatcher right after a transaction queues mail (default true). */
  nudgeOutbox?: boolean;
  transport?: MailTransport;
  /** Benchmark only: serve this schema instead of the guarded one. */
  schema?: GraphQLSchema;
  /** Benchmark only: false leaves out the federated-trace plugin, to measure what it costs. */
  inlineTrace?: boolean;
  /**
   * How long an email or webhook call claimed by an instance that then dies stays out of the
   * others' reach (default: 60 s for emails, three webhook timeouts). The cluster test shortens it.
   */
  dispatcherLeaseMs?: number;
}

function refusal(res: express.Response, message: string, code = 'GRAPHQL_VALIDATION_FAILED'): void {
  res.status(400).json({ errors: [{ message, extensions: { code } }] });
}

function nudgeAfterMutations(nudge: () => void): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation }) {
          if (operation?.operation === 'mutation') nudge();
        },
      };
    },
  };
}

/** One operation per HTTP request (docs/domain-rules.md §9): an array body is refused before anything runs. */
const refuseBatches: express.RequestHandler = (req, res, next) => {
  if (Array.isArray(req.body))
    return refusal(res, 'Batched requests are not accepted: send one operation per request.');
  next();
};

/** A body over the limit, or one that is not JSON, gets a GraphQL-shaped answer, not Express's HTML page. */
function bodyErrors(maxBytes: number): express.ErrorRequestHandler {
  return (error: { type?: string }, _req, res, next) => {
    if (error?.type === 'entity.too.large') return refusal(res, `Request body larger than ${maxBytes} bytes.`);
    if (error?.type === 'entity.parse.failed')
      return refusal(res, 'The request body is not valid JSON.', 'GRAPHQL_PARSE_FAILED');
    next(error);
  };
}

/** The Apollo Server for the subgraph, not yet listening, and its (stopped) email dispatcher. */
export async function createApp(
  config: Config,
  db: DataSource,
  logger: Logger,
  options: AppOptions = {},
): Promise<App> {
  // src/db/transaction.ts: the nesting check's cost is paid on every request; development and the tests keep it.
  checkTransactionNesting(!config.production);
  const schema = options.schema ?? (await buildMembershipSchema());
  const lease = options.dispatcherLeaseMs ? { leaseMs: options.dispatcherLeaseMs } : {};
  const outbox = new OutboxDispatcher(
    db,
    options.transport ?? createMailTransport(config, logger),
    config,
    logger,
    lease,
  );
  const webhooks = new WebhookDispatcher(db, config, logger, lease);
  const sweeper = new MembershipSweeper(db, config, logger);
  const retention = new AuditRetention(db, config, logger);
  const signInBypasses = new BypassAudit(db, logger);
  const deps: ScopeDependencies = {
    config,
    db,
    verifyToken: createTokenVerifier(config.auth, config.clock),
    users: new UserDirectory(db, {
      // The person's sign-in claims what a directory provisioned for the address, in their scope.
      onVerifiedAddress: (identity, at, requestId) =>
        claimProvisionedAccess(scopeOf({ db, config }, actorOf(identity), requestId, at), identity.sub, identity.email),
    }),
    outbox: options.nudgeOutbox === false ? null : outbox,
    outage: outageOf(db, logger),
    signInBypasses,
  };
  const app = express();
  // Its requests go through the front door (./front-door.ts), then to `app`: attached below, once the routes are.
  const httpServer = http.createServer();
  const metrics = config.metricsPort ? new Metrics(db, config.clock) : null;

  const apollo = new ApolloServer<Context>({
    schema,
    formatError: createErrorFormatter(config.production),
    includeStacktraceInErrorResponses: false,
    introspection: !config.production,
    hideSchemaDetailsFromClientErrors: config.production,
    allowBatchedHttpRequests: false,
    // main.ts owns SIGTERM: Apollo's own handler would re-raise the signal and kill requests in flight.
    stopOnTerminationSignals: false,
    // docs/domain-rules.md §9: the token limit is graphql-js's own (it stops the parser); depth, aliases and
    // directives are GraphQL Armor's validation rules; the cost is graphql-query-complexity's.
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: limitValidationRules(config.limits),
    plugins: [
      requestLogPlugin(logger),
      availabilityPlugin(db, logger),
      ...(metrics ? [metrics.plugin()] : []),
      // A mutation may have queued webhook calls (every change writes its audit event): send soon.
      ...(options.nudgeOutbox === false ? [] : [nudgeAfterMutations(() => webhooks.nudge())]),
      costLimitPlugin(config.limits),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Federated traces (ftv1): recorded only for requests whose router asks for one
      // (`apollo-federation-include-trace: ftv1`), errors as the client sees them.
      options.inlineTrace === false
        ? ApolloServerPluginInlineTraceDisabled()
        : ApolloServerPluginInlineTrace({ includeErrors: { transform: errorForTrace(config.production) } }),
      // No cache hints are used: the cache-control plugin would only add work to every field.
      ApolloServerPluginCacheControlDisabled(),
      config.production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : sandboxLandingPage(config),
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  // docs/domain-rules.md §8: on every answer, refusals included.
  app.use(noSniffing);
  app.use(requestLogging(logger));
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
  app.all(['/health', '/ready'], onlyMethods('GET'));
  // Provisioning from a directory (docs/domain-rules.md §15): SCIM 2.0, with a provisioning token.
  app.use(
    '/scim/v2',
    scimRouter(db, config, logger, (res, organizationId) => admitOrganizationRequest(db, config, res, organizationId)),
  );
  // A person's data (docs/domain-rules.md §16): the audit log taken out, the identity provider's user events.
  // CORS on every method, so that a browser's preflight of the bearer-token GET is answered too.
  app.use('/audit/export', corsFor(config.corsOrigins));
  app.get(
    '/audit/export',
    // docs/domain-rules.md §9: the scope's organization takes its turn first (429 past its share).
    (req, res, next) =>
      admitExportRequest(db, config, req, res).then(
        () => next(),
        (error: unknown) => sendError(res, error, logger, deps.outage),
      ),
    auditExportRoute(deps, logger),
  );
  app.all('/audit/export', onlyMethods('GET'));
  app.use(
    '/identity/events',
    identityEventsRoute(deps, logger, () => {
      if (options.nudgeOutbox !== false) webhooks.nudge();
    }),
  );
  app.all('/identity/events', onlyMethods('POST'));
  // Authorization for the whole supergraph (docs/domain-rules.md §19): a router's policies, a service's checks.
  // A plain JSON body is answered by the front door; any other comes here.
  const decisions = decisionRoutes(deps, logger);
  app.use('/authorization/policies', expressRoute(decisions.policies, config.limits.maxBodyBytes));
  app.use('/authorization/check', expressRoute(decisions.check, config.limits.maxBodyBytes));
  const graphql = graphqlAdmission(db, config, logger, deps.outage);
  const graphqlContext = contextMaker(deps, config.limits.maxTokens);
  app.use(
    '/graphql',
    corsFor(config.corsOrigins),
    routerGate(config.routerSecret),
    express.json({ limit: config.limits.maxBodyBytes }),
    bodyReadAtTheDoor,
    refuseBatches,
    // docs/domain-rules.md §9: the operation's organization takes its turn before Apollo validates or
    // runs anything (429 past its share, at the cost of a remembered parse).
    graphql.middleware,
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        graphqlContext(req.headers.authorization, res.locals.requestId as string, req.body as OperationRequest),
    }),
    bodyErrors(config.limits.maxBodyBytes),
  );
  // docs/domain-rules.md §8: an unknown route, and any error no route answered (an identity event over
  // its size), are JSON too, never Express's HTML page.
  app.use(unknownRoute);
  app.use(refusalErrors(logger));
  // docs/domain-rules.md §9: a burst's refusals answered before Express, the rest handed to it.
  httpServer.on(
    'request',
    frontDoor({
      app,
      logger,
      maxBodyBytes: config.limits.maxBodyBytes,
      fromRouter: routerCheck(config.routerSecret),
      cors: corsOf(config.corsOrigins),
      graphql,
      decisions: new Map([
        ['/authorization/policies', decisions.policies],
        ['/authorization/check', decisions.check],
      ]),
      scim: {
        organizationOf: (req) => knownScimOrganization(db, req),
        admission: admissionOf(db, config.organizations),
        refusal: SCIM_BUSY,
      },
    }),
  );

  return {
    apollo,
    httpServer,
    outbox,
    webhooks,
    sweeper,
    retention,
    metrics,
    signInBypasses,
    contextFor: (authorization, operation) => graphqlContext(authorization, undefined, operation),
  };
}
