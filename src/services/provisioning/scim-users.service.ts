import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { scimPatch, ScimError as PatchError, type ScimPatchOperation } from 'scim-patch';
import type { ProvisioningToken } from '../../../entities/provisioning-token.entity';
import { ScimUser } from '../../../entities/scim-user.entity';
import { filterCondition, USER_FILTER_ATTRIBUTES } from '../../db/scim-filter';
import { fromSqlDateTime, isUniqueViolation, toCount } from '../../db/sql';
import { withOrganizationLock } from '../../db/transaction';
import { AppError } from '../../domain/errors';
import type { Config } from '../../config/config';
import {
  MAX_PAGING_VALUE,
  MAX_RESULTS,
  pathWithBooleans,
  projected,
  SCIM,
  ScimError,
  type UserFacts,
  userFactsOf,
  withBooleans,
} from '../../domain/scim';
import { applyDirectory, provisioningActor } from './provisioned-access';

/**
 * SCIM Users (RFC 7644 §3, docs/domain-rules.md §15): the people an organization's directory
 * provisions, each kept as the directory wrote them (`scim_users`) and made real in the
 * organization by `applyDirectory`, in the same transaction under the organization's lock.
 */

/** A SCIM request as the services see it: the organization's token, the moment, where resources live. */
export interface ScimRequest {
  db: DataSource;
  token: ProvisioningToken;
  now: Date;
  requestId: string | null;
  /** The absolute URL of `/scim/v2`, for `meta.location`. */
  base: string;
  /** For the invitation emails of addresses the organization does not own (docs/domain-rules.md §15). */
  config: Config;
}

const notFound = (what = 'User') => new ScimError(404, `${what} not found.`);

