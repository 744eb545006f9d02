import { randomUUID } from 'node:crypto';
import { type EntityManager, In } from 'typeorm';
import { Domain } from '../../../entities/domain.entity';
import { ScimGroupMember } from '../../../entities/scim-group-member.entity';
import { ScimUser } from '../../../entities/scim-user.entity';
import { Workspace } from '../../../entities/workspace.entity';
import { filterCondition, GROUP_FILTER_ATTRIBUTES } from '../../db/scim-filter';
import { fromSqlDateTime, placeholders, toCount } from '../../db/sql';
import { AuditAction, ScopeKind } from '../../domain/enums';
import { type GroupFacts, groupFactsOf, projected, SCIM, ScimError } from '../../domain/scim';
import { validName } from '../../domain/validation';
import { recordAudit } from '../audit.service';
import { deleteWorkspaceWithin } from '../scope.service';
import { applyDirectory, leaveGroup, provisioningActor } from './provisioned-access';
import {
  applyPatch,
  inDirectory,
  listResponse,
  offsetAndLimit,
  patchOperations,
  type ScimRequest,
} from './scim-users.service';

/**
 * SCIM Groups (docs/domain-rules.md §15) are the organization's workspaces: `displayName` is the
 * workspace's name, `members` the provisioned Users the directory put in it, who are its MEMBERs
 * (from their first sign-in, for those who have not signed in yet). A workspace a person created
 * through the API is a group too; deleting a group deletes its workspace, only when it holds no
 * domains.
 */

const notFound = () => new ScimError(404, 'Group not found.');
const actorOf = (req: ScimRequest) => provisioningActor(req.now, req.token.id, req.requestId);

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
): Record<string, unknown> {
  return {
    schemas: [SCIM.GROUP],
    id: workspace.id,
    ...(workspace.externalId ? { externalId: workspace.externalId } : {}),
    displayName: workspace.name,
    ...(members ? { members: members.map((m) => ({ ...m, $ref: `${base}/Users/${m.value}` })) } : {}),
    meta: {
      resourceType: 'Group',
      created: fromSqlDateTime(workspace.createdAt).toISOString(),
      lastModified: fromSqlDateTime(workspace.updatedAt).toISOString(),
      location: `${base}/Groups/${workspace.id}`,
    },
  };
}

async function findGroup(
  em: Pick<EntityManager, 'findOneBy'>,
  req: ScimRequest,
  id: string,
): Promise<Workspace | null> {
  return em.findOneBy(Workspace, { id, organizationId: req.token.organizationId });
}

/** The organization's provisioned Users named as members; one that is not is `invalidValue`. */
async function scimUsers(em: EntityManager, req: ScimRequest, ids: string[]): Promise<ScimUser[]> {
  if (ids.length === 0) return [];
  const found = await em.findBy(ScimUser, { id: In(ids), organizationId: req.token.organizationId });
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
  const actor = actorOf(req);
  for (const scim of joining) {
    await em.insert(ScimGroupMember, {
      workspaceId,
      scimUserId: scim.id,
      organizationId: req.token.organizationId,
      createdAt: req.now,
    });
    // A signed-in, active person gets the workspace membership now; others when they sign in.
    if (scim.userId && scim.active) await applyDirectory(em, actor, scim);
  }
  for (const scim of await em.findBy(ScimUser, { id: In(leaving.length > 0 ? leaving : ['-']) })) {
    await leaveGroup(em, actor, scim, workspaceId);
  }
}

function validGroupName(name: string): string {
  try {
    return validName(name, 'displayName');
  } catch (error) {
    throw new ScimError(400, error instanceof Error ? error.message : 'displayName is not valid.', 'invalidValue');
  }
}

