import {
  UpdateSeatLimitDocument,
  RedeliverWebhookDocument,
  SetMemberExpiryDocument,
  AddEmailDomainDocument,
  JoinOrganizationDocument,
  OrganizationBillingDocument,
  UpdateBillingProfileDocument,
  UpdateWorkspaceBillingDocument,
  WorkspaceBillingQueryDocument,
  CreateWebhookEndpointDocument,
  UpdateWebhookEndpointDocument,
  RotateWebhookSecretDocument,
  DeleteWebhookEndpointDocument,
} from '../../generated/graphql';
import { WebhookDelivery, WebhookEndpoint } from '../../../entities/webhook.entity';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import {
  A,
  F,
  N,
  type Outcome,
  PUBLIC_HOOK,
  U,
  describeWrites,
  endpointIn,
  endpointRow,
  failedDeliveryIn,
  itCoversItsTable,
  membershipOf,
  requestIn,
  requestStatus,
  type WriteOps,
} from './matrix';

/**
 * The permission matrix's writes on billing, seats and expiry, email domains, webhooks and requests to join × every kind of caller, with the outcome docs/domain-rules.md §2
 * and §5 give, written out by hand (columns as in reads.test.ts, outcomes in matrix.ts).
 */

// prettier-ignore
const WRITES: Record<string, Outcome[]> = {
  //                        anon  outsider orgAdmin orgAcct orgMember wsAdmin wsMember domAdmin domMember
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

/** What each write does, and how to see from the database or the admin's side whether it happened. */
const writeOps: WriteOps = {
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

describeOnEachDatabase('permission matrix: writes on settings, webhooks and requests', (kind) => {
  const h = useHarness(kind);

  itCoversItsTable(WRITES, writeOps);
  describeWrites(h, WRITES, writeOps);
});