/** The service's own refusals in SCIM's words: the rule that refused, by its code, in `detail`. */
export function asScimError(error: unknown): unknown {
  if (error instanceof ScimError) return error;
  if (error instanceof PatchError) {
    const known = ['invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'mutability'];
    return new ScimError(
      400,
      error.message,
      (known.includes(error.scimCode ?? '') ? error.scimCode : 'invalidValue') as never,
    );
  }
  if (error instanceof AppError) {
    const detail = `${error.code}: ${error.message}`;
    switch (error.code) {
      case 'LAST_ADMIN':
        return new ScimError(409, detail, 'mutability');
      case 'SEAT_LIMIT_REACHED':
        return new ScimError(403, detail);
      case 'NOT_FOUND':
        return new ScimError(404, detail);
      case 'BAD_USER_INPUT':
        return new ScimError(400, detail, 'invalidValue');
      case 'RATE_LIMITED':
        return new ScimError(429, detail);
      default:
        return new ScimError(409, detail);
    }
  }
  return error;
}

/** Runs a change under the token's organization's lock, with SCIM's errors. */
export async function inDirectory<T>(req: ScimRequest, work: (em: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await withOrganizationLock(req.db, req.token.organizationId, work, () => notFound('Organization'));
  } catch (error) {
    throw asScimError(error);
  }
}

const actorOf = (req: ScimRequest) => provisioningActor(req.now, req.token.id, req.requestId);

/** Keys of a resource that the service states itself, whatever the directory wrote. */
const OWN_KEYS = new Set(['id', 'meta', 'schemas', 'active', 'roles']);

export function userResource(row: ScimUser, base: string): Record<string, unknown> {
  const stored = JSON.parse(row.resource) as Record<string, unknown>;
  const schemas = Array.isArray(stored.schemas) ? (stored.schemas as string[]) : [];
  const kept = Object.fromEntries(Object.entries(stored).filter(([key]) => !OWN_KEYS.has(key.toLowerCase())));
  return {
    schemas: [SCIM.USER, ...schemas.filter((schema) => schema !== SCIM.USER)],
    id: row.id,
    ...kept,
    active: Boolean(row.active),
    roles: [{ value: row.role, primary: true }],
    meta: {
      resourceType: 'User',
      created: fromSqlDateTime(row.createdAt).toISOString(),
      lastModified: fromSqlDateTime(row.updatedAt).toISOString(),
      location: `${base}/Users/${row.id}`,
    },
  };
}

function scimUserFromRow(row: Record<string, unknown>): ScimUser {
  return Object.assign(new ScimUser(), {
    id: row.id as string,
    organizationId: row.organization_id as string,
    userName: row.user_name as string,
    email: row.email as string,
    externalId: (row.external_id as string | null) ?? null,
    displayName: (row.display_name as string | null) ?? null,
    emails: (row.emails as string) ?? '',
    active: Boolean(row.active),
    role: row.role as ScimUser['role'],
    resource: row.resource as string,
    userId: (row.user_id as string | null) ?? null,
    createdAt: fromSqlDateTime(row.created_at as Date | string),
    updatedAt: fromSqlDateTime(row.updated_at as Date | string),
  });
}

async function find(em: EntityManager | DataSource, req: ScimRequest, id: string): Promise<ScimUser | null> {
  return em.getRepository(ScimUser).findOneBy({ id, organizationId: req.token.organizationId });
}

async function assertFreeUserName(em: EntityManager, req: ScimRequest, userName: string, exceptId: string | null) {
  const taken = await em.findOneBy(ScimUser, { organizationId: req.token.organizationId, userName });
  if (taken && taken.id !== exceptId) {
    throw new ScimError(409, `userName ${userName} is already provisioned in this organization.`, 'uniqueness');
  }
}

function columnsOf(facts: UserFacts) {
  return {
    userName: facts.userName,
    email: facts.email,
    externalId: facts.externalId,
    displayName: facts.displayName,
    emails: facts.emails.length > 0 ? `\n${facts.emails.join('\n')}\n` : '',
    active: facts.active,
    role: facts.role,
    resource: JSON.stringify(facts.resource),
  };
}

export async function createUser(req: ScimRequest, body: unknown): Promise<Record<string, unknown>> {
  const facts = userFactsOf(body);
  try {
    return await inDirectory(req, async (em) => {
      await assertFreeUserName(em, req, facts.userName, null);
      const scim = Object.assign(new ScimUser(), {
        id: randomUUID(),
        organizationId: req.token.organizationId,
        ...columnsOf(facts),
        userId: null,
        createdAt: req.now,
        updatedAt: req.now,
      });
      await em.insert(ScimUser, scim);
      await applyDirectory(em, actorOf(req), scim, { config: req.config });
      return userResource(scim, req.base);
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ScimError(409, `userName ${facts.userName} is already provisioned.`, 'uniqueness');
    throw error;
  }
}

export async function getUser(
  req: ScimRequest,
  id: string,
  query: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const scim = await find(req.db, req, id);
  if (!scim) throw notFound();
  return projected(userResource(scim, req.base), query);
}

/** PUT: the resource as sent replaces the one held (RFC 7644 §3.5.1). */
export async function replaceUser(req: ScimRequest, id: string, body: unknown): Promise<Record<string, unknown>> {
  const facts = userFactsOf(body);
  return inDirectory(req, (em) => write(em, req, id, () => facts));
}

/**
 * PATCH (RFC 7644 §3.5.2): the operations applied to the resource as the service shows it — by
 * `scim-patch`, after Entra ID's dialect is made standard (string booleans, capitalised ops are
 * accepted as they are) — and the result written as a PUT would be.
 */
export async function patchUser(req: ScimRequest, id: string, body: unknown): Promise<Record<string, unknown>> {
  const operations = patchOperations(body);
  return inDirectory(req, (em) =>
    write(em, req, id, (current) => {
      const patched = applyPatch(userResource(current, req.base), operations);
      return userFactsOf(patched);
    }),
  );
}

async function write(
  em: EntityManager,
  req: ScimRequest,
  id: string,
  factsOf: (current: ScimUser) => UserFacts,
): Promise<Record<string, unknown>> {
  const current = await find(em, req, id);
  if (!current) throw notFound();
  const facts = factsOf(current);
  await assertFreeUserName(em, req, facts.userName, id);
  const previousEmail = current.email;
  const next = Object.assign(current, columnsOf(facts), { updatedAt: req.now });
  // A person known under another address is someone else: they are linked again by the new one.
  if (previousEmail !== facts.email) next.userId = null;
  await em.update(ScimUser, { id }, { ...columnsOf(facts), userId: next.userId, updatedAt: req.now });
  await applyDirectory(em, actorOf(req), next, { previousEmail, config: req.config });
  return userResource(next, req.base);
}

/** DELETE: the person's membership ends as with `active: false`, and the directory forgets them. */
export async function deleteUser(req: ScimRequest, id: string): Promise<void> {
  await inDirectory(req, async (em) => {
    const current = await find(em, req, id);
    if (!current) throw notFound();
    await applyDirectory(em, actorOf(req), current, { remove: true, config: req.config });
    await em.delete(ScimUser, { id });
  });
}

/** A PatchOp body's operations, checked and in the standard dialect. */
export function patchOperations(body: unknown): ScimPatchOperation[] {
  const request = body as { schemas?: unknown; Operations?: unknown; operations?: unknown } | null;
  if (
    !request ||
    typeof request !== 'object' ||
    !Array.isArray(request.schemas) ||
    !request.schemas.includes(SCIM.PATCH)
  ) {
    throw new ScimError(400, `A PATCH body has schemas [${SCIM.PATCH}] and Operations.`, 'invalidSyntax');
  }
  const operations = request.Operations ?? request.operations;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new ScimError(400, 'Operations must be a non-empty list.', 'invalidSyntax');
  }
  return operations.flatMap((operation) => {
    const { op, path, value } = (operation ?? {}) as { op?: unknown; path?: unknown; value?: unknown };
    // Entra ID removes group members by listing them: `remove` of `members` with
    // `[{ value: id }]`. RFC 7644 §3.5.2.2 selects by a path filter: each becomes `members[value eq "id"]`.
    if (
      typeof op === 'string' &&
      op.toLowerCase() === 'remove' &&
      typeof path === 'string' &&
      !path.includes('[') &&
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((item) => item && typeof item === 'object' && typeof (item as { value?: unknown }).value === 'string')
    ) {
      return value.map(
        (item) =>
          ({
            op: 'remove',
            path: `${path}[value eq ${JSON.stringify((item as { value: string }).value)}]`,
          }) as ScimPatchOperation,
      );
    }
    if (typeof op !== 'string' || !['add', 'replace', 'remove'].includes(op.toLowerCase())) {
      throw new ScimError(400, 'Each operation is add, replace or remove.', 'invalidSyntax');
    }
    if (path !== undefined && typeof path !== 'string')
      throw new ScimError(400, 'path must be a string.', 'invalidPath');
    const lastKey = typeof path === 'string' ? (path.split(/[.\]]/).pop() ?? path) : '';
    return {
      op: op.toLowerCase(),
      ...(path !== undefined ? { path: pathWithBooleans(path) } : {}),
      ...(value !== undefined ? { value: withBooleans(value, lastKey) } : {}),
    } as ScimPatchOperation;
  });
}

/** Applies operations to a resource; `id` and `meta` are the service's and cannot be changed. */
export function applyPatch(
  resource: Record<string, unknown>,
  operations: ScimPatchOperation[],
): Record<string, unknown> {
  for (const operation of operations) {
    const target = (operation.path ?? '').toLowerCase();
    const value = 'value' in operation ? operation.value : undefined;
    const pathless = operation.path === undefined && value && typeof value === 'object' ? Object.keys(value) : [];
    if (
      ['id', 'meta'].some((key) => target === key || target.startsWith(`${key}.`)) ||
      pathless.some((k) => ['id', 'meta'].includes(k.toLowerCase()))
    ) {
      throw new ScimError(400, 'id and meta are set by the service.', 'mutability');
    }
  }
  try {
    return scimPatch(resource as never, operations, { mutateDocument: false, treatMissingAsAdd: true }) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw asScimError(error);
  }
}

/**
 * `startIndex` (1-based) and `count` (at most MAX_RESULTS; 0 asks for the total only). Beyond
 * 2^31−1 either is `invalidValue`: `1e21` is an integer to JavaScript but no SQL OFFSET.
 */
export function offsetAndLimit(query: Record<string, unknown>): { offset: number; limit: number } {
  const number = (value: unknown, fallback: number) => {
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || Math.abs(n) > MAX_PAGING_VALUE) {
      throw new ScimError(400, `startIndex and count are integers of at most ${MAX_PAGING_VALUE}.`, 'invalidValue');
    }
    return n;
  };
  const startIndex = Math.max(1, number(query.startIndex, 1));
  const count = Math.min(MAX_RESULTS, Math.max(0, number(query.count, 100)));
  return { offset: startIndex - 1, limit: count };
}

/** A ListResponse of Users matching `filter`, in the order they were provisioned. */
export async function listUsers(req: ScimRequest, query: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { offset, limit } = offsetAndLimit(query);
  const condition =
    typeof query.filter === 'string' && query.filter.trim() !== ''
      ? filterCondition(USER_FILTER_ATTRIBUTES, query.filter)
      : { sql: '1 = 1', params: [] };
  const where = `u.organization_id = ? AND ${condition.sql}`;
  const params = [req.token.organizationId, ...condition.params];
  const [{ n }] = await req.db.query(`SELECT COUNT(*) AS n FROM scim_users u WHERE ${where}`, params);
  const rows: Record<string, unknown>[] =
    limit === 0
      ? []
      : await req.db.query(
          `SELECT u.* FROM scim_users u WHERE ${where} ORDER BY u.created_at, u.id LIMIT ${limit} OFFSET ${offset}`,
          params,
        );
  return listResponse(
    rows.map((row) => projected(userResource(scimUserFromRow(row), req.base), query)),
    toCount(n),
    offset,
  );
}

export function listResponse(resources: unknown[], total: number, offset: number): Record<string, unknown> {
  return {
    schemas: [SCIM.LIST],
    totalResults: total,
    startIndex: offset + 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
