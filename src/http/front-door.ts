import type http from 'node:http';
import type express from 'express';
import { type OrganizationAdmission, type PreparedRefusal, sendRefused } from '../db/organization-admission';
import type { Logger } from '../observability/logger';
import type { GraphQLAdmission } from './organization-admission';
import { type DecisionRoute, NOT_JSON } from './authorization-routes';
import { sendJson } from './json-errors';
import { noSniff } from './refusals';
import { logWhenDone } from './request-gates';

/**
 * docs/domain-rules.md §9: the HTTP server's front door, before Express. One organization's burst
 * of 230 requests is mostly refused (429), and what a refusal costs is what the other
 * organizations' requests wait for while the server takes the burst in: through Express a
 * refusal cost about twice what it costs here (its request and response decoration, its router,
 * the body parser) — measured with a bare Node server answering the same requests. So the two
 * ways a burst comes in are decided here first:
 *
 * - `POST /graphql` with a plain JSON body (`application/json`, UTF-8, not compressed, a length
 *   within the limit) from the router when ROUTER_SECRET is set: the body is read and parsed here,
 *   and when its operation's organizations are known and one is past its queue, the request is
 *   answered with the prepared 429. Otherwise it goes on to Express with its body parsed (the JSON
 *   middleware skips a body already read; one that did not parse is refused there as before).
 * - `/scim/v2/…` whose provisioning token's organization is known and past its queue: the 429
 *   without reading the body.
 *
 * The supergraph's decisions (`POST /authorization/policies` and `/authorization/check` with a
 * plain JSON body) are answered here whole: the body read and parsed once, the route called, its
 * JSON written in one write. Through Express they cost about 0.4 ms more a call (its router, the
 * body parser, `res.json` with its ETag and a second write), measured in the bench's profile
 * (docs/performance.md); any other body of theirs still goes to Express's route.
 *
 * Every other request, and every one that is not refused, goes to Express as it came. A refusal
 * here carries what Express would have given it: nosniff, CORS headers, the log line.
 */

export interface FrontDoorRoutes {
  /** Everything the front door does not answer. */
  app: express.Express;
  logger: Logger;
  maxBodyBytes: number;
  /** With ROUTER_SECRET set, whether the request comes from the router (request-gates.ts). */
  fromRouter: (req: http.IncomingMessage) => boolean;
  /** CORS of `/graphql` (null without CORS_ORIGINS). */
  cors: express.RequestHandler | null;
  graphql: GraphQLAdmission;
  /** The routes answered here from a plain JSON body, by exact path (a query string allowed). */
  decisions: ReadonlyMap<string, DecisionRoute>;
  scim: {
    /** The organization of the request's provisioning token, when known without a read. */
    organizationOf(req: http.IncomingMessage): string | undefined;
    admission: OrganizationAdmission;
    refusal: PreparedRefusal;
  };
}

/** Bodies read here that are not JSON: refused by `/graphql`'s body errors as Express's parser would. */
const unparsed = new WeakSet<http.IncomingMessage>();

/**
 * After `express.json` on `/graphql`: a body the front door read and could not parse fails as the
 * parser fails it (`entity.parse.failed`), so that it is answered as before.
 */
export const bodyReadAtTheDoor: express.RequestHandler = (req, _res, next) => {
  if (!unparsed.has(req)) return next();
  next(Object.assign(new Error('The request body is not valid JSON.'), { type: 'entity.parse.failed', status: 400 }));
};

/** `/graphql` exactly, as Express routes it (a query string allowed). */
const isGraphQLPath = (url: string) => url === '/graphql' || url.startsWith('/graphql?');
const isScimPath = (url: string) => url.startsWith('/scim/v2/') || url === '/scim/v2' || url.startsWith('/scim/v2?');
const PLAIN_JSON = /^application\/json(\s*;\s*charset="?utf-8"?)?\s*$/i;

/** A body the front door reads itself: plain JSON of a known length within the limit. */
function isPlainJson(req: http.IncomingMessage, maxBodyBytes: number): boolean {
  const { headers } = req;
  if (!PLAIN_JSON.test(headers['content-type'] ?? '')) return false;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  if (headers['transfer-encoding'] !== undefined) return false;
  const length = Number(headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= maxBodyBytes;
}

/** The JSON of a body as Express's parser reads it (BOM dropped, an object or array only), or `unparsed`. */
function parseBody(bytes: Buffer): { value: unknown } | null {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = /^[\x20\x09\x0a\x0d]*(.)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') return null;
  try {
    return { value: JSON.parse(text) };
  } catch {
    return null;
  }
}

/** Reads a whole body and parses it (parseBody). */
function readBody(req: http.IncomingMessage, done: (parsed: { value: unknown } | null) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  // An aborted request has no one to answer: its socket is gone.
  req.on('error', () => undefined);
  req.on('end', () => done(parseBody(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))));
}

export function frontDoor(routes: FrontDoorRoutes): http.RequestListener {
  const { app, logger } = routes;
  const refuse = (req: http.IncomingMessage, res: http.ServerResponse, refusal: PreparedRefusal, withCors: boolean) => {
    noSniff(res);
    logWhenDone(logger, req, res);
    const send = () => sendRefused(res, refusal);
    if (withCors && routes.cors) return routes.cors(req as express.Request, res as express.Response, send);
    send();
  };

  const readGraphQL = (req: http.IncomingMessage, res: http.ServerResponse) => {
    readBody(req, (parsed) => {
      if (!parsed) unparsed.add(req);
      else {
        (req as express.Request).body = parsed.value;
        if (!Array.isArray(parsed.value) && routes.graphql.refusesAtOnce(parsed.value)) {
          return refuse(req, res, routes.graphql.refusal, true);
        }
      }
      app(req, res);
    });
  };

  /** A decision: what Express's log line, nosniff and route would do, without Express. */
  const readDecision = (req: http.IncomingMessage, res: http.ServerResponse, route: DecisionRoute) => {
    noSniff(res);
    const requestId = logWhenDone(logger, req, res);
    readBody(req, (parsed) => {
      if (!parsed) return sendJson(res, NOT_JSON);
      void route(parsed.value, req.headers, requestId).then((answer) => sendJson(res, answer));
    });
  };

  return (req, res) => {
    const url = req.url ?? '';
    if (req.method === 'POST') {
      const query = url.indexOf('?');
      const route = routes.decisions.get(query < 0 ? url : url.slice(0, query));
      if (route && isPlainJson(req, routes.maxBodyBytes)) return readDecision(req, res, route);
    }
    if (isScimPath(url)) {
      const organizationId = routes.scim.organizationOf(req);
      if (organizationId && routes.scim.admission.refusesAtOnce([organizationId])) {
        return refuse(req, res, routes.scim.refusal, false);
      }
    } else if (
      req.method === 'POST' &&
      isGraphQLPath(url) &&
      isPlainJson(req, routes.maxBodyBytes) &&
      routes.fromRouter(req)
    ) {
      return readGraphQL(req, res);
    }
    app(req, res);
  };
}
