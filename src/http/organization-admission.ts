import type express from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import type { DatabaseOutage } from '../db/availability';
import { admissionOf, organizationOfRow } from '../db/organization-admission';
import { type NamedRow, rowsNamedByRequest } from '../graphql/operation-scopes';
import type { Logger } from '../observability/logger';
import { sendError } from './json-errors';

/**
 * docs/domain-rules.md §9: each way in asks its request's organization for a turn before its
 * first statement, and gives the turn back when the response is over (sent, failed or abandoned).
 * The admission itself is src/db/organization-admission.ts.
 */

/** Takes a turn for each organization given (none: nothing to wait for) until the response ends. */
async function admitUntilClosed(
  db: DataSource,
  config: Config,
  res: express.Response,
  organizationIds: string[],
): Promise<void> {
  if (organizationIds.length === 0) return;
  const release = await admissionOf(db, config.organizations).admit(organizationIds);
  if (res.writableFinished || res.destroyed) return release();
  res.once('close', release);
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
function operationOf(req: express.Request): {
  query: unknown;
  operationName: unknown;
  variables: unknown;
} {
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
  const body = (req.body ?? {}) as Record<string, unknown>;
  return { query: body.query, operationName: body.operationName, variables: body.variables };
}

/**
 * GraphQL: the organizations the operation's root fields name (src/graphql/operation-scopes.ts).
 * Run as express middleware after the body is read and before Apollo: a request past its
 * organization's queue is refused before it is validated or executed, so that a burst costs
 * little more than reading and parsing it; one that waits holds no connection while it does.
 */
async function admitGraphQLRequest(
  db: DataSource,
  config: Config,
  req: express.Request,
  res: express.Response,
): Promise<void> {
  const rows = rowsNamedByRequest(operationOf(req), config.limits.maxTokens);
  await admitUntilClosed(db, config, res, await organizationsOf(db, rows));
}

/**
 * The middleware of `/graphql`: the request's organizations take their turn, or the request is
 * answered at once with the error GraphQL gives — HTTP 429, `Retry-After`, `{ errors: [{ message,
 * extensions: { code: 'RATE_LIMITED', retryAfter } }] }` — without reaching Apollo.
 */
export function graphqlAdmission(
  db: DataSource,
  config: Config,
  logger: Logger,
  outage?: DatabaseOutage,
): express.RequestHandler {
  return (req, res, next) => {
    admitGraphQLRequest(db, config, req, res).then(
      () => next(),
      (error: unknown) => sendError(res, error, logger, outage),
    );
  };
}

/** SCIM: the provisioning token's organization. */
export function admitOrganizationRequest(
  db: DataSource,
  config: Config,
  res: express.Response,
  organizationId: string,
): Promise<void> {
  return admitUntilClosed(db, config, res, [organizationId]);
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
