import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { Role, ScopeKind } from '../../src/domain/enums';
import { addMember, createWorld, invite, scopeInput, type World } from '../support/factories';
import { createHarness, type Harness } from '../support/harness';
import { describeOnEachDatabase } from '../support/each-database';

/**
 * Property-based: arbitrary input to every mutation either succeeds or is refused with one of the
 * service's codes — never INTERNAL_SERVER_ERROR — and a refused call changes nothing at all.
 */
const TABLES = [
  'users',
  'organizations',
  'workspaces',
  'domains',
  'memberships',
  'invitations',
  'outbox_emails',
  'billing_profiles',
  'workspace_billings',
];
const REFUSALS = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'ALREADY_MEMBER',
  'INVITATION_PENDING',
  'INVITATION_NOT_PENDING',
  'INVITATION_EXPIRED',
  'EMAIL_MISMATCH',
  'LAST_ADMIN',
  'RATE_LIMITED',
];

async function snapshot(db: DataSource): Promise<string> {
  const parts: unknown[] = [];
  for (const table of TABLES) {
    const rows: Record<string, unknown>[] = await db.query(`SELECT * FROM ${table}`);
    parts.push(rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort());
  }
  return JSON.stringify(parts);
}

const HOSTILE = [
  "'; DROP TABLE users;--",
  '<script>x</script>',
  '\u0000',
  '🦄'.repeat(60),
  'a'.repeat(300),
  ' ',
  '%_!',
  '../../etc/passwd',
];
const text = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ minLength: 95, maxLength: 300 }),
  fc.constantFrom(...HOSTILE),
  fc.domain(),
  fc.emailAddress(),
);
const nullableText = fc.option(text, { nil: null });

/** Every mutation of the contract. */
const MUTATIONS = [
  'createOrganization',
  'updateOrganization',
  'createWorkspace',
  'updateWorkspace',
  'createDomain',
  'updateDomain',
  'deleteOrganization',
  'deleteWorkspace',
  'deleteDomain',
  'inviteMember',
  'resendInvitation',
  'revokeInvitation',
  'acceptInvitation',
  'declineInvitation',
  'changeMemberRole',
  'removeMember',
  'leaveOrganization',
  'updateBillingProfile',
  'updateWorkspaceBilling',
];

