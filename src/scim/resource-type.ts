import { fromSqlDateTime, toCount } from '../db/sql';
import { type Condition, type FilterAttributes, filterCondition } from './filter';
import type { PatchOperation } from './patch-op';
import { projected } from './projection';
import { listResponse, offsetAndLimit, type Resource, ScimError } from './protocol';
import { organizationOf, type ScimRequest } from './request';
import type { Attribute } from './schema';

/**
 * A SCIM resource type (RFC 7643 §6): what the table in src/scim/resource-types.ts holds for each
 * of User and Group, and from which the routes (src/scim/routes.ts) and the discovery documents
 * (src/scim/discovery.ts) are made. The protocol around it — reading the request, paging,
 * filters, projections, the ListResponse, errors — is the same for every type and lives in this
 * folder once; a type says only what its resources mean.
 */
export interface ResourceType {
  /** `User`: the ResourceType's id and name, and `meta.resourceType`. */
  name: string;
  /** `/Users`: where its resources are, below `/scim/v2`. */
  endpoint: string;
  /** Its core schema's URN (the Schema's id). */
  schema: string;
  /** The ResourceType's description, and the Schema's. */
  description: { resourceType: string; schema: string };
  /** The attributes the service reads, as `/Schemas` lists them. */
  attributes: Attribute[];
  /** Its schema extensions (RFC 7643 §6 `schemaExtensions`), each a schema of its own in `/Schemas`; never required. */
  extensions?: { schema: string; name: string; description: string; attributes: Attribute[] }[];
  /**
   * The table its resources are read from, and the alias filters name it by (`scim_users u`): a
   * row of it has `organization_id`, `id`, `created_at` and `updated_at`.
   */
  table: { name: string; alias: string };
  /** Its filterable attributes and their columns in `table`, besides `id` and `meta` (every type's, below). */
  filter: FilterAttributes;
  /**
   * To-resource: the resources of rows of `table` (every column), in their order; `query` for what
   * the answer will show (a type may leave out what it would read for nothing).
   */
  toResources(req: ScimRequest, rows: Record<string, unknown>[], query: Record<string, unknown>): Promise<Resource[]>;
  /** POST: a resource made from the body. */
  create(req: ScimRequest, body: unknown): Promise<Resource>;
  /** PUT: the resource as sent replaces the one held (RFC 7644 §3.5.1). */
  replace(req: ScimRequest, id: string, body: unknown): Promise<Resource>;
  /** PATCH: the operations (already read by src/scim/patch-op.ts) applied and written. */
  patch(req: ScimRequest, id: string, operations: PatchOperation[]): Promise<Resource>;
  /** DELETE. */
  remove(req: ScimRequest, id: string): Promise<void>;
}

/** The refusal of an id the organization does not hold (another organization's look the same). */
export const notFound = (type: Pick<ResourceType, 'name'>) => new ScimError(404, `${type.name} not found.`);

/** The attributes every resource has (RFC 7643 §3.1), filterable in every type: `id` and `meta`'s dates. */
function commonFilter(alias: string): FilterAttributes {
  return {
    id: { kind: 'exact', sql: `${alias}.id` },
    'meta.created': { kind: 'date', sql: `${alias}.created_at` },
    'meta.lastmodified': { kind: 'date', sql: `${alias}.updated_at` },
  };
}

/** A resource's `meta` (RFC 7643 §3.1): its type, its dates, where it lives. */
export function metaOf(
  type: Pick<ResourceType, 'name' | 'endpoint'>,
  row: { id: string; createdAt: Date; updatedAt: Date },
  base: string,
): Resource {
  return {
    resourceType: type.name,
    created: fromSqlDateTime(row.createdAt).toISOString(),
    lastModified: fromSqlDateTime(row.updatedAt).toISOString(),
    location: `${base}${type.endpoint}/${row.id}`,
  };
}

const EVERYTHING: Condition = { sql: '1 = 1', params: [] };

/** The rows of the token's organization that match `condition`, in the order they were made. */
function rowsOf(type: ResourceType, req: ScimRequest, condition: Condition) {
  const { name, alias } = type.table;
  const where = `${alias}.organization_id = ? AND ${condition.sql}`;
  const params = [organizationOf(req), ...condition.params];
  return {
    count: async (): Promise<number> => {
      const [{ n }] = await req.db.query(`SELECT COUNT(*) AS n FROM ${name} ${alias} WHERE ${where}`, params);
      return toCount(n);
    },
    page: ({ offset, limit }: { offset: number; limit: number }): Promise<Record<string, unknown>[]> =>
      limit === 0
        ? Promise.resolve([])
        : req.db.query(
            `SELECT ${alias}.* FROM ${name} ${alias} WHERE ${where} ORDER BY ${alias}.created_at, ${alias}.id LIMIT ${limit} OFFSET ${offset}`,
            params,
          ),
  };
}

/** GET of the endpoint: a ListResponse of the resources matching `filter`, in the order they were made. */
export async function listOf(type: ResourceType, req: ScimRequest, query: Record<string, unknown>): Promise<Resource> {
  const page = offsetAndLimit(query);
  const condition =
    typeof query.filter === 'string' && query.filter.trim() !== ''
      ? filterCondition({ ...commonFilter(type.table.alias), ...type.filter }, query.filter)
      : EVERYTHING;
  const matching = rowsOf(type, req, condition);
  const total = await matching.count();
  const resources = await type.toResources(req, await matching.page(page), query);
  return listResponse(
    resources.map((resource) => projected(resource, query)),
    total,
    page.offset,
  );
}

/** GET of one resource, as `attributes` or `excludedAttributes` ask. */
export async function readOf(
  type: ResourceType,
  req: ScimRequest,
  id: string,
  query: Record<string, unknown>,
): Promise<Resource> {
  const rows = await rowsOf(type, req, { sql: `${type.table.alias}.id = ?`, params: [id] }).page({
    offset: 0,
    limit: 1,
  });
  const [resource] = rows.length > 0 ? await type.toResources(req, rows, query) : [];
  if (!resource) throw notFound(type);
  return projected(resource, query);
}
