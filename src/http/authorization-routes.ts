import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import express from 'express';
import { bearerToken } from '../auth/jwt';
import { BadUserInputError, UnauthenticatedError } from '../domain/errors';
import { ScopeKind } from '../domain/enums';
import type { Actor } from '../request/scope';
import { actorOf, decisionScopeOf, type ScopeDependencies } from '../request/factory';
import type { Logger } from '../observability/logger';
import { isPermissionKey } from '../domain/permission-keys';
import { type Check, decidePolicies, runChecks } from '../services/authorization/decisions.service';
import type { SignInFact } from '../../permissions/sign-in';
import { errorAnswer, type JsonAnswer, sendJson } from './json-errors';

/**
 * Authorization for the whole supergraph (docs/domain-rules.md §19), over plain HTTP:
 * - POST /authorization/policies: the `@policy` coprocessor of Apollo Router (stage
 *   SupergraphRequest) and Hive Router (stage graphql.analysis), and the plain shape Hive
 *   Gateway's hook sends; it decides for the bearer of the forwarded token only, so it needs no
 *   secret of its own.
 * - POST /authorization/check: "may this person do this there", for services holding a token of
 *   AUTHZ_SERVICE_TOKENS.
 */

/** The context entry each router publishes its policies under. */
export const APOLLO_POLICIES = 'apollo::authorization::required_policies';
export const HIVE_POLICIES = 'hive::authorization::required_policies';

/** Most checks one call may carry. */
export const MAX_CHECKS = 100;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A header as a router forwards it: a string, or a list of them (Apollo sends lists). */
function headerOf(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}

/** The policies a body asks about: names mapped to null (or to an earlier decision, decided again). */
function policyNames(entries: unknown): string[] {
  if (!isObject(entries)) throw new BadUserInputError('The required policies must be an object of names.', 'context');
  const names = Object.keys(entries);
  if (names.some((name) => name.length > 200)) throw new BadUserInputError('A policy name is too long.', 'context');
  return names;
}

function variablesOf(body: unknown): Json {
  if (!isObject(body) || body.variables === undefined || body.variables === null) return {};
  if (!isObject(body.variables)) throw new BadUserInputError('variables must be an object.', 'body.variables');
  return body.variables;
}

/** Where one protocol keeps what we read and write. */
interface Exchange {
  names: string[];
  variables: Json;
  authorization: string | undefined;
  answer(decisions: Record<string, boolean>): unknown;
}

/**
 * Reads a coprocessor or hook body: Apollo Router's SupergraphRequest (policies in
 * `context.entries`, headers as lists), Hive Router's graphql.analysis (policies in `context`), or
 * the plain `{ policies: [...], variables }` of Hive Gateway's hook (the token in the request's own
 * Authorization header). Anything else is BAD_USER_INPUT: never a decision of true.
 */
function exchangeOf(body: unknown, requestAuthorization: string | undefined): Exchange {
  if (!isObject(body)) throw new BadUserInputError('The body must be a JSON object.', 'body');
  if (body.stage === 'SupergraphRequest') {
    const context = body.context;
    if (!isObject(context) || !isObject(context.entries) || !(APOLLO_POLICIES in context.entries)) {
      throw new BadUserInputError(`context.entries has no ${APOLLO_POLICIES}.`, 'context');
    }
    const entries = context.entries;
    const names = policyNames(entries[APOLLO_POLICIES]);
    return {
      names,
      variables: variablesOf(body.body),
      authorization: headerOf(body.headers, 'authorization'),
      answer: (decisions) => ({
        ...body,
        context: { ...context, entries: { ...entries, [APOLLO_POLICIES]: decisions } },
      }),
    };
  }
  if (body.stage === 'graphql.analysis') {
    const context = body.context;
    if (!isObject(context) || !(HIVE_POLICIES in context)) {
      throw new BadUserInputError(`context has no ${HIVE_POLICIES}.`, 'context');
    }
    const names = policyNames(context[HIVE_POLICIES]);
    return {
      names,
      variables: variablesOf(body.body),
      authorization: headerOf(body.headers, 'authorization'),
      // Hive Router takes back only what may change at this stage: no body, no read-only context keys.
      answer: (decisions) => ({
        version: body.version ?? 1,
        control: 'continue',
        context: { [HIVE_POLICIES]: decisions },
      }),
    };
  }
  if (body.stage === undefined && Array.isArray(body.policies)) {
    if (!body.policies.every((name) => typeof name === 'string' && name.length <= 200) || body.policies.length > 100) {
      throw new BadUserInputError('policies must be a list of at most 100 names.', 'policies');
    }
    return {
      names: body.policies as string[],
      variables: variablesOf(body),
      authorization: requestAuthorization,
      answer: (decisions) => ({ policies: decisions }),
    };
  }
  throw new BadUserInputError(
    'Not a policy request: expected an Apollo Router SupergraphRequest, a Hive Router graphql.analysis stage, or { "policies": [...] }.',
    'body',
  );
}

