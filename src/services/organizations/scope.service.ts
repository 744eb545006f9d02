import { randomUUID } from 'node:crypto';
import { type EntityManager, In } from 'typeorm';
import { AuditEvent } from '../../../entities/audit-event.entity';
import { BillingProfile, WorkspaceBilling } from '../../../entities/billing.entity';
import { InvitationCounter } from '../../../entities/invitation-counter.entity';
import { Domain } from '../../../entities/domain.entity';
import { Invitation } from '../../../entities/invitation.entity';
import { Organization } from '../../../entities/organization.entity';
import { OutboxEmail } from '../../../entities/outbox-email.entity';
import { Workspace } from '../../../entities/workspace.entity';
import { Permission, Role } from '../../domain/enums';
import { type RequestScope, requireViewer } from '../../request/scope';
import { deleteMemberships, insertMemberships } from '../../db/membership-rows';
import { assertNotErased } from '../../db/people';
import { ProvisioningToken } from '../../../entities/provisioning-token.entity';
import { ScimGroupMember } from '../../../entities/scim-group-member.entity';
import { ScimUser } from '../../../entities/scim-user.entity';
import { isUniqueViolation } from '../../db/sql';
import { inTransaction, withOrganizationLock } from '../../db/transaction';
import { BadUserInputError, NotFoundError } from '../../domain/errors';
import { findDomain, findOrganization, findScope, findWorkspace } from '../../loaders/find-scope';
import { validHostname, validName } from '../../domain/validation';
import { AuditAction } from '../../domain/enums';
import { domainScope, organizationScope, type ScopeRef, workspaceScope } from '../../domain/scope';
import { type AuditActor, auditActorOf, recordAudit } from '../audit/audit.service';
import { newMembership } from '../memberships/membership-grants';

/**
 * Organizations, workspaces and domains: reads filtered by visibility, and writes with their
 * transactions. Permission to call a write is checked by the shield rule on the mutation field;
 * these functions validate input and own the work.
 */

export { findDomain, findOrganization, findScope, findWorkspace };

async function mustFind<T>(found: Promise<T | null>, what: string): Promise<T> {
  const value = await found;
  if (!value) throw new NotFoundError(what);
  return value;
}

/**
 * Workspaces of an organization that the caller may READ (all of them for ADMIN and ACCOUNTING);
 * `withDomains` when their domains will be asked for too: read in the same statement.
 */
export async function visibleWorkspaces(
  ctx: RequestScope,
  organization: Organization,
  withDomains = false,
): Promise<Workspace[]> {
  const workspaces = await (withDomains ? ctx.loaders.workspaceTree : ctx.loaders.workspacesByOrganization).load(
    organization.id,
  );
  return readableOf(ctx, workspaces, workspaceScope);
}

/**
 * Domains of a workspace that the caller may READ (a bare domain member sees only their own):
 * without a promise when the workspace came with a tree and the caller's access is in hand.
 */
export function visibleDomains(ctx: RequestScope, workspace: Workspace): Domain[] | Promise<Domain[]> {
  const read = ctx.loaders.domainsByWorkspace.now(workspace.id);
  if (read) return readableOf(ctx, read, domainScope);
  return ctx.loaders.domainsByWorkspace.load(workspace.id).then((domains) => readableOf(ctx, domains, domainScope));
}

/** The ids of the domains of these workspaces that the caller is known, without a read, to see. */
export function domainsKnownVisible(ctx: RequestScope, workspaces: readonly Workspace[]): string[] {
  const ids: string[] = [];
  for (const workspace of workspaces) {
    for (const domain of ctx.loaders.domainsByWorkspace.now(workspace.id) ?? []) {
      if (ctx.access.allowsNow(domainScope(domain), Permission.READ)) ids.push(domain.id);
    }
  }
  return ids;
}

/** The ones the caller may READ: decided without a promise where the caller's access is in hand (a tree's lists). */
function readableOf<T>(ctx: RequestScope, list: T[], scopeOf: (item: T) => ScopeRef): T[] | Promise<T[]> {
  const known = list.map((item) => ctx.access.allowsNow(scopeOf(item), Permission.READ));
  if (!known.includes(undefined)) return list.filter((_, i) => known[i]);
  return Promise.all(list.map((item) => ctx.access.allows(scopeOf(item), Permission.READ))).then((readable) =>
    list.filter((_, i) => readable[i]),
  );
}

