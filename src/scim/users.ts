import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ScimUser } from '../../entities/scim-user.entity';
import { fromSqlDateTime, isUniqueViolation } from '../db/sql';
import { customRoleNames, type DirectoryRole, directoryRole } from '../services/provisioning/directory-roles';
import { applyDirectory } from '../services/provisioning/provisioned-access';
import { ScopeKind } from '../domain/enums';
import type { PatchOperation } from './patch-op';
import { applyPatch } from './patch-op';
import { type Resource, SCIM, ScimError } from './protocol';
import { inDirectory, organizationOf, type ScimRequest } from './request';
import { metaOf, notFound, type ResourceType } from './resource-type';
import { attribute, type Attribute } from './schema';
import { type UserFacts, userFactsOf } from './user-facts';

/**
 * SCIM Users (RFC 7644 §3, docs/domain-rules.md §15): the people an organization's directory
 * provisions, each kept as the directory wrote them (`scim_users`) and made real in the
 * organization by `applyDirectory` (src/services/provisioning/provisioned-access.ts), in the same
 * transaction under the organization's lock. `roles` may name one of the organization's custom roles
 * (§18), which the resource then shows by its name.
 */

const ATTRIBUTES: Attribute[] = [
  attribute(
    'userName',
    "Any unique identifier (case-insensitive). The person's address is userName when it is an email address, else the primary, work or first emails value.",
    {
      required: true,
      uniqueness: 'server',
    },
  ),
  attribute('externalId', "The directory's own id for the person.", { caseExact: true }),
  attribute('displayName', 'The name shown in members lists (else name.formatted, else given and family names).'),
  attribute('name', 'The parts of the name.', {
    type: 'complex',
    subAttributes: [
      attribute('formatted', 'The full name.'),
      attribute('givenName', 'The given name.'),
      attribute('familyName', 'The family name.'),
    ],
  }),
  attribute('emails', 'Email addresses (filterable by value); the address of a userName that is none.', {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attribute('value', 'The address.'),
      attribute('type', 'work, home or other.', { canonicalValues: ['work', 'home', 'other'] }),
      attribute('primary', 'The primary address.', { type: 'boolean' }),
    ],
  }),
  attribute('active', 'False removes the membership (the last ADMIN cannot be); true restores it.', {
    type: 'boolean',
  }),
  attribute(
    'roles',
    "The organization role: ADMIN, ACCOUNTING, MEMBER or the name of one of the organization's custom roles (the primary one, when several). Default MEMBER.",
    {
      type: 'complex',
      multiValued: true,
      subAttributes: [
        attribute('value', "ADMIN, ACCOUNTING, MEMBER, or a custom role's name (or id).", {
          canonicalValues: ['ADMIN', 'ACCOUNTING', 'MEMBER'],
        }),
        attribute('primary', 'The role that applies.', { type: 'boolean' }),
      ],
    },
  ),
];

/** Keys of a resource that the service states itself, whatever the directory wrote. */
const OWN_KEYS = new Set(['id', 'meta', 'schemas', 'active', 'roles']);

/** The resource of a row; `customRole` the name of the custom role it holds, if any. */
function userResource(row: ScimUser, base: string, customRole: string | null): Record<string, unknown> {
  const stored = JSON.parse(row.resource) as Record<string, unknown>;
  const schemas = Array.isArray(stored.schemas) ? (stored.schemas as string[]) : [];
  const kept = Object.fromEntries(Object.entries(stored).filter(([key]) => !OWN_KEYS.has(key.toLowerCase())));
  return {
    schemas: [SCIM.USER, ...schemas.filter((schema) => schema !== SCIM.USER)],
    id: row.id,
    ...kept,
    active: Boolean(row.active),
    roles: [{ value: customRole ?? row.role, primary: true }],
    meta: metaOf(Users, row, base),
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
    customRoleId: (row.custom_role_id as string | null) ?? null,
    resource: row.resource as string,
    userId: (row.user_id as string | null) ?? null,
    createdAt: fromSqlDateTime(row.created_at as Date | string),
    updatedAt: fromSqlDateTime(row.updated_at as Date | string),
  });
}

async function find(em: EntityManager, req: ScimRequest, id: string): Promise<ScimUser | null> {
  return em.getRepository(ScimUser).findOneBy({ id, organizationId: organizationOf(req) });
}

async function assertFreeUserName(em: EntityManager, req: ScimRequest, userName: string, exceptId: string | null) {
  const taken = await em.findOneBy(ScimUser, { organizationId: organizationOf(req), userName });
  if (taken && taken.id !== exceptId) {
    throw new ScimError(409, `userName ${userName} is already provisioned in this organization.`, 'uniqueness');
  }
}