/** The answer to a body that is not JSON. */
export const NOT_JSON: JsonAnswer = {
  status: 400,
  body: { errors: [{ message: 'The body is not valid JSON.', extensions: { code: 'BAD_USER_INPUT', field: 'body' } }] },
};

/** A body over the limit or not JSON: the route's JSON error, never Express's HTML page. */
const bodyRefusals: express.ErrorRequestHandler = (error: { type?: string }, _req, res, next) => {
  if (error?.type === 'entity.parse.failed') return sendJson(res, NOT_JSON);
  if (error?.type === 'entity.too.large') {
    return sendJson(res, {
      status: 413,
      body: { errors: [{ message: 'The body is too large.', extensions: { code: 'BAD_USER_INPUT', field: 'body' } }] },
    });
  }
  next(error);
};

/**
 * One of the two routes: the answer to a parsed JSON body with the request's headers. It never
 * rejects (an error is its JSON answer). The front door (./front-door.ts) calls it for a POST with
 * a plain JSON body, before Express; `expressRoute` for any other body.
 */
export type DecisionRoute = (
  body: unknown,
  headers: http.IncomingHttpHeaders,
  requestId: string,
) => Promise<JsonAnswer>;

export interface DecisionRoutes {
  /** POST /authorization/policies. */
  policies: DecisionRoute;
  /** POST /authorization/check; 404 while AUTHZ_SERVICE_TOKENS is unset. */
  check: DecisionRoute;
}

export function decisionRoutes(deps: ScopeDependencies, logger: Logger): DecisionRoutes {
  return { policies: policiesRoute(deps, logger), check: checkRoute(deps, logger) };
}

/** A route through Express, for the bodies the front door leaves to it (another type, encoding, length). */
export function expressRoute(route: DecisionRoute, maxBodyBytes: number): express.Router {
  const router = express.Router();
  router.post('/', express.json({ limit: maxBodyBytes }), (req, res) => {
    void route(req.body, req.headers, res.locals.requestId as string).then((answer) => sendJson(res, answer));
  });
  router.use(bodyRefusals);
  return router;
}

function policiesRoute(deps: ScopeDependencies, logger: Logger): DecisionRoute {
  // A name that does not parse decides false, and is logged once (a bounded memory of names).
  const reported = new Set<string>();
  const onUnparsable = (name: string) => {
    if (reported.has(name) || reported.size >= 1000) return;
    reported.add(name);
    logger.warn({ policy: name }, 'policy name is not KEY or KEY@variable: decided false');
  };
  return async (body, headers, requestId) => {
    try {
      const exchange = exchangeOf(body, headers.authorization);
      const token = bearerToken(exchange.authorization);
      const check = token ? await deps.verifyToken(token) : null;
      // No credentials, or refused ones (expired, wrong signature): every policy is false.
      const identity = check && 'identity' in check ? check.identity : null;
      // The decisions are the bearer's (their sign-in against their organizations' sign-in
      // policies, docs/domain-rules.md §20); no user record is made for them here.
      const scope = decisionScopeOf(deps, actorOf(identity), requestId);
      const decisions = await decidePolicies(scope, exchange.names, exchange.variables, onUnparsable);
      return { status: 200, body: exchange.answer(decisions) };
    } catch (error) {
      return errorAnswer(error, logger, requestId, deps.outage);
    }
  };
}

