import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { withOrganizationLock } from '../../../src/db/transaction';
import { Membership } from '../../../entities/membership.entity';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import { createWorld, signIn, PERSONAS, type Persona, type World } from '../../support/factories';
import type { Harness, OperationResult, Person } from '../../support/harness';

/**
 * The permission matrix of custom roles and declared keys (docs/domain-rules.md §18), written out
 * by hand like test/api/permission-matrix.test.ts: the role operations × every persona, and two
 * custom-role holders × the operations their keys open or do not.
 *
 * - auditor: organization MEMBER-based role adding READ_AUDIT_LOG at ORGANIZATION and READ_BILLING
 *   and invoices:read (declared) at WORKSPACE — held at the organization.
 * - inviter: workspace W1 MEMBER-based role adding INVITE_MEMBERS at WORKSPACE and sites:deploy
 *   (declared) at DOMAIN — held at W1.
 */
type Outcome = 'ok' | 'UNAUTHENTICATED' | 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_USER_INPUT';
const U = 'UNAUTHENTICATED';
const N = 'NOT_FOUND';
const F = 'FORBIDDEN';

const folder = mkdtempSync(join(tmpdir(), 'matrix-permissions-'));
const PERMISSIONS_FILE = join(folder, 'permissions.json');
writeFileSync(
  PERMISSIONS_FILE,
  JSON.stringify([
    { key: 'invoices:read', scopes: ['ORGANIZATION', 'WORKSPACE'], roles: ['ADMIN', 'ACCOUNTING'] },
    { key: 'sites:deploy', scopes: ['WORKSPACE', 'DOMAIN'], roles: ['ADMIN'] },
  ]),
);

interface RoleWorld extends World {
  auditor: Person;
  inviter: Person;
  /** A role of the organization held by nobody, for the update and delete rows. */
  spareRoleId: string;
}

const CREATE = `mutation($input: CreateCustomRoleInput!) { createCustomRole(input: $input) { id } }`;

async function holdCustomRole(h: Harness, w: World, person: Person, scope: 'organization' | 'w1', roleId: string) {
  await signIn(h, person);
  const scopeId = scope === 'organization' ? w.organization.id : w.w1.id;
  await withOrganizationLock(
    h.database.db,
    w.organization.id,
    async (em) => {
      const { newMembership } = await import('../../../src/services/memberships/membership-grants');
      const { insertMemberships } = await import('../../../src/db/membership-rows');
      const ref =
        scope === 'organization'
          ? ({ kind: ScopeKind.ORGANIZATION, organizationId: w.organization.id } as const)
          : ({ kind: ScopeKind.WORKSPACE, organizationId: w.organization.id, workspaceId: w.w1.id } as const);
      const user = { id: person.sub, email: person.email, displayName: person.name };
      const rows = [newMembership(user, ref, Role.MEMBER, h.config.clock.now())];
      if (scope !== 'organization') {
        rows.unshift(
          newMembership(
            user,
            { kind: ScopeKind.ORGANIZATION, organizationId: w.organization.id },
            Role.MEMBER,
            h.config.clock.now(),
          ),
        );
      }
      rows[rows.length - 1].customRoleId = roleId;
      await insertMemberships(em, rows);
    },
    () => new Error('no organization'),
  );
  expect(await h.database.db.getRepository(Membership).countBy({ userId: person.sub, scopeId })).toBe(1);
}

async function roleWorld(h: Harness): Promise<RoleWorld> {
  const w = await createWorld(h);
  const admin = w.people.orgAdmin;
  const make = async (name: string, grants: { scope: string; keys: string[] }[]) => {
    const made = await h.run(CREATE, { input: { organizationId: w.organization.id, name, grants } }, admin);
    if (made.errors) throw new Error(JSON.stringify(made.errors));
    return (made.data as any).createCustomRole.id as string;
  };
  const auditorRole = await make('Auditor', [
    { scope: 'ORGANIZATION', keys: ['READ_AUDIT_LOG'] },
    { scope: 'WORKSPACE', keys: ['READ_BILLING', 'invoices:read'] },
  ]);
  const inviterRole = await make('Inviter', [
    { scope: 'WORKSPACE', keys: ['INVITE_MEMBERS'] },
    { scope: 'DOMAIN', keys: ['sites:deploy'] },
  ]);
  const spareRoleId = await make('Spare', []);
  const auditor = await h.person('auditor');
  const inviter = await h.person('inviter');
  await holdCustomRole(h, w, auditor, 'organization', auditorRole);
  await holdCustomRole(h, w, inviter, 'w1', inviterRole);
  return { ...w, auditor, inviter, spareRoleId };
}