function columnsOf(facts: UserFacts, given: DirectoryRole) {
  return {
    userName: facts.userName,
    email: facts.email,
    externalId: facts.externalId,
    displayName: facts.displayName,
    emails: facts.emails.length > 0 ? `\n${facts.emails.join('\n')}\n` : '',
    active: facts.active,
    role: given.role,
    customRoleId: given.customRole?.id ?? null,
    resource: JSON.stringify(facts.resource),
  };
}

/** The role `facts` name, in the request's organization (a custom role: held at its scope, §18). */
const roleOf = (em: EntityManager, req: ScimRequest, facts: UserFacts) =>
  directoryRole(em, organizationOf(req), facts.role, ScopeKind.ORGANIZATION, 'roles');

async function createUser(req: ScimRequest, body: unknown): Promise<Resource> {
  const facts = userFactsOf(body);
  try {
    return await inDirectory(req, async (em) => {
      await assertFreeUserName(em, req, facts.userName, null);
      const given = await roleOf(em, req, facts);
      const scim = Object.assign(new ScimUser(), {
        id: randomUUID(),
        organizationId: organizationOf(req),
        ...columnsOf(facts, given),
        userId: null,
        createdAt: req.now,
        updatedAt: req.now,
      });
      await em.insert(ScimUser, scim);
      await applyDirectory(req, em, scim);
      return userResource(scim, req.base, given.customRole?.name ?? null);
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ScimError(409, `userName ${facts.userName} is already provisioned.`, 'uniqueness');
    throw error;
  }
}

/** PUT: the resource as sent replaces the one held (RFC 7644 §3.5.1). */
async function replaceUser(req: ScimRequest, id: string, body: unknown): Promise<Resource> {
  const facts = userFactsOf(body);
  return inDirectory(req, (em) => write(em, req, id, () => facts));
}

/**
 * PATCH (RFC 7644 §3.5.2): the operations applied to the resource as the service shows it — by
 * `scim-patch`, after Entra ID's dialect is made standard (string booleans, capitalised ops are
 * accepted as they are) — and the result written as a PUT would be.
 */
async function patchUser(req: ScimRequest, id: string, operations: PatchOperation[]): Promise<Resource> {
  return inDirectory(req, (em) =>
    write(em, req, id, (current, customRole) => {
      const patched = applyPatch(userResource(current, req.base, customRole), operations);
      return userFactsOf(patched);
    }),
  );
}

async function write(
  em: EntityManager,
  req: ScimRequest,
  id: string,
  factsOf: (current: ScimUser, customRole: string | null) => UserFacts,
): Promise<Resource> {
  const current = await find(em, req, id);
  if (!current) throw notFound(Users);
  const names = await customRoleNames(em, organizationOf(req), [current.customRoleId]);
  const facts = factsOf(current, current.customRoleId ? (names.get(current.customRoleId) ?? null) : null);
  await assertFreeUserName(em, req, facts.userName, id);
  const given = await roleOf(em, req, facts);
  const columns = columnsOf(facts, given);
  const previousEmail = current.email;
  const next = Object.assign(current, columns, { updatedAt: req.now });
  // A person known under another address is someone else: they are linked again by the new one.
  if (previousEmail !== facts.email) next.userId = null;
  await em.update(ScimUser, { id }, { ...columns, userId: next.userId, updatedAt: req.now });
  await applyDirectory(req, em, next, { previousEmail });
  return userResource(next, req.base, given.customRole?.name ?? null);
}

/** DELETE: the person's membership ends as with `active: false`, and the directory forgets them. */
async function deleteUser(req: ScimRequest, id: string): Promise<void> {
  await inDirectory(req, async (em) => {
    const current = await find(em, req, id);
    if (!current) throw notFound(Users);
    await applyDirectory(req, em, current, { remove: true });
    await em.delete(ScimUser, { id });
  });
}

export const Users: ResourceType = {
  name: 'User',
  endpoint: '/Users',
  schema: SCIM.USER,
  description: { resourceType: "A person of the organization's directory.", schema: 'A person of the organization.' },
  attributes: ATTRIBUTES,
  table: { name: 'scim_users', alias: 'u' },
  // userName and emails are stored lower case; displayName is compared lower-cased.
  filter: {
    username: { kind: 'text', sql: 'u.user_name', stored: 'lower' },
    externalid: { kind: 'exact', sql: 'u.external_id' },
    displayname: { kind: 'text', sql: 'u.display_name' },
    active: { kind: 'boolean', sql: 'u.active' },
    emails: { kind: 'multi', sql: 'u.emails' },
    'emails.value': { kind: 'multi', sql: 'u.emails' },
  },
  toResources: async (req, rows) => {
    const users = rows.map(scimUserFromRow);
    const names = await customRoleNames(
      req.db,
      organizationOf(req),
      users.map((u) => u.customRoleId),
    );
    return users.map((u) => userResource(u, req.base, u.customRoleId ? (names.get(u.customRoleId) ?? null) : null));
  },
  create: createUser,
  replace: replaceUser,
  patch: patchUser,
  remove: deleteUser,
};
