import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { Domain } from '../../entities/domain.entity';
import { ScimGroupMember } from '../../entities/scim-group-member.entity';
import { ScimUser } from '../../entities/scim-user.entity';
import { Workspace } from '../../entities/workspace.entity';
import { fromSqlDateTime, placeholders } from '../db/sql';
import { AuditAction, ScopeKind } from '../domain/enums';
import { validName } from '../domain/validation';
import { recordAudit } from '../services/audit/audit.service';
import { followGroupRole, leaveGroup } from '../services/provisioning/directory-groups';
import { customRoleNames } from '../services/provisioning/directory-roles';
import { GROUP_EXTENSION, groupRole, groupRoleOf, roleName } from './group-role';
import { applyDirectory } from '../services/provisioning/provisioned-access';
import { deleteWorkspaceWithin } from '../services/organizations/scope.service';
import type { Column } from './filter';
import { applyPatch, type PatchOperation } from './patch-op';
import { attributeOf, optionalText, type Resource, SCIM, ScimError } from './protocol';
import { actorOf, inDirectory, organizationOf, type ScimRequest } from './request';
import { metaOf, notFound, type ResourceType } from './resource-type';
import { attribute, type Attribute } from './schema';

/**
 * SCIM Groups (docs/domain-rules.md §15) are the organization's workspaces: `displayName` is the
 * workspace's name, `members` the provisioned Users the directory put in it, who are its MEMBERs
 * (from their first sign-in, for those who have not signed in yet) — or hold the custom role (§18)
 * the group carries in the membership extension (`urn:…:membership:2.0:Group` attribute `role`),
 * which changes with it for every membership the directory gave. A workspace a person created
 * through the API is a group too; deleting a group deletes its workspace, only when it holds no
 * domains.
 */

const ATTRIBUTES: Attribute[] = [
  attribute('displayName', "The workspace's name (1 to 100 characters).", { required: true }),
  attribute('externalId', "The directory's own id for the group.", { caseExact: true }),
  attribute('members', "The provisioned Users in the workspace: its MEMBERs (from a person's first sign-in).", {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attribute('value', 'The User id.', { caseExact: true }),
      attribute('display', 'The userName.', { mutability: 'readOnly' }),
      attribute('$ref', 'The User.', { type: 'reference', referenceTypes: ['User'], mutability: 'readOnly' }),
    ],
  }),
];

/** What a Group resource means to the service: a workspace's name, its externalId, its role, its members' SCIM ids. */
export interface GroupFacts {
  displayName: string;
  externalId: string | null;
  /** The membership extension's `role` as sent; null: MEMBER. */
  role: string | null;
  /** Null when the resource says nothing of members (PATCH results always do). */
  members: string[] | null;
}

export function groupFactsOf(body: unknown): GroupFacts {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ScimError(400, 'The body must be a SCIM Group resource (a JSON object).', 'invalidSyntax');
  }
  const resource = body as Record<string, unknown>;
  const displayName = attributeOf(resource, 'displayName');
  const name = typeof displayName === 'string' ? displayName.normalize('NFC').trim() : '';
  if ([...name].length < 1 || [...name].length > 100) {
    throw new ScimError(400, 'displayName is required: the workspace name, 1 to 100 characters.', 'invalidValue');
  }
  const membersValue = attributeOf(resource, 'members');
  if (membersValue !== undefined && membersValue !== null && !Array.isArray(membersValue)) {
    throw new ScimError(400, 'members must be a list.', 'invalidValue');
  }
  const members =
    membersValue === undefined || membersValue === null
      ? null
      : (membersValue as unknown[]).map((entry) => {
          const value =
            entry && typeof entry === 'object' ? attributeOf(entry as Record<string, unknown>, 'value') : undefined;
          if (typeof value !== 'string')
            throw new ScimError(400, 'Every member needs a value: a User id.', 'invalidValue');
          return value;
        });
  return {
    displayName: name,
    externalId: optionalText(attributeOf(resource, 'externalId'), 'externalId', 255),
    role: groupRoleOf(resource),
    members: members && [...new Set(members)],
  };
}

async function membersOf(
  db: Pick<EntityManager, 'query'>,
  workspaceIds: string[],
): Promise<Map<string, { value: string; display: string }[]>> {
  const members = new Map<string, { value: string; display: string }[]>(workspaceIds.map((id) => [id, []]));
  if (workspaceIds.length === 0) return members;
  const rows: { workspace_id: string; id: string; user_name: string }[] = await db.query(
    `SELECT g.workspace_id, u.id, u.user_name FROM scim_group_members g JOIN scim_users u ON u.id = g.scim_user_id
      WHERE g.workspace_id IN (${placeholders(workspaceIds.length)}) ORDER BY g.created_at, u.id`,
    workspaceIds,
  );
  for (const row of rows) members.get(row.workspace_id)?.push({ value: row.id, display: row.user_name });
  return members;
}