/** The caller creates an organization and becomes its first ADMIN, in one transaction. */
export async function createOrganization(ctx: RequestScope, input: { name: string }): Promise<Organization> {
  const viewer = requireViewer(ctx);
  const name = validName(input.name);
  const now = ctx.now;
  const organization = Object.assign(new Organization(), { id: randomUUID(), name, createdAt: now, updatedAt: now });
  await inTransaction(ctx.db, async (em) => {
    await assertNotErased(em, viewer.id);
    await em.insert(Organization, organization);
    const scope = organizationScope(organization);
    const creator = { id: viewer.id, email: viewer.identity.email, displayName: viewer.identity.name };
    await insertMemberships(em, [newMembership(creator, scope, Role.ADMIN, now)]);
    const actor = auditActorOf(ctx);
    await recordAudit(em, actor, { action: AuditAction.ORGANIZATION_CREATED, scope });
    await recordAudit(em, actor, { action: AuditAction.MEMBER_ADDED, scope, subjectId: viewer.id, toRole: Role.ADMIN });
  });
  ctx.access.invalidate();
  return organization;
}

/** A name that is present must be valid; null cannot clear a required name. */
function optionalName(value: string | null | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) throw new BadUserInputError(`${field} cannot be null.`, field);
  return validName(value, field);
}

/** Renames an organization; a name left out is kept, null is refused. */
export async function updateOrganization(
  ctx: RequestScope,
  id: string,
  input: { name?: string | null },
): Promise<Organization> {
  const organization = await mustFind(findOrganization(ctx, id), 'Organization');
  const name = optionalName(input.name, 'name');
  if (name !== undefined && name !== organization.name) {
    organization.name = name;
    organization.updatedAt = ctx.now;
    await inTransaction(ctx.db, async (em) => {
      await em.update(Organization, { id }, { name, updatedAt: organization.updatedAt });
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.ORGANIZATION_UPDATED,
        scope: organizationScope(organization),
      });
    });
  }
  return organization;
}

/** Deletes the organization and everything in it, in one transaction. */
export async function deleteOrganization(ctx: RequestScope, id: string): Promise<string> {
  await mustFind(findOrganization(ctx, id), 'Organization');
  await withOrganizationLock(
    ctx.db,
    id,
    async (em) => {
      // Written for those who follow the organization's changes; its log goes with it below.
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.ORGANIZATION_DELETED,
        scope: organizationScope({ id }),
      });
      await deleteScopeContents(em, { organizationId: id });
      await em.delete(Workspace, { organizationId: id });
      await em.delete(Organization, { id });
    },
    () => new NotFoundError('Organization'),
  );
  ctx.loaders.organization.clear(id);
  ctx.access.invalidate();
  return id;
}

/**
 * What hangs off a scope and must go with it: memberships, invitations with their queued
 * emails, domains and billing. Foreign keys cascade too, but the service does not rely on them,
 * so the order of deletion is explicit and the same on both databases.
 */
async function deleteScopeContents(
  em: EntityManager,
  where: { organizationId: string } | { workspaceId: string } | { domainId: string },
): Promise<void> {
  await deleteMemberships(em, where);
  const invitations = await em.find(Invitation, { where, select: { id: true } });
  if (invitations.length > 0) {
    await em.delete(OutboxEmail, { invitationId: In(invitations.map((i) => i.id)) });
    await em.delete(Invitation, { id: In(invitations.map((i) => i.id)) });
  }
  // The directory's groups and people (docs/domain-rules.md §15) go with their workspace or organization.
  if ('workspaceId' in where) await em.delete(ScimGroupMember, where);
  if ('organizationId' in where) {
    await em.delete(ScimGroupMember, where);
    await em.delete(ScimUser, where);
    await em.delete(ProvisioningToken, where);
    await em.delete(OutboxEmail, where);
    await em.delete(BillingProfile, where);
    await em.delete(InvitationCounter, where);
    await em.delete(AuditEvent, where);
  }
  if (!('domainId' in where)) {
    await em.delete(Domain, where);
    const workspaces =
      'workspaceId' in where
        ? [where.workspaceId]
        : (await em.find(Workspace, { where, select: { id: true } })).map((w) => w.id);
    if (workspaces.length > 0) await em.delete(WorkspaceBilling, { workspaceId: In(workspaces) });
  }
}

/** A new workspace in an organization (CREATE_WORKSPACE there, checked by the rule). */
export async function createWorkspace(
  ctx: RequestScope,
  input: { organizationId: string; name: string },
): Promise<Workspace> {
  const organization = await mustFind(findOrganization(ctx, input.organizationId), 'Organization');
  const name = validName(input.name);
  const now = ctx.now;
  const workspace = Object.assign(new Workspace(), {
    id: randomUUID(),
    organizationId: organization.id,
    name,
    externalId: null,
    createdAt: now,
    updatedAt: now,
  });
  await inTransaction(ctx.db, async (em) => {
    await em.insert(Workspace, workspace);
    await recordAudit(em, auditActorOf(ctx), {
      action: AuditAction.WORKSPACE_CREATED,
      scope: workspaceScope(workspace),
    });
  });
  return workspace;
}

