import { AccessRequest } from '../../entities/access-request.entity';
import { CustomRole } from '../../entities/custom-role.entity';
import DataLoader from 'dataloader';
import { In, type DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { BillingProfile, WorkspaceBilling } from '../../entities/billing.entity';
import { Domain } from '../../entities/domain.entity';
import { Invitation } from '../../entities/invitation.entity';
import { InvitationStatus } from '../domain/enums';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import { ProvisioningToken } from '../../entities/provisioning-token.entity';
import { OutboxEmail, OutboxStatus } from '../../entities/outbox-email.entity';
import { User } from '../../entities/user.entity';
import { WebhookDelivery, WebhookEndpoint } from '../../entities/webhook.entity';
import { Workspace } from '../../entities/workspace.entity';
import { placeholders } from '../db/sql';
import { readWorkspaceTrees } from '../db/workspace-tree';
import { seatsUsed } from '../db/seats';
import { EnrollmentMode, Role } from '../domain/enums';
import { EmailDomain } from '../../entities/email-domain.entity';
import { memberLoaders, type MemberLoaders } from './member-page';
import { settlingLoader, type SettlingLoader } from './settling';
import { directoryNames, type DirectoryNameKey } from './directory-names';
import { workspacesWithGroupMembers } from './directory-groups';
import { membershipsOfPeople } from './held-memberships';

/**
 * Every relation and list the schema walks goes through one of these, created fresh for each
 * request (so nothing leaks between callers): a whole level of a query costs one statement.
 */
export interface Loaders extends MemberLoaders {
  user: DataLoader<string, User | null>;
  organization: DataLoader<string, Organization | null>;
  workspace: DataLoader<string, Workspace | null>;
  domain: DataLoader<string, Domain | null>;
  workspacesByOrganization: DataLoader<string, Workspace[]>;
  /** Answers `now` for the workspaces a tree has read (`workspaceTree` primes it). */
  domainsByWorkspace: SettlingLoader<string, Domain[]>;
  /**
   * An organization's workspaces read with their domains in the same statement (what a tree
   * walks); each workspace's domains go to `domainsByWorkspace`.
   */
  workspaceTree: DataLoader<string, Workspace[]>;
  /** All memberships of a person, in every scope. */
  membershipsByUser: DataLoader<string, Membership[]>;
  membership: DataLoader<string, Membership | null>;
  customRole: DataLoader<string, CustomRole | null>;
  /** An organization's custom roles, by name. */
  customRolesByOrganization: DataLoader<string, CustomRole[]>;
  /** How many memberships and pending invitations hold each custom role. */
  customRoleHolders: DataLoader<string, number>;
  /** A person's memberships in one organization (every scope of its tree): their standing there. */
  membershipsInOrganization: DataLoader<{ userId: string; organizationId: string }, Membership[], string>;
  emailDomain: DataLoader<string, EmailDomain | null>;
  /** The organizations whose verified AUTO_JOIN or REQUEST domains include this one, and how they let people in. */
  joinableByDomain: DataLoader<string, { organizationId: string; enrollment: EnrollmentMode }[]>;
  accessRequest: DataLoader<string, AccessRequest | null>;
  /** A person's requests to join, newest first (docs/domain-rules.md §20). */
  accessRequestsByRequester: DataLoader<string, AccessRequest[]>;
  /** Seats an organization uses: members plus invited addresses not in it yet. */
  seatsUsed: DataLoader<string, number>;
  /** The people holding a lasting (not time-limited) ADMIN role at an organization itself. */
  lastingAdmins: DataLoader<string, string[]>;
  invitation: DataLoader<string, Invitation | null>;
  /** A scope's invitations with one (effective) status, oldest first. */
  invitationsByScope: DataLoader<{ scopeId: string; status: InvitationStatus }, Invitation[], string>;
  /** PENDING, unexpired invitations addressed to an email. */
  pendingInvitationsByEmail: DataLoader<string, Invitation[]>;
  billingProfile: DataLoader<string, BillingProfile | null>;
  workspaceBilling: DataLoader<string, WorkspaceBilling | null>;
  webhookEndpoint: DataLoader<string, WebhookEndpoint | null>;
  webhookDelivery: DataLoader<string, WebhookDelivery | null>;
  provisioningToken: DataLoader<string, ProvisioningToken | null>;
  /** The newest email queued for an invitation (without its bodies), or null. */
  invitationEmail: DataLoader<string, OutboxEmail | null>;
  /** The name an organization's directory gave a person, by user id or (not signed in yet) address. */
  directoryName: DataLoader<DirectoryNameKey, string | null, string>;
  /** Whether a directory's group holds members in a workspace. */
  groupMembersIn: DataLoader<string, boolean>;
}

/**
 * A membership's custom role, read in the same statement as the membership (docs/domain-rules.md
 * §18): its keys go into `customRole` for the permission table, the role itself into the loader.
 */
function withCustomRole(row: Membership, loaders: Loaders): void {
  const role = row.customRoleRelation;
  delete row.customRoleRelation;
  row.customRole = role ? { id: role.id, name: role.name, grants: role.grants() } : null;
  if (role) loaders.customRole.prime(role.id, role);
}

function byKey<T extends ObjectLiteral, K extends keyof T & string>(
  db: DataSource,
  entity: EntityTarget<T>,
  column: K,
) {
  return new DataLoader<string, T | null>(async (keys) => {
    const rows = await db.getRepository(entity).findBy({ [column]: In([...keys]) } as never);
    const found = new Map(rows.map((row) => [row[column] as string, row]));
    return keys.map((key) => found.get(key) ?? null);
  });
}

/** Invitations of many scopes with one status each, in one statement per status asked for. */
function invitationsByScope(db: DataSource, now: Date) {
  return new DataLoader<{ scopeId: string; status: InvitationStatus }, Invitation[], string>(
    async (keys) => {
      const statuses = [...new Set(keys.map((k) => k.status))];
      const results = new Map<string, Invitation[]>(keys.map((k) => [`${k.scopeId}:${k.status}`, []]));
      await Promise.all(
        statuses.map(async (status) => {
          const scopeIds = keys.filter((k) => k.status === status).map((k) => k.scopeId);
          // EXPIRED is stored for superseded invitations and derived for PENDING ones past their date.
          const stored =
            status === InvitationStatus.EXPIRED ? [InvitationStatus.PENDING, InvitationStatus.EXPIRED] : [status];
          const rows = await db.getRepository(Invitation).find({
            where: { scopeId: In(scopeIds), status: In(stored) },
            order: { createdAt: 'ASC', id: 'ASC' },
          });
          for (const row of rows) {
            if (row.effectiveStatus(now) === status) results.get(`${row.scopeId}:${status}`)?.push(row);
          }
        }),
      );
      return keys.map((k) => results.get(`${k.scopeId}:${k.status}`) ?? []);
    },
    { cacheKeyFn: (k) => `${k.scopeId}:${k.status}` },
  );
}

function groupedBy<T extends ObjectLiteral, K extends keyof T & string>(
  db: DataSource,
  entity: EntityTarget<T>,
  column: K,
) {
  return settlingLoader<string, T[]>(async (keys) => {
    const rows = await db.getRepository(entity).find({
      where: { [column]: In([...keys]) } as never,
      order: { createdAt: 'ASC', id: 'ASC' } as never,
    });
    const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const row of rows) groups.get(row[column] as string)?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/** The request's loaders; `now` is the moment the request decides at (what has expired by then). */
export function createLoaders(db: DataSource, now: Date): Loaders {
  const loaders: Loaders = {
    user: byKey(db, User, 'id'),
    webhookEndpoint: byKey(db, WebhookEndpoint, 'id'),
    webhookDelivery: byKey(db, WebhookDelivery, 'id'),
    provisioningToken: byKey(db, ProvisioningToken, 'id'),
    organization: byKey(db, Organization, 'id'),
    workspace: byKey(db, Workspace, 'id'),
    domain: byKey(db, Domain, 'id'),
    workspacesByOrganization: groupedBy(db, Workspace, 'organizationId'),
    domainsByWorkspace: groupedBy(db, Domain, 'workspaceId'),
    workspaceTree: new DataLoader(async (organizationIds) => {
      const trees = await readWorkspaceTrees(db, organizationIds);
      return trees.map((tree, i) => {
        loaders.workspacesByOrganization.prime(organizationIds[i], tree.workspaces);
        for (const workspace of tree.workspaces) loaders.workspace.prime(workspace.id, workspace);
        for (const [workspaceId, domains] of tree.domains) {
          loaders.domainsByWorkspace.prime(workspaceId, domains);
          for (const domain of domains) loaders.domain.prime(domain.id, domain);
        }
        return tree.workspaces;
      });
    }),
    // With each membership come its organization and custom role (one statement, plain rows): the
    // viewer's organizations are then in the organization loader's cache before any field asks.
    membershipsByUser: new DataLoader(membershipsOfPeople(db, () => loaders)),
    membership: byKey(db, Membership, 'id'),
    customRole: byKey(db, CustomRole, 'id'),
    customRolesByOrganization: new DataLoader(async (organizationIds) => {
      const rows = await db
        .getRepository(CustomRole)
        .find({ where: { organizationId: In([...organizationIds]) }, order: { nameKey: 'ASC' } });
      for (const row of rows) loaders.customRole.prime(row.id, row);
      return organizationIds.map((id) => rows.filter((r) => r.organizationId === id));
    }),
    customRoleHolders: new DataLoader(async (roleIds) => {
      const list = placeholders(roleIds.length);
      const rows: { id: string; n: unknown }[] = await db.query(
        `SELECT custom_role_id AS id, COUNT(*) AS n FROM memberships WHERE custom_role_id IN (${list}) GROUP BY custom_role_id
         UNION ALL SELECT custom_role_id, COUNT(*) FROM invitations WHERE custom_role_id IN (${list}) AND status = ? GROUP BY custom_role_id`,
        [...roleIds, ...roleIds, InvitationStatus.PENDING],
      );
      return roleIds.map((id) => rows.filter((r) => r.id === id).reduce((n, r) => n + Number(r.n), 0));
    }),
    membershipsInOrganization: new DataLoader(
      async (keys) => {
        const rows = await db.getRepository(Membership).find({
          where: {
            organizationId: In([...new Set(keys.map((k) => k.organizationId))]),
            userId: In([...new Set(keys.map((k) => k.userId))]),
          },
          relations: { customRoleRelation: true },
          order: { createdAt: 'ASC', id: 'ASC' },
        });
        for (const row of rows) withCustomRole(row, loaders);
        return keys.map((k) => rows.filter((r) => r.userId === k.userId && r.organizationId === k.organizationId));
      },
      { cacheKeyFn: (k) => `${k.organizationId}:${k.userId}` },
    ),
    emailDomain: byKey(db, EmailDomain, 'id'),
    joinableByDomain: new DataLoader(async (domains) => {
      const rows = await db.getRepository(EmailDomain).findBy({
        verifiedDomain: In([...domains]),
        enrollment: In([EnrollmentMode.AUTO_JOIN, EnrollmentMode.REQUEST]),
      });
      return domains.map((domain) =>
        rows
          .filter((r) => r.verifiedDomain === domain)
          .map((r) => ({ organizationId: r.organizationId, enrollment: r.enrollment })),
      );
    }),
    accessRequest: byKey(db, AccessRequest, 'id'),
    accessRequestsByRequester: new DataLoader(async (userIds) => {
      const rows = await db.getRepository(AccessRequest).find({
        where: { requesterId: In([...userIds]) },
        order: { createdAt: 'DESC', id: 'DESC' },
      });
      for (const row of rows) loaders.accessRequest.prime(row.id, row);
      return userIds.map((id) => rows.filter((r) => r.requesterId === id));
    }),
    seatsUsed: new DataLoader((organizationIds) => seatsUsed(db, organizationIds, now)),
    lastingAdmins: new DataLoader(async (organizationIds) => {
      const rows: { scope_id: string; user_id: string }[] = await db.query(
        `SELECT scope_id, user_id FROM memberships WHERE scope_id IN (${placeholders(organizationIds.length)}) AND role = ? AND expires_at IS NULL`,
        [...organizationIds, Role.ADMIN],
      );
      return organizationIds.map((id) => rows.filter((r) => r.scope_id === id).map((r) => r.user_id));
    }),
    // The members' users came with the page: `Member.user` reads them from the loader's cache.
    ...memberLoaders(db, (user) => loaders.user.prime(user.id, user)),
    invitation: byKey(db, Invitation, 'id'),
    invitationsByScope: invitationsByScope(db, now),
    pendingInvitationsByEmail: new DataLoader(async (emails) => {
      const rows = await db.getRepository(Invitation).find({
        where: { email: In([...emails]), status: InvitationStatus.PENDING },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      return emails.map((email) => rows.filter((r) => r.email === email && r.expiresAt > now));
    }),
    invitationEmail: new DataLoader(async (invitationIds) => {
      const rows = await db.getRepository(OutboxEmail).find({
        select: { id: true, invitationId: true, status: true, attempts: true, lastAttemptAt: true, createdAt: true },
        where: { invitationId: In([...invitationIds]) },
        order: { createdAt: 'ASC' },
      });
      // A resend cancels the email before it and queues a new one: the newest not withdrawn wins.
      const newest = new Map<string, OutboxEmail>();
      for (const row of rows) {
        const held = row.invitationId ? newest.get(row.invitationId) : undefined;
        if (row.invitationId && (!held || row.status !== OutboxStatus.CANCELLED)) newest.set(row.invitationId, row);
      }
      return invitationIds.map((id) => newest.get(id) ?? null);
    }),
    directoryName: directoryNames(db),
    groupMembersIn: workspacesWithGroupMembers(db),
    billingProfile: byKey(db, BillingProfile, 'organizationId'),
    workspaceBilling: byKey(db, WorkspaceBilling, 'workspaceId'),
  };
  return loaders;
}
