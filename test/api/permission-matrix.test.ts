import {
  AcceptInvitationDocument,
  ChangeMemberRoleDocument,
  DeclineInvitationDocument,
  DomainInvitationsDocument,
  InvitationByTokenDocument,
  InviteMemberDocument,
  InviteMembersDocument,
  ExplainAccessDocument,
  UpdateSeatLimitDocument,
  OrganizationSeatsDocument,
  RedeliverWebhookDocument,
  SetMemberExpiryDocument,
  AddEmailDomainDocument,
  JoinOrganizationDocument,
  OrganizationEmailDomainsDocument,
  LeaveOrganizationDocument,
  MyPendingInvitationsDocument,
  OrganizationBillingDocument,
  OrganizationInvitationsDocument,
  RemoveMemberDocument,
  ResendInvitationDocument,
  RevokeInvitationDocument,
  UpdateBillingProfileDocument,
  UpdateWorkspaceBillingDocument,
  WorkspaceBillingQueryDocument,
  WorkspaceInvitationsDocument,
  CreateDomainDocument,
  CreateOrganizationDocument,
  CreateWorkspaceDocument,
  DeleteDomainDocument,
  DeleteOrganizationDocument,
  DeleteWorkspaceDocument,
  DomainDocument,
  DomainMembersDocument,
  EntitiesDocument,
  MeDocument,
  OrganizationAuditLogDocument,
  WorkspaceAuditLogDocument,
  DomainAuditLogDocument,
  OrganizationWebhookEndpointsDocument,
  CreateWebhookEndpointDocument,
  UpdateWebhookEndpointDocument,
  RotateWebhookSecretDocument,
  DeleteWebhookEndpointDocument,
  MyOrganizationsDocument,
  OrganizationDocument,
  OrganizationMembersDocument,
  OrganizationWorkspacesDocument,
  UpdateDomainDocument,
  UpdateOrganizationDocument,
  UpdateWorkspaceDocument,
  WorkspaceDocument,
  WorkspaceDomainsDocument,
  WorkspaceMembersDocument,
} from '../generated/graphql';
import { Invitation } from '../../entities/invitation.entity';
import { Membership } from '../../entities/membership.entity';
import { WebhookDelivery, WebhookEndpoint } from '../../entities/webhook.entity';
import { DeliveryStatus } from '../../src/domain/enums';
import { OutboxEmail } from '../../entities/outbox-email.entity';
import { createWorld, invite, PERSONAS, scopeInput, type Persona, type World } from '../support/factories';
import { type Harness, type OperationResult, type Person } from '../support/harness';
import { describeOnEachDatabase, useHarness } from '../support/each-database';

/**
 * Every operation and guarded field of the contract × every kind of caller, with the outcome docs/domain-rules.md §2 and §5
 * give, written out by hand (not computed from the code's own table).
 *
 * Outcomes: `ok` (data, no error), `null` (no error, no object: `_entities` for something the
 * caller may not see), or the `extensions.code` of the first error.
 *
 * Columns: anonymous, outsider, org ADMIN, org ACCOUNTING, org MEMBER, workspace ADMIN,
 * workspace MEMBER, domain ADMIN, domain MEMBER (workspace roles held in W1, domain roles in D1).
 */
type Outcome =
  'ok' | 'null' | 'UNAUTHENTICATED' | 'NOT_FOUND' | 'FORBIDDEN' | 'EMAIL_MISMATCH' | 'LAST_ADMIN' | 'ALREADY_MEMBER';
const U = 'UNAUTHENTICATED';
const N = 'NOT_FOUND';
const F = 'FORBIDDEN';
const M = 'EMAIL_MISMATCH';
const A = 'ALREADY_MEMBER';