function outcome(result: OperationResult<unknown>): Outcome {
  return ((result.errors?.[0]?.extensions?.code as Outcome | undefined) ?? 'ok') as Outcome;
}

type Who = Persona | 'auditor' | 'inviter';
const as = (w: RoleWorld, who: Who): Person | null =>
  who === 'auditor' ? w.auditor : who === 'inviter' ? w.inviter : w.as(who);
type Run = (h: Harness, w: RoleWorld, who: Who) => Promise<OperationResult<unknown>>;

const keysOf =
  (kind: 'workspace' | 'domain', id: (w: RoleWorld) => string, key: string): Run =>
  async (h, w, who) => {
    const result = await h.run(
      `query($id: ID!) { ${kind}(id: $id) { viewerPermissionKeys } }`,
      { id: id(w) },
      as(w, who),
    );
    if (result.errors) return result;
    const keys = (result.data as any)[kind].viewerPermissionKeys as string[];
    // A key not held reads as FORBIDDEN here, so that the table shows who holds it.
    return keys.includes(key) ? result : { data: null, errors: [{ message: 'no key', extensions: { code: F } }] };
  };

const READS: Record<string, { run: Run; row: Outcome[]; auditor: Outcome; inviter: Outcome }> = {
  //                                      anon  outsider orgAdmin orgAcct orgMember wsAdmin wsMember domAdmin domMember
  'Organization.customRoles': {
    run: (h, w, who) =>
      h.run(
        `query($id: ID!) { organization(id: $id) { customRoles { id name holders } } }`,
        { id: w.organization.id },
        as(w, who),
      ),
    row: [U, N, 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'],
    auditor: 'ok',
    inviter: 'ok',
  },
  'Query.permissions': {
    run: (h, w, who) => h.run('{ permissions { key } }', {}, as(w, who)),
    row: [U, 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'],
    auditor: 'ok',
    inviter: 'ok',
  },
  'Organization.auditLog': {
    run: (h, w, who) =>
      h.run(
        `query($id: ID!) { organization(id: $id) { auditLog(first: 1) { nodes { id } } } }`,
        { id: w.organization.id },
        as(w, who),
      ),
    row: [U, N, 'ok', F, F, F, F, F, F],
    auditor: 'ok',
    inviter: F,
  },
  'workspace W2 (a key there lets them see it)': {
    run: (h, w, who) => h.run(`query($id: ID!) { workspace(id: $id) { name } }`, { id: w.w2.id }, as(w, who)),
    row: [U, N, 'ok', 'ok', N, N, N, N, N],
    auditor: 'ok',
    inviter: N,
  },
  'Workspace.billing W2': {
    run: (h, w, who) =>
      h.run(`query($id: ID!) { workspace(id: $id) { billing { billingEmail } } }`, { id: w.w2.id }, as(w, who)),
    row: [U, N, 'ok', 'ok', N, N, N, N, N],
    auditor: 'ok',
    inviter: N,
  },
  'Workspace.members W2': {
    run: (h, w, who) =>
      h.run(`query($id: ID!) { workspace(id: $id) { members { nodes { id } } } }`, { id: w.w2.id }, as(w, who)),
    row: [U, N, 'ok', F, N, N, N, N, N],
    auditor: F,
    inviter: N,
  },
  'invoices:read (declared) at W1': {
    run: keysOf('workspace', (w) => w.w1.id, 'invoices:read'),
    row: [U, N, 'ok', 'ok', N, 'ok', F, F, F],
    auditor: 'ok',
    inviter: F,
  },
  'sites:deploy (declared) at D1': {
    run: keysOf('domain', (w) => w.d1.id, 'sites:deploy'),
    row: [U, N, 'ok', N, N, 'ok', F, 'ok', F],
    auditor: N,
    inviter: 'ok',
  },
};

const WRITES: Record<
  string,
  {
    run: Run;
    row: Outcome[];
    auditor: Outcome;
    inviter: Outcome;
    happened: (h: Harness, w: RoleWorld) => Promise<boolean>;
  }
> = {
  createCustomRole: {
    run: (h, w, who) =>
      h.run(CREATE, { input: { organizationId: w.organization.id, name: 'New role', grants: [] } }, as(w, who)),
    row: [U, N, 'ok', F, F, F, F, F, F],
    auditor: F,
    inviter: F,
    happened: async (h, w) =>
      Number(
        (
          await h.database.db.query(
            "SELECT COUNT(*) AS n FROM custom_roles WHERE organization_id = ? AND name = 'New role'",
            [w.organization.id],
          )
        )[0].n,
      ) === 1,
  },
  updateCustomRole: {
    run: (h, w, who) =>
      h.run(
        `mutation($id: ID!) { updateCustomRole(id: $id, input: { name: "Renamed" }) { id } }`,
        { id: w.spareRoleId },
        as(w, who),
      ),
    // A role exists for those who read its organization's members.
    row: [U, N, 'ok', F, F, F, F, F, F],
    auditor: F,
    inviter: F,
    happened: async (h, w) =>
      (await h.database.db.query('SELECT name FROM custom_roles WHERE id = ?', [w.spareRoleId]))[0]?.name === 'Renamed',
  },
  deleteCustomRole: {
    run: (h, w, who) => h.run(`mutation($id: ID!) { deleteCustomRole(id: $id) }`, { id: w.spareRoleId }, as(w, who)),
    row: [U, N, 'ok', F, F, F, F, F, F],
    auditor: F,
    inviter: F,
    happened: async (h, w) =>
      (await h.database.db.query('SELECT id FROM custom_roles WHERE id = ?', [w.spareRoleId])).length === 0,
  },
  'inviteMember W1 (INVITE_MEMBERS from a custom role)': {
    run: (h, w, who) =>
      h.run(
        `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { id } }`,
        { input: { scope: { workspaceId: w.w1.id }, email: 'matrix-invitee@example.test' } },
        as(w, who),
      ),
    row: [U, N, 'ok', F, N, 'ok', F, F, F],
    auditor: F,
    inviter: 'ok',
    happened: async (h, w) =>
      (
        await h.database.db.query(
          "SELECT id FROM invitations WHERE scope_id = ? AND email = 'matrix-invitee@example.test'",
          [w.w1.id],
        )
      ).length === 1,
  },
  'inviteMember W1 with a custom role (an ADMIN only)': {
    run: (h, w, who) =>
      h.run(
        `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { id } }`,
        {
          input: { scope: { workspaceId: w.w1.id }, email: 'matrix-custom@example.test', customRoleId: w.spareRoleId },
        },
        as(w, who),
      ),
    row: [U, N, 'ok', F, N, 'ok', F, F, F],
    auditor: F,
    inviter: F,
    happened: async (h, w) =>
      (
        await h.database.db.query(
          "SELECT id FROM invitations WHERE scope_id = ? AND email = 'matrix-custom@example.test'",
          [w.w1.id],
        )
      ).length === 1,
  },
};

const WHO: Who[] = [...PERSONAS, 'auditor', 'inviter'];
const cases = <T extends { row: Outcome[]; auditor: Outcome; inviter: Outcome }>(table: Record<string, T>) =>
  Object.entries(table).flatMap(([op, entry]) =>
    WHO.map((who, i) => [op, who, i < PERSONAS.length ? entry.row[i] : entry[who as 'auditor' | 'inviter']] as const),
  );

describeOnEachDatabase('custom roles and declared keys: the permission matrix', (kind) => {
  const h = useHarness(kind, { PERMISSIONS_FILE });

  describe('reads', () => {
    let world: RoleWorld;
    beforeAll(async () => {
      world = await roleWorld(h);
    });
    it.each(cases(READS))('%s as %s → %s', async (op, who, expected) => {
      expect(outcome(await READS[op].run(h, world, who))).toBe(expected);
    });
  });

  describe('writes (a fresh world for each case)', () => {
    it.each(cases(WRITES))('%s as %s → %s', async (op, who, expected) => {
      const world = await roleWorld(h);
      const result = await WRITES[op].run(h, world, who);
      expect(outcome(result)).toBe(expected);
      // A refused write changes nothing.
      expect(await WRITES[op].happened(h, world)).toBe(expected === 'ok');
    });
  });
});
