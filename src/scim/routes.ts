import express from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import { type DatabaseOutage, isDatabaseUnavailable, outageOf, RETRY_AFTER_SECONDS } from '../db/availability';
import { OrganizationBusyError } from '../domain/errors';
import type { Logger } from '../observability/logger';
import {
  authenticateProvisioning,
  provisioningTokenOrganization,
} from '../services/provisioning/provisioning-tokens.service';
import { scimDiscovery } from './discovery';
import { patchOperations } from './patch-op';
import { asScimError, errorBody, listResponse, MAX_RESULTS, type Resource, ScimError } from './protocol';
import type { ScimRequest } from './request';
import { scopeOf } from '../request/factory';
import { listOf, readOf } from './resource-type';
import { RESOURCE_TYPES } from './resource-types';

/**
 * `/scim/v2` (docs/domain-rules.md §15): a SCIM 2.0 service provider, one tenant per organization,
 * chosen by the provisioning token in `Authorization: Bearer`. Bodies are `application/scim+json`
 * (plain JSON is accepted too); every refusal is a SCIM error body with `status` and, where one
 * applies, `scimType`. The routes of each resource type are made from the table
 * (src/scim/resource-types.ts).
 */

const SCIM_JSON = 'application/scim+json';
/** A directory's request is small; a group of many members is the largest, and fits. */
const MAX_BODY = '1mb';

/**
 * docs/domain-rules.md §9: the organization's turn, taken before the request's first statement
 * and given back when the response ends (src/http/organization-admission.ts, which mounts this
 * router, hands it in); past its queue it throws OrganizationBusyError.
 */
export type Admission = (res: express.Response, organizationId: string) => Promise<void>;

function send(res: express.Response, status: number, body: unknown): void {
  res.status(status).type(SCIM_JSON).send(JSON.stringify(body));
}

function sendError(res: express.Response, error: unknown, logger: Logger, outage?: DatabaseOutage): void {
  if (isDatabaseUnavailable(error)) {
    // docs/domain-rules.md §17: retryable (directories retry a 503), logged once per outage.
    outage?.report(error);
    res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    send(res, 503, errorBody(503, 'The service cannot reach its database right now; try again shortly.'));
    return;
  }
  const scim = asScimError(error);
  if (scim instanceof ScimError) {
    send(res, scim.status, errorBody(scim.status, scim.detail, scim.scimType));
    return;
  }
  logger.error({ err: error, requestId: res.locals.requestId }, 'SCIM request failed');
  send(res, 500, errorBody(500, 'Internal server error'));
}

/** Where `/scim/v2` is, as the client reached it (for `meta.location` and `Location`). */
function baseOf(req: express.Request): string {
  return `${req.protocol}://${req.get('host')}${req.baseUrl}`;
}

