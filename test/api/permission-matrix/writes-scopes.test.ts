import {
  AcceptInvitationDocument,
  ChangeMemberRoleDocument,
  DeclineInvitationDocument,
  InviteMemberDocument,
  InviteMembersDocument,
  LeaveOrganizationDocument,
  RemoveMemberDocument,
  ResendInvitationDocument,
  RevokeInvitationDocument,
  CreateDomainDocument,
  CreateOrganizationDocument,
  CreateWorkspaceDocument,
  DeleteDomainDocument,
  DeleteOrganizationDocument,
  DeleteWorkspaceDocument,
  DomainDocument,
  MyOrganizationsDocument,
  OrganizationDocument,
  OrganizationWorkspacesDocument,
  UpdateDomainDocument,
  UpdateOrganizationDocument,
  UpdateWorkspaceDocument,
  WorkspaceDocument,
  WorkspaceDomainsDocument,
} from '../../generated/graphql';
import { Invitation } from '../../../entities/invitation.entity';
import { OutboxEmail } from '../../../entities/outbox-email.entity';
import { scopeInput, type World } from '../../support/factories';
import { type Harness } from '../../support/harness';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import {
  F,
  M,
  N,
  type Outcome,
  U,
  describeWrites,
  invitedIn,
  itCoversItsTable,
  membershipOf,
  type Run,
  type WriteOps,
} from './matrix';

/**
 * The permission matrix's writes on organizations, workspaces, domains, invitations and memberships × every kind of caller, with the outcome docs/domain-rules.md §2
 * and §5 give, written out by hand (columns as in reads.test.ts, outcomes in matrix.ts).
 */

