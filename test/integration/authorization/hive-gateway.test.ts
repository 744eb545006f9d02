import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { billingTypeDefs, invoicesOf } from '../../../examples/billing/billing';
import { type BillingServer, startBilling } from '../../../examples/billing/server';
import { createHiveGateway } from '../../../examples/hive-gateway/gateway';
import { composeWithMembership } from '../../../examples/supergraph/compose';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { describeOnEachDatabase, useHarness, useWorld } from '../../support/each-database';
import { addMember } from '../../support/factories';
import type { Person } from '../../support/harness';
import { listen } from '../../support/http';

const PERMISSIONS_FILE = join(__dirname, '../../../examples/permissions.json');

const INVOICES = `query Invoices($workspaceId: ID!) {
  workspace(id: $workspaceId) { name }
  invoices(workspaceId: $workspaceId) { number totalCents workspace { id } }
}`;

/**
 * Hive Gateway in front of this service and the example billing subgraph, its `@policy` hook
 * asking POST /authorization/policies: what docs/authorization.md ("Wiring Hive Gateway") tells
 * an operator to run, proven through the gateway itself.
 */
describeOnEachDatabase('Hive Gateway deciding @policy with this service', (kind) => {
  const h = useHarness(kind, { PERMISSIONS_FILE });
  const world = useWorld(h);
  let billing: BillingServer;
  let gateway: ReturnType<typeof createHiveGateway>;
  let server: Server;
  let gatewayUrl = '';
  const decisionErrors: unknown[] = [];

  beforeAll(async () => {
    const membershipUrl = (await listen(h.app)).url;
    billing = await startBilling();
    const supergraphSdl = await composeWithMembership(membershipUrl, [
      { name: 'billing', url: billing.url, typeDefs: billingTypeDefs },
    ]);
    gateway = createHiveGateway({
      supergraphSdl,
      policiesUrl: new URL('/authorization/policies', membershipUrl).href,
      onDecisionError: (error) => decisionErrors.push(error),
    });
    server = createServer(gateway);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await gateway?.dispose();
    await billing?.stop();
  });

  afterEach(() => expect(decisionErrors).toEqual([]));

  async function ask(who: Person | null, query: string, variables: Record<string, unknown>) {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(who ? { authorization: `Bearer ${who.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: any;
      errors?: { message: string; path?: unknown[]; extensions?: any }[];
    };
  }

  /** The invoices of a workspace through the gateway, and how many requests billing got for them. */
  async function invoicesThroughGateway(who: Person | null, workspaceId: string) {
    const before = billing.requests();
    const answer = await ask(who, INVOICES, { workspaceId });
    return { answer, billingRequests: billing.requests() - before };
  }

  /** The field denied by the gateway itself (whatever membership says of the rest of the operation). */
  function expectRefused(answer: Awaited<ReturnType<typeof ask>>) {
    expect(answer.data?.invoices ?? null).toBeNull();
    expect(answer.errors).toContainEqual(
      expect.objectContaining({
        message: 'Unauthorized field or type',
        path: ['invoices'],
        extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
      }),
    );
  }

  it('lets an organization ACCOUNTING read the invoices of every workspace', async () => {
    for (const workspace of [world.w1, world.w2]) {
      const { answer, billingRequests } = await invoicesThroughGateway(world.people.orgAccounting, workspace.id);
      expect(answer).toEqual({
        data: {
          workspace: { name: workspace.name },
          invoices: invoicesOf(workspace.id).map((i) => ({
            number: i.number,
            totalCents: i.totalCents,
            workspace: { id: workspace.id },
          })),
        },
      });
      expect(billingRequests).toBe(1);
    }
  });

  it('refuses a workspace MEMBER, and anyone without a token, before billing is asked', async () => {
    for (const who of [world.people.wsMember, null]) {
      const { answer, billingRequests } = await invoicesThroughGateway(who, world.w1.id);
      expectRefused(answer);
      expect(billingRequests).toBe(0);
    }
    // The rest of the operation is still answered: the member reads their workspace's name.
    const { answer } = await invoicesThroughGateway(world.people.wsMember, world.w1.id);
    expect(answer.data?.workspace).toEqual({ name: world.w1.name });
  });

  it('decides per workspace in billing through viewerPermissionKeys (@requires)', async () => {
    const query = `query($id: ID!) { organization(id: $id) { workspaces { id invoices { number } } } }`;
    const accounting = await ask(world.people.orgAccounting, query, { id: world.organization.id });
    expect(accounting.errors).toBeUndefined();
    expect(accounting.data.organization.workspaces).toEqual(
      expect.arrayContaining(
        [world.w1, world.w2].map((w) => ({ id: w.id, invoices: [{ number: 'INV-1' }, { number: 'INV-2' }] })),
      ),
    );
    const member = await ask(world.people.wsMember, query, { id: world.organization.id });
    expect(member.errors).toBeUndefined();
    expect(member.data.organization.workspaces).toEqual([{ id: world.w1.id, invoices: [] }]);
  });

  it('refuses the very next request once the ACCOUNTING person is removed', async () => {
    const clerk = await h.person('billing-clerk');
    await addMember(h, clerk, { kind: ScopeKind.ORGANIZATION, organizationId: world.organization.id }, Role.ACCOUNTING);
    const allowed = await invoicesThroughGateway(clerk, world.w2.id);
    expect(allowed.answer.errors).toBeUndefined();
    expect(allowed.answer.data.invoices).toHaveLength(2);

    const members = await h.run(
      `query($id: ID!) { organization(id: $id) { members(first: 100) { nodes { id user { id } } } } }`,
      { id: world.organization.id },
      world.people.orgAdmin,
    );
    const member = (members.data as any).organization.members.nodes.find((m: any) => m.user.id === clerk.sub);
    const removed = await h.run(
      `mutation($id: ID!) { removeMember(memberId: $id) }`,
      { id: member.id },
      world.people.orgAdmin,
    );
    expect(removed.errors).toBeUndefined();

    const refused = await invoicesThroughGateway(clerk, world.w2.id);
    expectRefused(refused.answer);
    expect(refused.billingRequests).toBe(0);
  });
});