// prettier-ignore
const READS: Record<string, Outcome[]> = {
  //                        anon  outsider orgAdmin orgAcct orgMember wsAdmin wsMember domAdmin domMember
  'me':                     ['ok', 'ok',    'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'organization':           [U,    N,       'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'Organization.members':   [U,    N,       'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'Organization.workspaces':[U,    N,       'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'workspace W1':           [U,    N,       'ok',    'ok',   N,        'ok',   'ok',    'ok',    'ok'],
  'workspace W2':           [U,    N,       'ok',    'ok',   N,        N,      N,       N,       N],
  'Workspace.members':      [U,    N,       'ok',    F,      N,        'ok',   'ok',    F,       F],
  'Workspace.domains':      [U,    N,       'ok',    'ok',   N,        'ok',   'ok',    'ok',    'ok'],
  'domain D1':              [U,    N,       'ok',    N,      N,        'ok',   'ok',    'ok',    'ok'],
  'domain D1b':             [U,    N,       'ok',    N,      N,        'ok',   'ok',    N,       N],
  'domain D2':              [U,    N,       'ok',    N,      N,        N,      N,       N,       N],
  'Domain.members':         [U,    N,       'ok',    N,      N,        'ok',   'ok',    'ok',    'ok'],
  // What the caller may not see is null with NOT_FOUND at ["_entities", i], like what does not exist.
  '_entities Organization': [U,    N,       'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  '_entities Workspace W1': [U,    N,       'ok',    'ok',   N,        'ok',   'ok',    'ok',    'ok'],
  '_entities Domain D1':    [U,    N,       'ok',    N,      N,        'ok',   'ok',    'ok',    'ok'],
  '_entities User':         [U,    N,       'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'invitationByToken':      ['ok', 'ok',    'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'me.pendingInvitations':  ['ok', 'ok',    'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'Organization.invitations':[U,   N,       'ok',    F,      F,        F,      F,       F,       F],
  'Workspace.invitations':  [U,    N,       'ok',    F,      N,        'ok',   F,       F,       F],
  'Domain.invitations':     [U,    N,       'ok',    N,      N,        'ok',   F,       'ok',    F],
  'Organization.billingProfile':[U,N,       'ok',    'ok',   F,        F,      F,       F,       F],
  'Workspace.billing':      [U,    N,       'ok',    'ok',   N,        F,      F,       F,       F],
  'Organization.auditLog':  [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  'Workspace.auditLog':     [U,    N,       'ok',    F,      N,        'ok',   F,       F,       F],
  'Domain.auditLog':        [U,    N,       'ok',    N,      N,        'ok',   F,       'ok',    F],
  'Organization.webhookEndpoints':[U,N,     'ok',    F,      F,        F,      F,       F,       F],
  // Seats (with how many invitations are pending): those who invite somewhere in it, or read its billing.
  'Organization.seatsUsed': [U,    N,       'ok',    'ok',   F,        'ok',   F,       'ok',    F],
  // READ_MEMBERS at the workspace: ACCOUNTING and a bare domain member may READ it, not its members.
  'Organization.emailDomains':[U,   N,       'ok',    F,      F,        F,      F,       F,       F],
  // READ; the list holds only the requests of the scopes where the caller decides (docs/domain-rules.md §20).
  'Organization.accessRequests':[U, N,       'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'explainAccess W1':       [U,    N,       'ok',    F,      N,        'ok',   'ok',    F,       F],
  'explainAccess D1':       [U,    N,       'ok',    N,      N,        'ok',   'ok',    'ok',    'ok'],
};

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
  'updateBillingProfile':   [U,    N,       'ok',    'ok',   F,        F,      F,       F,       F],
  'addEmailDomain':         [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  // Joining by an email domain: members already are; nobody else here has a verified domain to join by.
  'joinOrganization':       [U,    N,       A,       A,      A,        A,      A,       A,       A],
  'updateSeatLimit':        [U,    N,       'ok',    'ok',   F,        F,      F,       F,       F],
  'setMemberExpiry ws':     [U,    N,       'ok',    N,      N,        'ok',   F,       N,       N],
  'updateWorkspaceBilling': [U,    N,       'ok',    'ok',   N,        F,      F,       F,       F],
  'createWebhookEndpoint':  [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  // An endpoint exists only for those who manage webhooks: to everyone else it is not there.
  'updateWebhookEndpoint':  [U,    N,       'ok',    N,      N,        N,      N,       N,       N],
  'rotateWebhookSecret':    [U,    N,       'ok',    N,      N,        N,      N,       N,       N],
  'deleteWebhookEndpoint':  [U,    N,       'ok',    N,      N,        N,      N,       N,       N],
  'redeliverWebhook':       [U,    N,       'ok',    N,      N,        N,      N,       N,       N],
  // docs/domain-rules.md §20: a member asks for a workspace they can see and hold no role in (an
  // effective ADMIN already has all of it); a request (the workspace MEMBER's, for D1b) exists only
  // for those who decide in its scope, and for its requester, who alone withdraws it.
  'requestAccess W1':       [U,    N,       A,       'ok',   N,        A,      A,       'ok',    'ok'],
  'approveAccessRequest':   [U,    N,       'ok',    N,      N,        'ok',   N,       N,       N],
  'denyAccessRequest':      [U,    N,       'ok',    N,      N,        'ok',   N,       N,       N],
  'withdrawAccessRequest':  [U,    N,       N,       N,      N,        N,      'ok',    N,       N],
};

/** A pending request of the world's workspace MEMBER to join D1b, made once per world. */
const requests = new WeakMap<World, string>();
async function requestIn(h: Harness, w: World): Promise<string> {
  if (!requests.has(w)) {
    const result = await h.run(
      'mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }',
      { input: { scope: { domainId: w.d1b.id } } },
      w.people.wsMember,
    );
    requests.set(w, (result.data as { requestAccess: { id: string } }).requestAccess.id);
  }
  return requests.get(w) as string;
}
const requestStatus = async (h: Harness, w: World) =>
  (await h.database.db.query('SELECT status FROM access_requests WHERE id = ?', [await requestIn(h, w)]))[0]?.status;

type Run = (h: Harness, w: World, persona: Persona) => Promise<OperationResult<unknown>>;

/** Pending invitations into each scope of a world, to someone outside it. */
async function withInvitations(h: Harness, w: World) {
  const invitee = await h.person('invitee');
  const admin = w.people.orgAdmin;
  return {
    invitee,
    organization: await invite(h, admin, scopeInput.organization(w), invitee.email),
    workspace: await invite(h, admin, scopeInput.workspace(w), invitee.email),
    domain: await invite(h, admin, scopeInput.domain(w), invitee.email),
  };
}
type Invited = Awaited<ReturnType<typeof withInvitations>>;
const invitations = new WeakMap<World, Invited>();
const invitedIn = async (h: Harness, w: World) => {
  if (!invitations.has(w)) invitations.set(w, await withInvitations(h, w));
  return invitations.get(w) as Invited;
};
const membershipOf = async (h: Harness, person: Person, scopeId: string) =>
  h.database.db.getRepository(Membership).findOneBy({ userId: person.sub, scopeId });

function outcome(result: OperationResult<unknown>, pick?: (data: any) => unknown): Outcome {
  const code = result.errors?.[0]?.extensions?.code;
  if (code) return code as Outcome;
  if (pick && (pick(result.data) === null || pick(result.data) === undefined)) return 'null';
  return 'ok';
}

const entity =
  (typename: string, id: (w: World) => string): Run =>
  (h, w, p) =>
    h.run(EntitiesDocument, { representations: [{ __typename: typename, id: id(w) }] }, w.as(p));

const readOps: Record<string, { run: Run; pick?: (data: any) => unknown }> = {
  me: { run: (h, w, p) => h.run(MeDocument, {}, w.as(p)) },
  organization: { run: (h, w, p) => h.run(OrganizationDocument, { id: w.organization.id }, w.as(p)) },
  'Organization.members': { run: (h, w, p) => h.run(OrganizationMembersDocument, { id: w.organization.id }, w.as(p)) },
  'Organization.workspaces': {
    run: (h, w, p) => h.run(OrganizationWorkspacesDocument, { id: w.organization.id }, w.as(p)),
  },
  'workspace W1': { run: (h, w, p) => h.run(WorkspaceDocument, { id: w.w1.id }, w.as(p)) },
  'workspace W2': { run: (h, w, p) => h.run(WorkspaceDocument, { id: w.w2.id }, w.as(p)) },
  'Workspace.members': { run: (h, w, p) => h.run(WorkspaceMembersDocument, { id: w.w1.id }, w.as(p)) },
  'Workspace.domains': { run: (h, w, p) => h.run(WorkspaceDomainsDocument, { id: w.w1.id }, w.as(p)) },
  'domain D1': { run: (h, w, p) => h.run(DomainDocument, { id: w.d1.id }, w.as(p)) },
  'domain D1b': { run: (h, w, p) => h.run(DomainDocument, { id: w.d1b.id }, w.as(p)) },
  'domain D2': { run: (h, w, p) => h.run(DomainDocument, { id: w.d2.id }, w.as(p)) },
  'Domain.members': { run: (h, w, p) => h.run(DomainMembersDocument, { id: w.d1.id }, w.as(p)) },
  'explainAccess W1': {
    run: (h, w, p) =>
      h.run(ExplainAccessDocument, { userId: w.people.wsAdmin.sub, scope: { workspaceId: w.w1.id } }, w.as(p)),
  },
  'explainAccess D1': {
    run: (h, w, p) =>
      h.run(ExplainAccessDocument, { userId: w.people.domainAdmin.sub, scope: { domainId: w.d1.id } }, w.as(p)),
  },
  '_entities Organization': { run: entity('Organization', (w) => w.organization.id), pick: (d) => d._entities[0] },
  '_entities Workspace W1': { run: entity('Workspace', (w) => w.w1.id), pick: (d) => d._entities[0] },
  '_entities Domain D1': { run: entity('Domain', (w) => w.d1.id), pick: (d) => d._entities[0] },
  '_entities User': { run: entity('User', (w) => w.people.orgAdmin.sub), pick: (d) => d._entities[0] },
  invitationByToken: {
    run: async (h, w, p) =>
      h.run(InvitationByTokenDocument, { token: (await invitedIn(h, w)).organization.token }, w.as(p)),
    pick: (d) => d.invitationByToken,
  },
  'me.pendingInvitations': { run: (h, w, p) => h.run(MyPendingInvitationsDocument, {}, w.as(p)) },
  'Organization.invitations': {
    run: async (h, w, p) => (
      await invitedIn(h, w),
      h.run(OrganizationInvitationsDocument, { id: w.organization.id }, w.as(p))
    ),
  },
  'Workspace.invitations': {
    run: async (h, w, p) => (await invitedIn(h, w), h.run(WorkspaceInvitationsDocument, { id: w.w1.id }, w.as(p))),
  },
  'Domain.invitations': {
    run: async (h, w, p) => (await invitedIn(h, w), h.run(DomainInvitationsDocument, { id: w.d1.id }, w.as(p))),
  },
  'Organization.billingProfile': {
    run: (h, w, p) => h.run(OrganizationBillingDocument, { id: w.organization.id }, w.as(p)),
  },
  'Workspace.billing': { run: (h, w, p) => h.run(WorkspaceBillingQueryDocument, { id: w.w1.id }, w.as(p)) },
  'Organization.auditLog': {
    run: (h, w, p) => h.run(OrganizationAuditLogDocument, { id: w.organization.id }, w.as(p)),
  },
  'Workspace.auditLog': { run: (h, w, p) => h.run(WorkspaceAuditLogDocument, { id: w.w1.id }, w.as(p)) },
  'Domain.auditLog': { run: (h, w, p) => h.run(DomainAuditLogDocument, { id: w.d1.id }, w.as(p)) },
  'Organization.webhookEndpoints': {
    run: (h, w, p) => h.run(OrganizationWebhookEndpointsDocument, { id: w.organization.id }, w.as(p)),
  },
  'Organization.accessRequests': {
    run: (h, w, p) =>
      h.run(
        'query($id: ID!) { organization(id: $id) { accessRequests { edges { node { id } } } } }',
        { id: w.organization.id },
        w.as(p),
      ),
  },
  'Organization.emailDomains': {
    run: (h, w, p) => h.run(OrganizationEmailDomainsDocument, { id: w.organization.id }, w.as(p)),
  },
  'Organization.seatsUsed': {
    run: (h, w, p) => h.run(OrganizationSeatsDocument, { id: w.organization.id }, w.as(p)),
  },
};

/** A webhook endpoint of each world (saved only: the matrix never runs a dispatcher). */
const PUBLIC_HOOK = 'https://93.184.215.14/hook';
const endpoints = new WeakMap<World, { id: string; secret: string }>();
async function endpointIn(h: Harness, w: World) {
  if (!endpoints.has(w)) {
    const created = await h.run(
      CreateWebhookEndpointDocument,
      { input: { organizationId: w.organization.id, url: PUBLIC_HOOK } },
      w.people.orgAdmin,
    );
    const made = created.data!.createWebhookEndpoint;
    endpoints.set(w, { id: made.endpoint.id, secret: made.secret });
  }
  return endpoints.get(w)!;
}
/** A FAILED delivery of the world's endpoint (made so in the database: the matrix sends nothing). */
const failedDeliveries = new WeakMap<World, string>();
async function failedDeliveryIn(h: Harness, w: World): Promise<string> {
  if (!failedDeliveries.has(w)) {
    const { id: endpointId } = await endpointIn(h, w);
    await h.run(UpdateOrganizationDocument, { id: w.organization.id, input: { name: 'Hooked' } }, w.people.orgAdmin);
    const delivery = await h.database.db.getRepository(WebhookDelivery).findOneByOrFail({ endpointId });
    await h.database.db
      .getRepository(WebhookDelivery)
      .update({ id: delivery.id }, { status: DeliveryStatus.FAILED, attempts: 8, nextAttemptAt: null });
    failedDeliveries.set(w, delivery.id);
  }
  return failedDeliveries.get(w)!;
}
const endpointRow = async (h: Harness, w: World) =>
  h.database.db.getRepository(WebhookEndpoint).findOneBy({ id: (await endpointIn(h, w)).id });

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
const writeOps: Record<string, { run: Run; happened: (h: Harness, w: World, persona: Persona) => Promise<boolean> }> = {
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
  updateSeatLimit: {
    run: (h, w, p) => h.run(UpdateSeatLimitDocument, { organizationId: w.organization.id, seatLimit: 500 }, w.as(p)),
    happened: async (h, w) =>
      (await h.database.db.query('SELECT seat_limit FROM organizations WHERE id = ?', [w.organization.id]))[0]
        .seat_limit !== null,
  },
  'setMemberExpiry ws': {
    run: async (h, w, p) =>
      h.run(
        SetMemberExpiryDocument,
        {
          memberId: (await membershipOf(h, w.people.wsMember, w.w1.id))!.id,
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
        w.as(p),
      ),
    happened: async (h, w) => (await membershipOf(h, w.people.wsMember, w.w1.id))?.expiresAt != null,
  },
  updateBillingProfile: {
    run: (h, w, p) =>
      h.run(UpdateBillingProfileDocument, { organizationId: w.organization.id, input: { city: 'Paris' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(OrganizationBillingDocument, { id: w.organization.id }, w.people.orgAdmin)).data?.organization
        ?.billingProfile?.city === 'Paris',
  },
  updateWorkspaceBilling: {
    run: (h, w, p) =>
      h.run(UpdateWorkspaceBillingDocument, { workspaceId: w.w1.id, input: { costCenter: 'CC-9' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(WorkspaceBillingQueryDocument, { id: w.w1.id }, w.people.orgAdmin)).data?.workspace?.billing
        ?.costCenter === 'CC-9',
  },
  addEmailDomain: {
    run: (h, w, p) =>
      h.run(
        AddEmailDomainDocument,
        { input: { organizationId: w.organization.id, domain: `d${w.organization.id.slice(0, 8)}.example` } },
        w.as(p),
      ),
    happened: async (h, w) =>
      Number(
        (
          await h.database.db.query('SELECT COUNT(*) AS n FROM email_domains WHERE organization_id = ?', [
            w.organization.id,
          ])
        )[0].n,
      ) === 1,
  },
  joinOrganization: {
    run: (h, w, p) => h.run(JoinOrganizationDocument, { organizationId: w.organization.id }, w.as(p)),
    // Only the outsider could gain a membership by it.
    happened: async (h, w) => (await membershipOf(h, w.people.outsider, w.organization.id)) !== null,
  },
  createWebhookEndpoint: {
    run: (h, w, p) =>
      h.run(
        CreateWebhookEndpointDocument,
        { input: { organizationId: w.organization.id, url: `${PUBLIC_HOOK}/${w.organization.id}` } },
        w.as(p),
      ),
    happened: async (h, w) =>
      (await h.database.db.getRepository(WebhookEndpoint).countBy({ url: `${PUBLIC_HOOK}/${w.organization.id}` })) ===
      1,
  },
  updateWebhookEndpoint: {
    run: async (h, w, p) =>
      h.run(UpdateWebhookEndpointDocument, { id: (await endpointIn(h, w)).id, input: { enabled: false } }, w.as(p)),
    happened: async (h, w) => (await endpointRow(h, w))?.enabled === false,
  },
  rotateWebhookSecret: {
    run: async (h, w, p) => h.run(RotateWebhookSecretDocument, { id: (await endpointIn(h, w)).id }, w.as(p)),
    happened: async (h, w) => (await endpointRow(h, w))?.secret !== (await endpointIn(h, w)).secret,
  },
  deleteWebhookEndpoint: {
    run: async (h, w, p) => h.run(DeleteWebhookEndpointDocument, { id: (await endpointIn(h, w)).id }, w.as(p)),
    happened: async (h, w) => (await endpointRow(h, w)) === null,
  },
  'requestAccess W1': {
    run: (h, w, p) =>
      h.run(
        'mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }',
        { input: { scope: { workspaceId: w.w1.id } } },
        w.as(p),
      ),
    happened: async (h, w, p) =>
      p !== 'anonymous' &&
      (
        await h.database.db.query(
          "SELECT id FROM access_requests WHERE requester_id = ? AND scope_id = ? AND status = 'PENDING'",
          [w.people[p].sub, w.w1.id],
        )
      ).length === 1,
  },
  approveAccessRequest: {
    run: async (h, w, p) =>
      h.run(
        'mutation($input: ApproveAccessRequestInput!) { approveAccessRequest(input: $input) { id } }',
        { input: { id: await requestIn(h, w) } },
        w.as(p),
      ),
    happened: async (h, w) => (await requestStatus(h, w)) === 'APPROVED',
  },
  denyAccessRequest: {
    run: async (h, w, p) =>
      h.run('mutation($id: ID!) { denyAccessRequest(id: $id) { id } }', { id: await requestIn(h, w) }, w.as(p)),
    happened: async (h, w) => (await requestStatus(h, w)) === 'DENIED',
  },
  withdrawAccessRequest: {
    run: async (h, w, p) =>
      h.run('mutation($id: ID!) { withdrawAccessRequest(id: $id) { id } }', { id: await requestIn(h, w) }, w.as(p)),
    happened: async (h, w) => (await requestStatus(h, w)) === 'WITHDRAWN',
  },
  redeliverWebhook: {
    run: async (h, w, p) => h.run(RedeliverWebhookDocument, { deliveryId: await failedDeliveryIn(h, w) }, w.as(p)),
    happened: async (h, w) =>
      (await h.database.db.getRepository(WebhookDelivery).findOneBy({ id: await failedDeliveryIn(h, w) }))?.status ===
      'PENDING',
  },
};

const cases = (table: Record<string, Outcome[]>) =>
  Object.entries(table).flatMap(([op, row]) => PERSONAS.map((persona, i) => [op, persona, row[i]] as const));

/**
 * Fresh worlds, each with its invitations, for the cases that take one: made a few ahead of the
 * case that takes the next, so that making them (some 250 statements each) overlaps the cases and
 * one another instead of waiting on the database one statement at a time. Every world is still
 * made for one case only, and complete before that case starts; no more are made than there are
 * cases, and `settle` waits for any that no case took (a run of some cases only) before the
 * harness closes.
 */
function freshWorlds(h: Harness, ahead: number, cases: number) {
  const pending: Promise<World>[] = [];
  const made: Promise<unknown>[] = [];
  const make = () => {
    const world = createWorld(h).then(async (w) => (await invitedIn(h, w), w));
    made.push(world.catch(() => undefined));
    return world;
  };
  return {
    next(): Promise<World> {
      while (pending.length <= ahead && made.length < cases) pending.push(make());
      return pending.shift() as Promise<World>;
    },
    settle: () => Promise.all(made),
  };
}

describeOnEachDatabase('permission matrix', (kind) => {
  const h = useHarness(kind);

  it('covers every operation of the contract and every persona', () => {
    expect(Object.keys(readOps).sort()).toEqual(Object.keys(READS).sort());
    expect(Object.keys(writeOps).sort()).toEqual(Object.keys(WRITES).sort());
    for (const row of [...Object.values(READS), ...Object.values(WRITES)]) expect(row).toHaveLength(PERSONAS.length);
  });

  describe('reads', () => {
    let world: World;
    beforeAll(async () => {
      world = await createWorld(h);
    });

    it.each(cases(READS))('%s as %s → %s', async (op, persona, expected) => {
      const { run, pick } = readOps[op];
      const result = await run(h, world, persona);
      expect(outcome(result, pick)).toBe(expected);
      if (op === 'me') {
        const me = (result.data as { me: { id: string } | null }).me;
        expect(me?.id ?? null).toBe(
          persona === 'anonymous' ? null : world.people[persona as Exclude<Persona, 'anonymous'>].sub,
        );
      }
    });
  });

  describe('writes (a fresh world for each case)', () => {
    // A write that succeeds changes its world: it gets a world of its own. A refused write changes
    // nothing (each such case asserts it), so the refusals of one operation share a world: each
    // still starts from the same state, a fresh world with its invitations.
    const succeeding = cases(WRITES).filter(([, , expected]) => expected === 'ok').length;
    const worlds = freshWorlds(h, 3, succeeding + Object.keys(WRITES).length);
    const refusals = new Map<string, Promise<World>>();
    const worldFor = (op: string, expected: Outcome) => {
      if (expected === 'ok') return worlds.next();
      if (!refusals.has(op)) refusals.set(op, worlds.next());
      return refusals.get(op) as Promise<World>;
    };
    afterAll(() => worlds.settle());

    it.each(cases(WRITES))('%s as %s → %s', async (op, persona, expected) => {
      const world = await worldFor(op, expected);
      const { run, happened } = writeOps[op];
      const result = await run(h, world, persona);
      expect(outcome(result)).toBe(expected);
      if (expected === 'ok') {
        expect(result.errors).toBeUndefined();
        expect(await happened(h, world, persona)).toBe(true);
      } else {
        // A refused write changes nothing.
        expect(await happened(h, world, persona)).toBe(false);
        expect(result.data).toBeNull();
      }
    });
  });
});