const SCOPE_FIELDS = {
  organizationId: ScopeKind.ORGANIZATION,
  workspaceId: ScopeKind.WORKSPACE,
  domainId: ScopeKind.DOMAIN,
};

function checksOf(body: unknown): Check[] {
  if (!isObject(body) || !Array.isArray(body.checks)) {
    throw new BadUserInputError('The body must be { "checks": [...] }.', 'checks');
  }
  if (body.checks.length > MAX_CHECKS) throw new BadUserInputError(`At most ${MAX_CHECKS} checks a call.`, 'checks');
  return body.checks.map((entry: unknown, index) => {
    // The field's name is spelled out only for a refusal.
    const refuse = (what: string, message: string): never => {
      const field = `checks[${index}]${what}`;
      throw new BadUserInputError(`${field} ${message}`, field);
    };
    if (!isObject(entry)) return refuse('', 'must be an object.');
    const { userId, permission, scope } = entry;
    if (typeof userId !== 'string' || userId.length === 0 || userId.length > 255) {
      return refuse('.userId', 'must be a user id.');
    }
    if (typeof permission !== 'string' || !isPermissionKey(permission)) {
      return refuse('.permission', 'must be a permission key.');
    }
    const named = isObject(scope) ? Object.keys(scope) : [];
    const key = named[0];
    const id = named.length === 1 ? (scope as Json)[key] : undefined;
    if (named.length !== 1 || !Object.hasOwn(SCOPE_FIELDS, key) || typeof id !== 'string' || id.length === 0) {
      return refuse('.scope', 'must name exactly one of organizationId, workspaceId, domainId.');
    }
    const check: Check = { userId, permission, scopeKind: SCOPE_FIELDS[key as keyof typeof SCOPE_FIELDS], scopeId: id };
    if (entry.signIn !== undefined && entry.signIn !== null) {
      check.signIn = signInOf(entry.signIn, `checks[${index}].signIn`);
    }
    return check;
  });
}

/**
 * A check's optional `signIn`: `{ "amr": [...], "ssoConnection": "..." }`, the claims of the
 * person's token as the calling service verified it (docs/domain-rules.md §20).
 */
function signInOf(value: unknown, field: string): SignInFact {
  const amr = isObject(value) ? (value.amr ?? []) : null;
  const connection = isObject(value) ? (value.ssoConnection ?? null) : null;
  if (
    !isObject(value) ||
    !Array.isArray(amr) ||
    amr.length > 20 ||
    !amr.every((v) => typeof v === 'string' && v.length <= 32) ||
    (connection !== null && (typeof connection !== 'string' || connection.length > 255))
  ) {
    throw new BadUserInputError(`${field} must be { "amr": [strings], "ssoConnection": string or null }.`, field);
  }
  return { amr: amr as string[], ssoConnection: connection as string | null };
}

const CHECKING_SERVICE: Actor = { kind: 'service', service: 'authorization-check' };

function checkRoute(deps: ScopeDependencies, logger: Logger): DecisionRoute {
  const digests = deps.config.authzServiceTokens.map((token) => createHash('sha256').update(token).digest());
  const isServiceToken = (token: string | null) => {
    if (!token) return false;
    const digest = createHash('sha256').update(token).digest();
    // Every token is compared, in constant time, so that the answer's timing tells nothing.
    return digests.reduce((found, expected) => timingSafeEqual(digest, expected) || found, false);
  };
  return async (body, headers, requestId) => {
    try {
      if (digests.length === 0) {
        return {
          status: 404,
          body: {
            errors: [{ message: 'Authorization checks are not configured.', extensions: { code: 'NOT_FOUND' } }],
          },
        };
      }
      if (!isServiceToken(bearerToken(headers.authorization))) {
        throw new UnauthenticatedError();
      }
      const checks = checksOf(body);
      const scope = decisionScopeOf(deps, CHECKING_SERVICE, requestId);
      return { status: 200, body: { results: await runChecks(scope, checks) } };
    } catch (error) {
      return errorAnswer(error, logger, requestId, deps.outage);
    }
  };
}