/** Renames a workspace; a name left out is kept, null is refused. */
export async function updateWorkspace(
  ctx: RequestScope,
  id: string,
  input: { name?: string | null },
): Promise<Workspace> {
  const workspace = await mustFind(findWorkspace(ctx, id), 'Workspace');
  const name = optionalName(input.name, 'name');
  if (name !== undefined && name !== workspace.name) {
    workspace.name = name;
    workspace.updatedAt = ctx.now;
    await inTransaction(ctx.db, async (em) => {
      await em.update(Workspace, { id }, { name, updatedAt: workspace.updatedAt });
      await recordAudit(em, auditActorOf(ctx), {
        action: AuditAction.WORKSPACE_UPDATED,
        scope: workspaceScope(workspace),
      });
    });
  }
  return workspace;
}

/** Deletes a workspace with its domains, their memberships and invitations, under the organization's lock. */
export async function deleteWorkspace(ctx: RequestScope, id: string): Promise<string> {
  const workspace = await mustFind(findWorkspace(ctx, id), 'Workspace');
  await withOrganizationLock(
    ctx.db,
    workspace.organizationId,
    (em) => deleteWorkspaceWithin(em, auditActorOf(ctx), workspace),
    () => new NotFoundError('Workspace'),
  );
  ctx.loaders.workspace.clear(id);
  ctx.access.invalidate();
  return id;
}

/** Deletes a workspace with everything in it, inside its organization's lock (the API's and a directory's way). */
export async function deleteWorkspaceWithin(em: EntityManager, actor: AuditActor, workspace: Workspace): Promise<void> {
  await deleteScopeContents(em, { workspaceId: workspace.id });
  await em.delete(Workspace, { id: workspace.id });
  await recordAudit(em, actor, { action: AuditAction.WORKSPACE_DELETED, scope: workspaceScope(workspace) });
}

async function hostnameTaken(
  ctx: RequestScope,
  workspaceId: string,
  hostname: string,
  exceptId?: string,
): Promise<boolean> {
  const existing = await ctx.db.getRepository(Domain).findOneBy({ workspaceId, hostname });
  return existing !== null && existing.id !== exceptId;
}

const hostnameInUse = () => new BadUserInputError('hostname is already used in this workspace.', 'hostname');

/** A new domain in a workspace; its hostname is unique within the workspace (BAD_USER_INPUT otherwise). */
export async function createDomain(
  ctx: RequestScope,
  input: { workspaceId: string; hostname: string },
): Promise<Domain> {
  const workspace = await mustFind(findWorkspace(ctx, input.workspaceId), 'Workspace');
  const hostname = validHostname(input.hostname);
  if (await hostnameTaken(ctx, workspace.id, hostname)) throw hostnameInUse();
  const now = ctx.now;
  const domain = Object.assign(new Domain(), {
    id: randomUUID(),
    organizationId: workspace.organizationId,
    workspaceId: workspace.id,
    hostname,
    createdAt: now,
    updatedAt: now,
  });
  try {
    await inTransaction(ctx.db, async (em) => {
      await em.insert(Domain, domain);
      await recordAudit(em, auditActorOf(ctx), { action: AuditAction.DOMAIN_CREATED, scope: domainScope(domain) });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw hostnameInUse();
    throw error;
  }
  return domain;
}

/** Changes a domain's hostname, still unique within its workspace. */
export async function updateDomain(
  ctx: RequestScope,
  id: string,
  input: { hostname?: string | null },
): Promise<Domain> {
  const domain = await mustFind(findDomain(ctx, id), 'Domain');
  if (input.hostname === undefined) return domain;
  if (input.hostname === null) throw new BadUserInputError('hostname cannot be null.', 'hostname');
  const hostname = validHostname(input.hostname);
  if (hostname === domain.hostname) return domain;
  if (await hostnameTaken(ctx, domain.workspaceId, hostname, domain.id)) throw hostnameInUse();
  const updatedAt = ctx.now;
  try {
    await inTransaction(ctx.db, async (em) => {
      await em.update(Domain, { id }, { hostname, updatedAt });
      await recordAudit(em, auditActorOf(ctx), { action: AuditAction.DOMAIN_UPDATED, scope: domainScope(domain) });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw hostnameInUse();
    throw error;
  }
  return Object.assign(domain, { hostname, updatedAt });
}

/** Deletes a domain with its memberships and invitations, under the organization's lock. */
export async function deleteDomain(ctx: RequestScope, id: string): Promise<string> {
  const domain = await mustFind(findDomain(ctx, id), 'Domain');
  await withOrganizationLock(
    ctx.db,
    domain.organizationId,
    async (em) => {
      await deleteScopeContents(em, { domainId: id });
      await em.delete(Domain, { id });
      await recordAudit(em, auditActorOf(ctx), { action: AuditAction.DOMAIN_DELETED, scope: domainScope(domain) });
    },
    () => new NotFoundError('Domain'),
  );
  ctx.loaders.domain.clear(id);
  ctx.access.invalidate();
  return id;
}
