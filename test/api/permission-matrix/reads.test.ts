import {
  DomainInvitationsDocument,
  InvitationByTokenDocument,
  ExplainAccessDocument,
  OrganizationSeatsDocument,
  OrganizationEmailDomainsDocument,
  MyPendingInvitationsDocument,
  OrganizationBillingDocument,
  OrganizationInvitationsDocument,
  WorkspaceBillingQueryDocument,
  WorkspaceInvitationsDocument,
  DomainDocument,
  DomainMembersDocument,
  MeDocument,
  OrganizationAuditLogDocument,
  WorkspaceAuditLogDocument,
  DomainAuditLogDocument,
  OrganizationWebhookEndpointsDocument,
  OrganizationDocument,
  OrganizationMembersDocument,
  OrganizationWorkspacesDocument,
  WorkspaceDocument,
  WorkspaceDomainsDocument,
  WorkspaceMembersDocument,
} from '../../generated/graphql';
import { createWorld, type Persona, type World } from '../../support/factories';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import { entity, F, N, outcome, type Outcome, U, cases, invitedIn, itCoversItsTable, type Run } from './matrix';

/**
 * Every query and guarded field of the contract × every kind of caller, with the outcome docs/domain-rules.md
 * §2 and §5 give, written out by hand (not computed from the code's own table); the writes are in
 * writes-*.test.ts beside this file, the outcomes in matrix.ts.
 *
 * Columns: anonymous, outsider, org ADMIN, org ACCOUNTING, org MEMBER, workspace ADMIN,
 * workspace MEMBER, domain ADMIN, domain MEMBER (workspace roles held in W1, domain roles in D1).
 */

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

describeOnEachDatabase('permission matrix: reads', (kind) => {
  const h = useHarness(kind);

  itCoversItsTable(READS, readOps);

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
});
