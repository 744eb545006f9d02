import express from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import { MAX_RESULTS, SCIM, ScimError } from '../domain/scim';
import { type DatabaseOutage, isDatabaseUnavailable, outageOf, RETRY_AFTER_SECONDS } from '../db/availability';
import type { Logger } from '../observability/logger';
import {
  authenticateProvisioning,
  provisioningTokenOrganization,
} from '../services/provisioning/provisioning-tokens.service';
import * as groups from '../services/provisioning/scim-groups.service';
import * as users from '../services/provisioning/scim-users.service';
import { scimDiscovery } from '../domain/scim-discovery';
import { asScimError, type ScimRequest } from '../services/provisioning/scim-users.service';
import { OrganizationBusyError } from '../domain/errors';
import { admitOrganizationRequest } from './organization-admission';

/**
 * `/scim/v2` (docs/domain-rules.md §15): a SCIM 2.0 service provider, one tenant per organization,
 * chosen by the provisioning token in `Authorization: Bearer`. Bodies are `application/scim+json`
 * (plain JSON is accepted too); every refusal is a SCIM error body with `status` and, where one
 * applies, `scimType`.
 */

const SCIM_JSON = 'application/scim+json';
/** A directory's request is small; a group of many members is the largest, and fits. */
const MAX_BODY = '1mb';

function send(res: express.Response, status: number, body: unknown): void {
  res.status(status).type(SCIM_JSON).send(JSON.stringify(body));
}

function sendError(res: express.Response, error: unknown, logger: Logger, outage?: DatabaseOutage): void {
  if (isDatabaseUnavailable(error)) {
    // docs/domain-rules.md §17: retryable (directories retry a 503), logged once per outage.
    outage?.report(error);
    res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    send(res, 503, {
      schemas: [SCIM.ERROR],
      status: '503',
      detail: 'The service cannot reach its database right now; try again shortly.',
    });
    return;
  }
  const scim = asScimError(error);
  if (scim instanceof ScimError) {
    send(res, scim.status, {
      schemas: [SCIM.ERROR],
      status: String(scim.status),
      ...(scim.scimType ? { scimType: scim.scimType } : {}),
      detail: scim.detail,
    });
    return;
  }
  logger.error({ err: error, requestId: res.locals.requestId }, 'SCIM request failed');
  send(res, 500, { schemas: [SCIM.ERROR], status: '500', detail: 'Internal server error' });
}

/** Where `/scim/v2` is, as the client reached it (for `meta.location` and `Location`). */
function baseOf(req: express.Request): string {
  return `${req.protocol}://${req.get('host')}${req.baseUrl}`;
}

export function scimRouter(db: DataSource, config: Config, logger: Logger): express.Router {
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
      if (organizationId) await admitOrganizationRequest(db, config, res, organizationId);
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
      const scim: ScimRequest = {
        db,
        token,
        now,
        requestId: (res.locals.requestId as string) ?? null,
        base: baseOf(req),
        config,
      };
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

  // Discovery (RFC 7644 §4): exactly what is supported.
  router.get(
    '/ServiceProviderConfig',
    handle(async (scim, _req, res) => send(res, 200, scimDiscovery(scim.base).serviceProviderConfig)),
  );
  // A list of discovery documents and each of them by id, e.g. /Schemas and /Schemas/:id.
  const discoveryCollection = (
    path: string,
    pick: (discovery: ReturnType<typeof scimDiscovery>) => { id: string }[],
    missing: string,
  ) => {
    router.get(
      path,
      handle(async (scim, _req, res) => {
        const all = pick(scimDiscovery(scim.base));
        send(res, 200, users.listResponse(all, all.length, 0));
      }),
    );
    router.get(
      `${path}/:id`,
      handle(async (scim, req, res) => {
        const found = pick(scimDiscovery(scim.base)).find((d) => d.id === String(req.params.id));
        if (!found) throw new ScimError(404, missing);
        send(res, 200, found);
      }),
    );
  };
  discoveryCollection('/ResourceTypes', (d) => d.resourceTypes, 'No such resource type.');
  discoveryCollection('/Schemas', (d) => d.schemas, 'No such schema.');

  const created = (res: express.Response, resource: Record<string, unknown>) => {
    res.setHeader('Location', (resource.meta as { location: string }).location);
    send(res, 201, resource);
  };

  router.post(
    '/Users',
    handle(async (scim, req, res) => created(res, await users.createUser(scim, req.body))),
  );
  router.get(
    '/Users',
    handle(async (scim, req, res) => send(res, 200, await users.listUsers(scim, query(req)))),
  );
  router.get(
    '/Users/:id',
    handle(async (scim, req, res) => send(res, 200, await users.getUser(scim, String(req.params.id), query(req)))),
  );
  router.put(
    '/Users/:id',
    handle(async (scim, req, res) => send(res, 200, await users.replaceUser(scim, String(req.params.id), req.body))),
  );
  router.patch(
    '/Users/:id',
    handle(async (scim, req, res) => send(res, 200, await users.patchUser(scim, String(req.params.id), req.body))),
  );
  router.delete(
    '/Users/:id',
    handle(async (scim, req, res) => {
      await users.deleteUser(scim, String(req.params.id));
      res.status(204).end();
    }),
  );

  router.post(
    '/Groups',
    handle(async (scim, req, res) => created(res, await groups.createGroup(scim, req.body))),
  );
  router.get(
    '/Groups',
    handle(async (scim, req, res) => send(res, 200, await groups.listGroups(scim, query(req)))),
  );
  router.get(
    '/Groups/:id',
    handle(async (scim, req, res) => send(res, 200, await groups.getGroup(scim, String(req.params.id), query(req)))),
  );
  router.put(
    '/Groups/:id',
    handle(async (scim, req, res) => send(res, 200, await groups.replaceGroup(scim, String(req.params.id), req.body))),
  );
  router.patch(
    '/Groups/:id',
    handle(async (scim, req, res) => send(res, 200, await groups.patchGroup(scim, String(req.params.id), req.body))),
  );
  router.delete(
    '/Groups/:id',
    handle(async (scim, req, res) => {
      await groups.deleteGroup(scim, String(req.params.id));
      res.status(204).end();
    }),
  );

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