export function scimRouter(db: DataSource, config: Config, logger: Logger, admit: Admission): express.Router {
  const router = express.Router();
  const outage = outageOf(db, logger);
  router.use(express.json({ type: [SCIM_JSON, 'application/json'], limit: MAX_BODY }));
  // Bodies that are not JSON, or too large, are SCIM errors too.
  router.use(((error, _req, res, next) => {
    if (error?.type === 'entity.parse.failed')
      return sendError(res, new ScimError(400, 'The body is not JSON.', 'invalidSyntax'), logger);
    if (error?.type === 'entity.too.large') return sendError(res, new ScimError(413, 'The body is too large.'), logger);
    next(error);
  }) as express.ErrorRequestHandler);

  // The token decides the organization; an unknown, malformed or revoked one is 401 alike.
  router.use(async (req, res, next) => {
    try {
      const header = req.headers.authorization ?? '';
      const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? '';
      // docs/domain-rules.md §9: the token's organization takes its turn (429 past its share) before
      // the token is checked, so that a refused request of a known token has read nothing.
      const organizationId = bearer ? await provisioningTokenOrganization(db, bearer) : null;
      if (organizationId) await admit(res, organizationId);
      const now = config.clock.now();
      const token = organizationId ? await authenticateProvisioning(db, bearer, now) : null;
      if (!token) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="scim"');
        return sendError(
          res,
          new ScimError(401, 'A valid provisioning token is required (Authorization: Bearer …).'),
          logger,
        );
      }
      // A directory's scope: its actor is the token; it holds no membership, so it may do only what SCIM does.
      const scope = scopeOf({ db, config }, { kind: 'provisioning' as const, token }, res.locals.requestId, now);
      const scim: ScimRequest = { ...scope, base: baseOf(req) };
      res.locals.scim = scim;
      next();
    } catch (error) {
      if (error instanceof OrganizationBusyError) {
        res.setHeader('retry-after', String(error.retryAfter));
        return sendError(res, new ScimError(429, error.message), logger);
      }
      sendError(res, error, logger, outage);
    }
  });

  type Handler = (scim: ScimRequest, req: express.Request, res: express.Response) => Promise<void>;
  const handle =
    (handler: Handler): express.RequestHandler =>
    async (req, res) => {
      try {
        await handler(res.locals.scim as ScimRequest, req, res);
      } catch (error) {
        sendError(res, error, logger, outage);
      }
    };
  const query = (req: express.Request) => req.query as Record<string, unknown>;
  const id = (req: express.Request) => String(req.params.id);

  // Discovery (RFC 7644 §4): exactly what is supported.
  const discovery = (scim: ScimRequest) => scimDiscovery(RESOURCE_TYPES, scim.base);
  router.get(
    '/ServiceProviderConfig',
    handle(async (scim, _req, res) => send(res, 200, discovery(scim).serviceProviderConfig)),
  );
  // A list of discovery documents and each of them by id, e.g. /Schemas and /Schemas/:id.
  const discoveryCollection = (path: string, pick: 'resourceTypes' | 'schemas', missing: string) => {
    router.get(
      path,
      handle(async (scim, _req, res) => {
        const all = discovery(scim)[pick];
        send(res, 200, listResponse(all, all.length, 0));
      }),
    );
    router.get(
      `${path}/:id`,
      handle(async (scim, req, res) => {
        const found = discovery(scim)[pick].find((d) => d.id === id(req));
        if (!found) throw new ScimError(404, missing);
        send(res, 200, found);
      }),
    );
  };
  discoveryCollection('/ResourceTypes', 'resourceTypes', 'No such resource type.');
  discoveryCollection('/Schemas', 'schemas', 'No such schema.');

  // Each resource type's endpoint (RFC 7644 §3.2–§3.6).
  const created = (res: express.Response, resource: Resource) => {
    res.setHeader('Location', (resource.meta as { location: string }).location);
    send(res, 201, resource);
  };
  for (const type of RESOURCE_TYPES) {
    const one = `${type.endpoint}/:id`;
    router.post(
      type.endpoint,
      handle(async (scim, req, res) => created(res, await type.create(scim, req.body))),
    );
    router.get(
      type.endpoint,
      handle(async (scim, req, res) => send(res, 200, await listOf(type, scim, query(req)))),
    );
    router.get(
      one,
      handle(async (scim, req, res) => send(res, 200, await readOf(type, scim, id(req), query(req)))),
    );
    router.put(
      one,
      handle(async (scim, req, res) => send(res, 200, await type.replace(scim, id(req), req.body))),
    );
    router.patch(
      one,
      handle(async (scim, req, res) => send(res, 200, await type.patch(scim, id(req), patchOperations(req.body)))),
    );
    router.delete(
      one,
      handle(async (scim, req, res) => {
        await type.remove(scim, id(req));
        res.status(204).end();
      }),
    );
  }

  // Bulk, /Me and anything else: not offered (the discovery says so).
  router.use((_req, res) =>
    sendError(
      res,
      new ScimError(404, `Not offered here: see ServiceProviderConfig (at most ${MAX_RESULTS} results a list).`),
      logger,
    ),
  );
  return router;
}