function groupResource(
  workspace: Workspace,
  members: { value: string; display: string }[] | null,
  base: string,
  customRole: string | null,
): Resource {
  return {
    schemas: customRole ? [SCIM.GROUP, SCIM.MEMBERSHIP_GROUP] : [SCIM.GROUP],
    id: workspace.id,
    ...(workspace.externalId ? { externalId: workspace.externalId } : {}),
    displayName: workspace.name,
    ...(customRole ? { [SCIM.MEMBERSHIP_GROUP]: { role: customRole } } : {}),
    ...(members ? { members: members.map((m) => ({ ...m, $ref: `${base}/Users/${m.value}` })) } : {}),
    meta: metaOf(Groups, workspace, base),
  };
}

async function findGroup(
  em: Pick<EntityManager, 'findOneBy'>,
  req: ScimRequest,
  id: string,
): Promise<Workspace | null> {
  return em.findOneBy(Workspace, { id, organizationId: organizationOf(req) });
}

/** The organization's provisioned Users named as members; one that is not is `invalidValue`. */
async function scimUsers(em: EntityManager, req: ScimRequest, ids: string[]): Promise<ScimUser[]> {
  if (ids.length === 0) return [];
  const found = await em.findBy(ScimUser, { id: In(ids), organizationId: organizationOf(req) });
  const missing = ids.filter((id) => !found.some((u) => u.id === id));
  if (missing.length > 0) throw new ScimError(400, `No provisioned User with id ${missing[0]}.`, 'invalidValue');
  return found;
}

/** Makes a group's members those given: the new ones join, the others leave. */
async function setMembers(em: EntityManager, req: ScimRequest, workspaceId: string, wanted: string[]): Promise<void> {
  const held = (await em.findBy(ScimGroupMember, { workspaceId })).map((m) => m.scimUserId);
  const joining = await scimUsers(
    em,
    req,
    wanted.filter((id) => !held.includes(id)),
  );
  const leaving = held.filter((id) => !wanted.includes(id));
  for (const scim of joining) {
    await em.insert(ScimGroupMember, {
      workspaceId,
      scimUserId: scim.id,
      organizationId: organizationOf(req),
      createdAt: req.now,
    });
    // A signed-in, active person gets the workspace membership now; others when they sign in.
    if (scim.userId && scim.active) await applyDirectory(req, em, scim);
  }
  for (const scim of await em.findBy(ScimUser, { id: In(leaving.length > 0 ? leaving : ['-']) })) {
    await leaveGroup(req, em, scim, workspaceId);
  }
}

function validGroupName(name: string): string {
  try {
    return validName(name, 'displayName');
  } catch (error) {
    throw new ScimError(400, error instanceof Error ? error.message : 'displayName is not valid.', 'invalidValue');
  }
}

async function createGroup(req: ScimRequest, body: unknown): Promise<Resource> {
  const facts = groupFactsOf(body);
  const name = validGroupName(facts.displayName);
  return inDirectory(req, async (em) => {
    const customRole = await groupRole(em, req, facts.role);
    const workspace = Object.assign(new Workspace(), {
      id: randomUUID(),
      organizationId: organizationOf(req),
      name,
      externalId: facts.externalId,
      groupCustomRoleId: customRole?.id ?? null,
      createdAt: req.now,
      updatedAt: req.now,
    });
    await em.insert(Workspace, workspace);
    await recordAudit(em, actorOf(req), {
      action: AuditAction.WORKSPACE_CREATED,
      scope: { kind: ScopeKind.WORKSPACE, organizationId: workspace.organizationId, workspaceId: workspace.id },
    });
    await setMembers(em, req, workspace.id, facts.members ?? []);
    const members = (await membersOf(em, [workspace.id])).get(workspace.id) ?? [];
    return groupResource(workspace, members, req.base, customRole?.name ?? null);
  });
}

/** Whether the answer shows members: not with `excludedAttributes=members` (Entra ID asks so), nor with `attributes` that leave them out. */
const withMembers = (query: Record<string, unknown>) => {
  const names = (value: unknown) =>
    String(value ?? '')
      .toLowerCase()
      .split(',')
      .map(
        (a) =>
          a
            .trim()
            .replace(/^urn:ietf:params:scim:schemas:core:2\.0:group:/, '')
            .split('.')[0],
      )
      .filter((a) => a !== '');
  const only = names(query.attributes);
  return only.length > 0 ? only.includes('members') : !names(query.excludedAttributes).includes('members');
};

/** `members` in a filter: the group's rows of `scim_group_members`. */
const MEMBERS: Column = {
  kind: 'related',
  from: 'scim_group_members g WHERE g.workspace_id = w.id',
  value: 'g.scim_user_id',
  refusal: 'members can be filtered with eq on a User id only.',
};