describeOnEachDatabase('mutations under arbitrary input', (kind) => {
  let h: Harness;
  let world: World;
  let pendingToken: string;
  let pendingId: string;
  let memberIds: string[];

  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  // Each property gets a world of its own: what one property deletes or answers, no other sees.
  beforeEach(async () => {
    world = await createWorld(h);
    const pending = await invite(h, world.people.orgAdmin, scopeInput.workspace(world), 'pending@example.test');
    pendingToken = pending.token;
    pendingId = pending.invitation.id;
    await addMember(
      h,
      await h.person('spare'),
      { kind: ScopeKind.ORGANIZATION, organizationId: world.organization.id },
      Role.MEMBER,
    );
    memberIds = (
      await h.database.db.query('SELECT id FROM memberships WHERE organization_id = ?', [world.organization.id])
    ).map((r: { id: string }) => r.id);
  }, 60_000);

  /** Ids that exist, that exist elsewhere, that could exist, and that could not. */
  const anyId = () =>
    fc.oneof(
      fc.constantFrom(
        world.organization.id,
        world.w1.id,
        world.w2.id,
        world.d1.id,
        world.d1b.id,
        world.otherOrganization.id,
        pendingId,
        ...memberIds,
      ),
      fc.uuid(),
      text,
    );

  async function check(query: string, variables: Record<string, unknown>, who = world.people.orgAdmin) {
    const before = await snapshot(h.database.db);
    const result = await h.run(query, variables, who);
    const codes = (result.errors ?? []).map((e) => String(e.extensions?.code));
    expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
    for (const code of codes) expect(REFUSALS).toContain(code);
    if (codes.length > 0) expect(await snapshot(h.database.db)).toBe(before);
  }

  const runs = { numRuns: kind === 'sqlite' ? 40 : 20 };
  const scope = () =>
    fc.oneof(
      fc.record({ organizationId: anyId() }),
      fc.record({ workspaceId: anyId() }),
      fc.record({ domainId: anyId() }),
      fc.record({ organizationId: anyId(), domainId: anyId() }),
      fc.constant({}),
    );
  const role = fc.constantFrom('ADMIN', 'ACCOUNTING', 'MEMBER');

  /** Built when a test runs: the arbitraries draw from that test's own world (once a run deletes part of it, later runs meet its absence). */
  const properties = (): [string, fc.Arbitrary<Record<string, unknown>>, string][] => [
    [
      'createOrganization',
      fc.record({ name: text }),
      'mutation($name: String!) { createOrganization(input: { name: $name }) { id name } }',
    ],
    [
      'updateOrganization',
      fc.record({ id: anyId(), name: nullableText }),
      'mutation($id: ID!, $name: String) { updateOrganization(id: $id, input: { name: $name }) { id } }',
    ],
    [
      'createWorkspace',
      fc.record({ id: anyId(), name: text }),
      'mutation($id: ID!, $name: String!) { createWorkspace(input: { organizationId: $id, name: $name }) { id } }',
    ],
    [
      'updateWorkspace',
      fc.record({ id: anyId(), name: nullableText }),
      'mutation($id: ID!, $name: String) { updateWorkspace(id: $id, input: { name: $name }) { id } }',
    ],
    [
      'createDomain',
      fc.record({ id: anyId(), hostname: text }),
      'mutation($id: ID!, $hostname: String!) { createDomain(input: { workspaceId: $id, hostname: $hostname }) { id } }',
    ],
    [
      'updateDomain',
      fc.record({ id: anyId(), hostname: nullableText }),
      'mutation($id: ID!, $hostname: String) { updateDomain(id: $id, input: { hostname: $hostname }) { id } }',
    ],
    ['deleteOrganization', fc.record({ id: anyId() }), 'mutation($id: ID!) { deleteOrganization(id: $id) }'],
    ['deleteWorkspace', fc.record({ id: anyId() }), 'mutation($id: ID!) { deleteWorkspace(id: $id) }'],
    ['deleteDomain', fc.record({ id: anyId() }), 'mutation($id: ID!) { deleteDomain(id: $id) }'],
    [
      'inviteMember',
      fc.record({ scope: scope(), email: text, role }),
      'mutation($scope: ScopeInput!, $email: String!, $role: Role!) { inviteMember(input: { scope: $scope, email: $email, role: $role }) { id } }',
    ],
    ['resendInvitation', fc.record({ id: anyId() }), 'mutation($id: ID!) { resendInvitation(id: $id) { id } }'],
    ['revokeInvitation', fc.record({ id: anyId() }), 'mutation($id: ID!) { revokeInvitation(id: $id) { id } }'],
    [
      'acceptInvitation',
      fc.record({
        token: fc.option(fc.oneof(text, fc.constant(pendingToken)), { nil: null }),
        invitationId: fc.option(anyId(), { nil: null }),
      }),
      'mutation($token: String, $invitationId: ID) { acceptInvitation(input: { token: $token, invitationId: $invitationId }) { id } }',
    ],
    [
      'declineInvitation',
      fc.record({ token: fc.option(text, { nil: null }), invitationId: fc.option(anyId(), { nil: null }) }),
      'mutation($token: String, $invitationId: ID) { declineInvitation(input: { token: $token, invitationId: $invitationId }) { id } }',
    ],
    [
      'changeMemberRole',
      fc.record({ id: anyId(), role }),
      'mutation($id: ID!, $role: Role!) { changeMemberRole(input: { memberId: $id, role: $role }) { id } }',
    ],
    ['removeMember', fc.record({ id: anyId() }), 'mutation($id: ID!) { removeMember(memberId: $id) }'],
    ['leaveOrganization', fc.record({ id: anyId() }), 'mutation($id: ID!) { leaveOrganization(organizationId: $id) }'],
    [
      'updateBillingProfile',
      fc.record({
        id: anyId(),
        input: fc.record(
          {
            legalName: nullableText,
            billingEmail: nullableText,
            addressLine1: nullableText,
            addressLine2: nullableText,
            postalCode: nullableText,
            city: nullableText,
            country: nullableText,
            vatNumber: nullableText,
          },
          { requiredKeys: [] },
        ),
      }),
      'mutation($id: ID!, $input: BillingProfileInput!) { updateBillingProfile(organizationId: $id, input: $input) { updatedAt } }',
    ],
    [
      'updateWorkspaceBilling',
      fc.record({
        id: anyId(),
        input: fc.record(
          { billingEmail: nullableText, purchaseOrderNumber: nullableText, costCenter: nullableText },
          { requiredKeys: [] },
        ),
      }),
      'mutation($id: ID!, $input: WorkspaceBillingInput!) { updateWorkspaceBilling(workspaceId: $id, input: $input) { updatedAt } }',
    ],
  ];

  it.each(MUTATIONS)('%s', async (name) => {
    const all = properties();
    expect(all.map(([n]) => n)).toEqual(MUTATIONS);
    const [, arbitrary, query] = all.find(([n]) => n === name)!;
    await fc.assert(
      fc.asyncProperty(arbitrary, async (variables) => check(query, variables)),
      runs,
    );
  });
});