// prettier-ignore
const WRITES: Record<string, Outcome[]> = {
  //                        anon  outsider orgAdmin orgAcct orgMember wsAdmin wsMember domAdmin domMember
  'createOrganization':     [U,    'ok',    'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'updateOrganization':     [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  'deleteOrganization':     [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  'createWorkspace':        [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  'updateWorkspace':        [U,    N,       'ok',    F,      N,        'ok',   F,       F,       F],
  'deleteWorkspace':        [U,    N,       'ok',    F,      N,        F,      F,       F,       F],
  'createDomain':           [U,    N,       'ok',    F,      N,        'ok',   F,       F,       F],
  'updateDomain':           [U,    N,       'ok',    N,      N,        'ok',   F,       'ok',    F],
  'deleteDomain':           [U,    N,       'ok',    N,      N,        'ok',   F,       'ok',    F],
  'inviteMember org MEMBER':[U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  'inviteMember org ADMIN': [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  'inviteMember workspace': [U,    N,       'ok',    F,      N,        'ok',   F,       F,       F],
  'inviteMember domain':    [U,    N,       'ok',    N,      N,        'ok',   F,       'ok',    F],
  'inviteMembers workspace':[U,    N,       'ok',    F,      N,        'ok',   F,       F,       F],
  'inviteMembers domain':   [U,    N,       'ok',    N,      N,        'ok',   F,       'ok',    F],
  // An invitation is visible only to those who may invite in its scope: to others it does not exist.
  'resendInvitation':       [U,    N,       'ok',    N,      N,        'ok',   N,       N,       N],
  'revokeInvitation':       [U,    N,       'ok',    N,      N,        'ok',   N,       'ok',    N],
  'acceptInvitation':       [U,    M,       M,       M,      M,        M,      M,       M,       M],
  'declineInvitation':      [U,    M,       M,       M,      M,        M,      M,       M,       M],
  // A membership is visible to those who may read its scope's members.
  'changeMemberRole org':   [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  'changeMemberRole ws':    [U,    N,       'ok',    N,      N,        'ok',   F,       N,       N],
  'removeMember org':       [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  // The domain MEMBER removes their own domain membership: they leave it (docs/domain-rules.md §10).
  'removeMember domain':    [U,    N,       'ok',    N,      N,        'ok',   F,       'ok',    'ok'],
  'leaveOrganization':      [U,    N,       'LAST_ADMIN','ok','ok',    'ok',   'ok',    'ok',    'ok'],

};

/** An address unique to the world, so that one case's invitation never counts in another's. */
const addressIn = (w: World, label: string) => `${label}-${w.organization.id}@example.test`;
const invitedCount = (h: Harness, w: World, label: string) =>
  h.database.db.getRepository(Invitation).countBy({ email: addressIn(w, label) });
const inviteAs =
  (scope: (w: World) => object, role: 'ADMIN' | 'MEMBER', label: string): Run =>
  (h, w, p) =>
    h.run(InviteMemberDocument, { input: { scope: scope(w), email: addressIn(w, label), role } }, w.as(p));

const bulkInviteAs =
  (scope: (w: World) => object, label: string): Run =>
  (h, w, p) =>
    h.run(
      InviteMembersDocument,
      { input: { scope: scope(w), invitations: [{ email: addressIn(w, label), role: 'MEMBER' }] } } as never,
      w.as(p),
    );

/** A name unique to the world, so that one case's new organization is not another's. */
const createdName = (w: World) => `Created ${w.organization.id.slice(0, 8)}`;

/** What each write does, and how to see from the database or the admin's side whether it happened. */
const writeOps: WriteOps = {
  createOrganization: {
    run: (h, w, p) => h.run(CreateOrganizationDocument, { input: { name: createdName(w) } }, w.as(p)),
    // The new organization exists, and the caller sees it among their own as its ADMIN.
    happened: async (h, w, p) => {
      const [row] = await h.database.db.query('SELECT COUNT(*) AS n FROM organizations WHERE name = ?', [
        createdName(w),
      ]);
      const who = w.as(p);
      if (Number(row.n) === 0 || !who) return false;
      const mine = await h.run(MyOrganizationsDocument, { first: 100 }, who);
      return (mine.data?.me?.organizations?.edges ?? []).some(
        (e) => e.node.name === createdName(w) && e.node.viewerRole === 'ADMIN',
      );
    },
  },
  updateOrganization: {
    run: (h, w, p) => h.run(UpdateOrganizationDocument, { id: w.organization.id, input: { name: 'Renamed' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(OrganizationDocument, { id: w.organization.id }, w.people.orgAdmin)).data?.organization?.name ===
      'Renamed',
  },
  deleteOrganization: {
    run: (h, w, p) => h.run(DeleteOrganizationDocument, { id: w.organization.id }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(OrganizationDocument, { id: w.organization.id }, w.people.orgAdmin)).data?.organization === null,
  },
  createWorkspace: {
    run: (h, w, p) =>
      h.run(CreateWorkspaceDocument, { input: { organizationId: w.organization.id, name: 'New' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(OrganizationWorkspacesDocument, { id: w.organization.id }, w.people.orgAdmin)).data?.organization
        ?.workspaces.length === 3,
  },
  updateWorkspace: {
    run: (h, w, p) => h.run(UpdateWorkspaceDocument, { id: w.w1.id, input: { name: 'Renamed' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(WorkspaceDocument, { id: w.w1.id }, w.people.orgAdmin)).data?.workspace?.name === 'Renamed',
  },
  deleteWorkspace: {
    run: (h, w, p) => h.run(DeleteWorkspaceDocument, { id: w.w1.id }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(WorkspaceDocument, { id: w.w1.id }, w.people.orgAdmin)).data?.workspace === null,
  },
  createDomain: {
    run: (h, w, p) =>
      h.run(CreateDomainDocument, { input: { workspaceId: w.w1.id, hostname: 'new.example.com' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(WorkspaceDomainsDocument, { id: w.w1.id }, w.people.orgAdmin)).data?.workspace?.domains.length === 3,
  },
  updateDomain: {
    run: (h, w, p) => h.run(UpdateDomainDocument, { id: w.d1.id, input: { hostname: 'renamed.example.com' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(DomainDocument, { id: w.d1.id }, w.people.orgAdmin)).data?.domain?.hostname ===
      'renamed.example.com',
  },
  deleteDomain: {
    run: (h, w, p) => h.run(DeleteDomainDocument, { id: w.d1.id }, w.as(p)),
    happened: async (h, w) => (await h.run(DomainDocument, { id: w.d1.id }, w.people.orgAdmin)).data?.domain === null,
  },
  'inviteMember org MEMBER': {
    run: inviteAs(scopeInput.organization, 'MEMBER', 'org-member'),
    happened: async (h, w) => (await invitedCount(h, w, 'org-member')) > 0,
  },
  'inviteMember org ADMIN': {
    run: inviteAs(scopeInput.organization, 'ADMIN', 'org-admin'),
    happened: async (h, w) => (await invitedCount(h, w, 'org-admin')) > 0,
  },
  'inviteMember workspace': {
    run: inviteAs(scopeInput.workspace, 'MEMBER', 'ws-invitee'),
    happened: async (h, w) => (await invitedCount(h, w, 'ws-invitee')) > 0,
  },
  'inviteMember domain': {
    run: inviteAs(scopeInput.domain, 'MEMBER', 'domain-invitee'),
    happened: async (h, w) => (await invitedCount(h, w, 'domain-invitee')) > 0,
  },
  'inviteMembers workspace': {
    run: bulkInviteAs(scopeInput.workspace, 'ws-bulk'),
    happened: async (h, w) => (await invitedCount(h, w, 'ws-bulk')) > 0,
  },
  'inviteMembers domain': {
    run: bulkInviteAs(scopeInput.domain, 'domain-bulk'),
    happened: async (h, w) => (await invitedCount(h, w, 'domain-bulk')) > 0,
  },
  resendInvitation: {
    run: async (h, w, p) =>
      h.run(ResendInvitationDocument, { id: (await invitedIn(h, w)).workspace.invitation.id }, w.as(p)),
    happened: async (h, w) =>
      (await h.database.db
        .getRepository(OutboxEmail)
        .countBy({ invitationId: (await invitedIn(h, w)).workspace.invitation.id })) === 2,
  },
  revokeInvitation: {
    run: async (h, w, p) =>
      h.run(RevokeInvitationDocument, { id: (await invitedIn(h, w)).domain.invitation.id }, w.as(p)),
    happened: async (h, w) =>
      (
        await h.database.db
          .getRepository(Invitation)
          .findOneByOrFail({ id: (await invitedIn(h, w)).domain.invitation.id })
      ).status === 'REVOKED',
  },
  acceptInvitation: {
    run: async (h, w, p) =>
      h.run(AcceptInvitationDocument, { input: { token: (await invitedIn(h, w)).organization.token } }, w.as(p)),
    happened: async (h, w) =>
      (
        await h.database.db
          .getRepository(Invitation)
          .findOneByOrFail({ id: (await invitedIn(h, w)).organization.invitation.id })
      ).status !== 'PENDING',
  },
  declineInvitation: {
    run: async (h, w, p) =>
      h.run(DeclineInvitationDocument, { input: { token: (await invitedIn(h, w)).organization.token } }, w.as(p)),
    happened: async (h, w) =>
      (
        await h.database.db
          .getRepository(Invitation)
          .findOneByOrFail({ id: (await invitedIn(h, w)).organization.invitation.id })
      ).status !== 'PENDING',
  },
  'changeMemberRole org': {
    run: async (h, w, p) =>
      h.run(
        ChangeMemberRoleDocument,
        { input: { memberId: (await membershipOf(h, w.people.orgMember, w.organization.id))!.id, role: 'ACCOUNTING' } },
        w.as(p),
      ),
    happened: async (h, w) => (await membershipOf(h, w.people.orgMember, w.organization.id))?.role === 'ACCOUNTING',
  },
  'changeMemberRole ws': {
    run: async (h, w, p) =>
      h.run(
        ChangeMemberRoleDocument,
        { input: { memberId: (await membershipOf(h, w.people.wsMember, w.w1.id))!.id, role: 'ADMIN' } },
        w.as(p),
      ),
    happened: async (h, w) => (await membershipOf(h, w.people.wsMember, w.w1.id))?.role === 'ADMIN',
  },
  'removeMember org': {
    run: async (h, w, p) =>
      h.run(
        RemoveMemberDocument,
        { memberId: (await membershipOf(h, w.people.orgMember, w.organization.id))!.id },
        w.as(p),
      ),
    happened: async (h, w) => (await membershipOf(h, w.people.orgMember, w.organization.id)) === null,
  },
  'removeMember domain': {
    run: async (h, w, p) =>
      h.run(RemoveMemberDocument, { memberId: (await membershipOf(h, w.people.domainMember, w.d1.id))!.id }, w.as(p)),
    happened: async (h, w) => (await membershipOf(h, w.people.domainMember, w.d1.id)) === null,
  },
  leaveOrganization: {
    run: (h, w, p) => h.run(LeaveOrganizationDocument, { organizationId: w.organization.id }, w.as(p)),
    happened: async (h, w, p) =>
      p !== 'anonymous' && p !== 'outsider' && (await membershipOf(h, w.people[p], w.organization.id)) === null,
  },
};

describeOnEachDatabase('permission matrix: writes on scopes, invitations and memberships', (kind) => {
  const h = useHarness(kind);

  itCoversItsTable(WRITES, writeOps);
  describeWrites(h, WRITES, writeOps);
});