/** A workspace as `SELECT w.*` reads it. */
function workspaceFromRow(row: Record<string, unknown>): Workspace {
  return Object.assign(new Workspace(), {
    id: row.id as string,
    organizationId: row.organization_id as string,
    name: row.name as string,
    externalId: (row.external_id as string | null) ?? null,
    groupCustomRoleId: (row.group_custom_role_id as string | null) ?? null,
    createdAt: fromSqlDateTime(row.created_at as Date | string),
    updatedAt: fromSqlDateTime(row.updated_at as Date | string),
  });
}

async function toResources(req: ScimRequest, rows: Record<string, unknown>[], query: Record<string, unknown>) {
  const workspaces = rows.map(workspaceFromRow);
  const members = withMembers(query)
    ? await membersOf(
        req.db,
        workspaces.map((w) => w.id),
      )
    : null;
  const names = await customRoleNames(
    req.db,
    organizationOf(req),
    workspaces.map((w) => w.groupCustomRoleId),
  );
  return workspaces.map((w) =>
    groupResource(w, members ? (members.get(w.id) ?? []) : null, req.base, roleName(names, w)),
  );
}

async function writeGroup(
  em: EntityManager,
  req: ScimRequest,
  workspace: Workspace,
  facts: GroupFacts,
): Promise<Resource> {
  const name = validGroupName(facts.displayName);
  if (name !== workspace.name || facts.externalId !== workspace.externalId) {
    await em.update(Workspace, { id: workspace.id }, { name, externalId: facts.externalId, updatedAt: req.now });
    if (name !== workspace.name) {
      await recordAudit(em, actorOf(req), {
        action: AuditAction.WORKSPACE_UPDATED,
        scope: { kind: ScopeKind.WORKSPACE, organizationId: workspace.organizationId, workspaceId: workspace.id },
      });
    }
    Object.assign(workspace, { name, externalId: facts.externalId, updatedAt: req.now });
  }
  const customRole = await groupRole(em, req, facts.role);
  const roleChanged = (customRole?.id ?? null) !== workspace.groupCustomRoleId;
  if (roleChanged) {
    workspace.groupCustomRoleId = customRole?.id ?? null;
    await em.update(Workspace, { id: workspace.id }, { groupCustomRoleId: workspace.groupCustomRoleId });
  }
  if (facts.members) await setMembers(em, req, workspace.id, facts.members);
  if (roleChanged) await followGroupRole(req, em, workspace.id);
  const members = (await membersOf(em, [workspace.id])).get(workspace.id) ?? [];
  return groupResource(workspace, members, req.base, customRole?.name ?? null);
}

/** PUT: name, externalId, role and members as sent (members left out: none; role left out: MEMBER). */
async function replaceGroup(req: ScimRequest, id: string, body: unknown): Promise<Resource> {
  const facts = groupFactsOf(body);
  return inDirectory(req, async (em) => {
    const workspace = await findGroup(em, req, id);
    if (!workspace) throw notFound(Groups);
    return writeGroup(em, req, workspace, { ...facts, members: facts.members ?? [] });
  });
}

/** PATCH: the operations applied to the group with its members (Okta and Entra add and remove members so). */
async function patchGroup(req: ScimRequest, id: string, operations: PatchOperation[]): Promise<Resource> {
  return inDirectory(req, async (em) => {
    const workspace = await findGroup(em, req, id);
    if (!workspace) throw notFound(Groups);
    const names = await customRoleNames(em, organizationOf(req), [workspace.groupCustomRoleId]);
    const current = groupResource(
      workspace,
      (await membersOf(em, [id])).get(id) ?? [],
      req.base,
      roleName(names, workspace),
    );
    const patched = applyPatch(current, operations);
    const facts = groupFactsOf({ ...patched, members: patched.members ?? [] });
    return writeGroup(em, req, workspace, facts);
  });
}

/** DELETE: the workspace goes, with its memberships — only when it holds no domains (409 otherwise). */
async function deleteGroup(req: ScimRequest, id: string): Promise<void> {
  await inDirectory(req, async (em) => {
    const workspace = await findGroup(em, req, id);
    if (!workspace) throw notFound(Groups);
    if ((await em.countBy(Domain, { workspaceId: id })) > 0) {
      throw new ScimError(409, 'The workspace holds domains: delete them in the application first.', 'mutability');
    }
    await deleteWorkspaceWithin(em, actorOf(req), workspace);
  });
}

export const Groups: ResourceType = {
  name: 'Group',
  endpoint: '/Groups',
  schema: SCIM.GROUP,
  description: { resourceType: 'A workspace of the organization.', schema: 'A workspace.' },
  attributes: ATTRIBUTES,
  extensions: [GROUP_EXTENSION],
  table: { name: 'workspaces', alias: 'w' },
  filter: {
    displayname: { kind: 'text', sql: 'w.name' },
    externalid: { kind: 'exact', sql: 'w.external_id' },
    'members.value': MEMBERS,
    members: MEMBERS,
  },
  toResources,
  create: createGroup,
  replace: replaceGroup,
  patch: patchGroup,
  remove: deleteGroup,
};
