import type express from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import type { DatabaseOutage } from '../db/availability';
import {
  admissionOf,
  BUSY_RETRY_AFTER_SECONDS,
  knownOrganizationOfRow,
  type OrganizationAdmission,
  organizationOfRow,
  prepareRefusal,
  type PreparedRefusal,
  type Release,
  sendRefused,
  type Turn,
} from '../db/organization-admission';
import { OrganizationBusyError } from '../domain/errors';
import { type NamedRow, type OperationRequest, rememberingRowsNamer } from '../graphql/operation-scopes';
import type { Logger } from '../observability/logger';
import { sendError } from './json-errors';

/**
 * docs/domain-rules.md §9: each way in asks its request's organization for a turn before its
 * first statement, and gives the turn back when the response is over (sent, failed or abandoned).
 * The admission itself is src/db/organization-admission.ts.
 */

/** Holds the turn until the response is over (sent, failed or abandoned). */
function holdUntilClosed(res: express.Response, release: Release): void {
  if (res.writableFinished || res.destroyed) return release();
  res.once('close', release);
}

export function turnFor(admission: OrganizationAdmission, res: express.Response, organizationIds: string[]): Turn {
  if (organizationIds.length === 0) return 'admitted';
  const decided = admission.tryAdmit(organizationIds);
  if (decided === null) return 'refused';
  if (typeof decided === 'function') {
    holdUntilClosed(res, decided);
    return 'admitted';
  }
  return decided.then((release) => holdUntilClosed(res, release));
}

/** The turn as a promise: a refusal is OrganizationBusyError. */
async function awaitTurn(turn: Turn): Promise<void> {
  if (turn === 'refused') throw new OrganizationBusyError(BUSY_RETRY_AFTER_SECONDS);
  if (turn !== 'admitted') await turn;
}

/** Takes a turn for each organization given (none: nothing to wait for) until the response ends. */
function admitUntilClosed(
  db: DataSource,
  config: Config,
  res: express.Response,
  organizationIds: string[],
): Promise<void> {
  return awaitTurn(turnFor(admissionOf(db, config.organizations), res, organizationIds));
}

/** GraphQL's RATE_LIMITED answer, as sendError (./json-errors.ts) writes OrganizationBusyError. */
const GRAPHQL_BUSY = prepareRefusal('application/json; charset=utf-8', {
  errors: [
    {
      message: new OrganizationBusyError(BUSY_RETRY_AFTER_SECONDS).message,
      extensions: { code: 'RATE_LIMITED', retryAfter: BUSY_RETRY_AFTER_SECONDS },
    },
  ],
});

/** The organizations of the rows named, where every one is remembered already (no read); else null. */
function organizationsKnown(db: DataSource, rows: NamedRow[]): string[] | null {
  const ids: string[] = [];
  for (const row of rows) {
    const id = row.table === 'organizations' ? row.id : knownOrganizationOfRow(db, row.table, row.id);
    if (id === undefined) return null;
    if (typeof id === 'string' && id !== '') ids.push(id);
  }
  return ids;
}

async function organizationsOf(db: DataSource, rows: NamedRow[]): Promise<string[]> {
  const ids = await Promise.all(
    rows.map((row) =>
      row.table === 'organizations'
        ? row.id
        : // A lookup that fails (an outage) attributes nothing: the request meets the outage itself, as 503.
          organizationOfRow(db, row.table, row.id).catch(() => null),
    ),
  );
  return ids.filter((id): id is string => typeof id === 'string' && id !== '');
}

/** The operation's text, name and variables, from a POST body or a GET query string. */
function operationOf(req: express.Request): OperationRequest {
  if (req.method === 'GET') {
    const q = req.query as Record<string, unknown>;
    let variables: unknown;
    try {
      variables = typeof q.variables === 'string' ? JSON.parse(q.variables) : null;
    } catch {
      variables = null;
    }
    return { query: q.query, operationName: q.operationName, variables };
  }
  return operationOfBody(req.body);
}

/** The operation of a POST body (as the front door has parsed it). */
function operationOfBody(body: unknown): OperationRequest {
  const fields = (body ?? {}) as Record<string, unknown>;
  return { query: fields.query, operationName: fields.operationName, variables: fields.variables };
}

/** GraphQL's admission: the middleware of `/graphql`, and the front door's question. */
export interface GraphQLAdmission {
  /**
   * After the body is read and before Apollo: the organizations the operation's root fields name
   * (src/graphql/operation-scopes.ts) take their turn, or the request is answered at once with
   * the error GraphQL gives — HTTP 429, `Retry-After`, `{ errors: [{ message, extensions: { code:
   * 'RATE_LIMITED', retryAfter } }] }` — without reaching Apollo. A refused request is not
   * validated or executed, and one that waits holds no connection while it does.
   */
  middleware: express.RequestHandler;
  /**
   * Whether a POST body's operation would be refused at once (its organizations known without a
   * read, one of them past its queue): the front door answers it without Express.
   */
  refusesAtOnce(body: unknown): boolean;
  /** The answer of a refused operation, written once. */
  refusal: PreparedRefusal;
}

/**
 * The common case is decided without a promise or a read: the query's parse is remembered, the
 * rows' organizations too, and the refusal is written once — a burst's refusals cost little more
 * than reading them (`npm run bench -- --only noisy-neighbour`).
 */
export function graphqlAdmission(
  db: DataSource,
  config: Config,
  logger: Logger,
  outage?: DatabaseOutage,
): GraphQLAdmission {
  const admission = admissionOf(db, config.organizations);
  const rowsNamed = rememberingRowsNamer(config.limits.maxTokens);
  const middleware: express.RequestHandler = (req, res, next) => {
    const take = (organizationIds: string[]) => {
      const turn = turnFor(admission, res, organizationIds);
      if (turn === 'admitted') return next();
      if (turn === 'refused') return sendRefused(res, GRAPHQL_BUSY);
      turn.then(
        () => next(),
        (error: unknown) =>
          error instanceof OrganizationBusyError
            ? sendRefused(res, GRAPHQL_BUSY)
            : sendError(res, error, logger, outage),
      );
    };
    const rows = rowsNamed(operationOf(req));
    const known = organizationsKnown(db, rows);
    if (known) return take(known);
    organizationsOf(db, rows).then(take, (error: unknown) => sendError(res, error, logger, outage));
  };
  return {
    middleware,
    refusesAtOnce(body) {
      const known = organizationsKnown(db, rowsNamed(operationOfBody(body)));
      return known !== null && known.length > 0 && admission.refusesAtOnce(known);
    },
    refusal: GRAPHQL_BUSY,
  };
}

/** SCIM: the provisioning token's organization. */
export function admitOrganizationRequest(
  db: DataSource,
  config: Config,
  res: express.Response,
  organizationId: string,
): Turn {
  return turnFor(admissionOf(db, config.organizations), res, [organizationId]);
}

/** The audit export: the organization of the one scope its parameters name (the route checks the rest). */
export async function admitExportRequest(
  db: DataSource,
  config: Config,
  req: express.Request,
  res: express.Response,
): Promise<void> {
  const q = req.query as Record<string, unknown>;
  const rows: NamedRow[] = [];
  if (typeof q.organizationId === 'string') rows.push({ table: 'organizations', id: q.organizationId });
  if (typeof q.workspaceId === 'string') rows.push({ table: 'workspaces', id: q.workspaceId });
  if (typeof q.domainId === 'string') rows.push({ table: 'domains', id: q.domainId });
  await admitUntilClosed(db, config, res, await organizationsOf(db, rows.slice(0, 1)));
}