export async function createGroup(req: ScimRequest, body: unknown): Promise<Record<string, unknown>> {
  const facts = groupFactsOf(body);
  const name = validGroupName(facts.displayName);
  return inDirectory(req, async (em) => {
    const workspace = Object.assign(new Workspace(), {
      id: randomUUID(),
      organizationId: req.token.organizationId,
      name,
      externalId: facts.externalId,
      createdAt: req.now,
      updatedAt: req.now,
    });
    await em.insert(Workspace, workspace);
    await recordAudit(em, actorOf(req), {
      action: AuditAction.WORKSPACE_CREATED,
      scope: { kind: ScopeKind.WORKSPACE, organizationId: workspace.organizationId, workspaceId: workspace.id },
    });
    await setMembers(em, req, workspace.id, facts.members ?? []);
    return groupResource(workspace, (await membersOf(em, [workspace.id])).get(workspace.id) ?? [], req.base);
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

export async function getGroup(req: ScimRequest, id: string, query: Record<string, unknown>) {
  const workspace = await findGroup(req.db.manager, req, id);
  if (!workspace) throw notFound();
  const members = withMembers(query) ? ((await membersOf(req.db, [id])).get(id) ?? []) : null;
  return projected(groupResource(workspace, members, req.base), query);
}

export async function listGroups(req: ScimRequest, query: Record<string, unknown>) {
  const { offset, limit } = offsetAndLimit(query);
  const condition =
    typeof query.filter === 'string' && query.filter.trim() !== ''
      ? filterCondition(GROUP_FILTER_ATTRIBUTES, query.filter)
      : { sql: '1 = 1', params: [] };
  const where = `w.organization_id = ? AND ${condition.sql}`;
  const params = [req.token.organizationId, ...condition.params];
  const [{ n }] = await req.db.query(`SELECT COUNT(*) AS n FROM workspaces w WHERE ${where}`, params);
  const rows: Record<string, unknown>[] =
    limit === 0
      ? []
      : await req.db.query(
          `SELECT w.id FROM workspaces w WHERE ${where} ORDER BY w.created_at, w.id LIMIT ${limit} OFFSET ${offset}`,
          params,
        );
  const ids = rows.map((row) => row.id as string);
  const workspaces = ids.length > 0 ? await req.db.getRepository(Workspace).findBy({ id: In(ids) }) : [];
  const members = withMembers(query) ? await membersOf(req.db, ids) : null;
  const resources = ids
    .map((id) => workspaces.find((w) => w.id === id))
    .filter((w): w is Workspace => w !== undefined)
    .map((w) => projected(groupResource(w, members ? (members.get(w.id) ?? []) : null, req.base), query));
  return listResponse(resources, toCount(n), offset);
}

async function writeGroup(
  em: EntityManager,
  req: ScimRequest,
  workspace: Workspace,
  facts: GroupFacts,
): Promise<Record<string, unknown>> {
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
  if (facts.members) await setMembers(em, req, workspace.id, facts.members);
  return groupResource(workspace, (await membersOf(em, [workspace.id])).get(workspace.id) ?? [], req.base);
}

/** PUT: name, externalId and members as sent (members left out: none). */
export async function replaceGroup(req: ScimRequest, id: string, body: unknown) {
  const facts = groupFactsOf(body);
  return inDirectory(req, async (em) => {
    const workspace = await findGroup(em, req, id);
    if (!workspace) throw notFound();
    return writeGroup(em, req, workspace, { ...facts, members: facts.members ?? [] });
  });
}

/** PATCH: the operations applied to the group with its members (Okta and Entra add and remove members so). */
export async function patchGroup(req: ScimRequest, id: string, body: unknown) {
  const operations = patchOperations(body);
  return inDirectory(req, async (em) => {
    const workspace = await findGroup(em, req, id);
    if (!workspace) throw notFound();
    const current = groupResource(workspace, (await membersOf(em, [id])).get(id) ?? [], req.base);
    const patched = applyPatch(current, operations);
    const facts = groupFactsOf({ ...patched, members: patched.members ?? [] });
    return writeGroup(em, req, workspace, facts);
  });
}

/** DELETE: the workspace goes, with its memberships — only when it holds no domains (409 otherwise). */
export async function deleteGroup(req: ScimRequest, id: string): Promise<void> {
  await inDirectory(req, async (em) => {
    const workspace = await findGroup(em, req, id);
    if (!workspace) throw notFound();
    if ((await em.countBy(Domain, { workspaceId: id })) > 0) {
      throw new ScimError(409, 'The workspace holds domains: delete them in the application first.', 'mutability');
    }
    await deleteWorkspaceWithin(em, actorOf(req), workspace);
  });
}
