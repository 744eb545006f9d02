import { AuditAction } from '../../../src/domain/enums';
import { describeOnEachDatabase, useHarness, useWorld } from '../../support/each-database';
import { queuedToken } from '../../support/factories';
import { errorCodes, type Harness, type Person } from '../../support/harness';

/**
 * Custom roles (docs/domain-rules.md §18): defined by an organization ADMIN, given by an effective
 * ADMIN of the scope, read on every request, and moved as a whole when deleted.
 */

const CREATE = `mutation($input: CreateCustomRoleInput!) {
  createCustomRole(input: $input) { id name description baseRole grants { scope keys } holders } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateCustomRoleInput!) { updateCustomRole(id: $id, input: $input) { id name grants { scope keys } } }`;
const DELETE = `mutation($id: ID!, $reassign: ReassignCustomRoleInput) { deleteCustomRole(id: $id, reassign: $reassign) }`;
const CHANGE = `mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { id role customRole { name } } }`;
const MEMBERS = `query($id: ID!) { organization(id: $id) {
  customRoles { id name holders }
  members(first: 100) { nodes { id role user { id } customRole { id name } viewerCan { assignableCustomRoles { name } } } } } }`;

async function memberId(h: Harness, admin: Person, organizationId: string, person: Person): Promise<string> {
  const result = await h.run(MEMBERS, { id: organizationId }, admin);
  return (result.data as any).organization.members.nodes.find((m: any) => m.user.id === person.sub).id;
}

async function roleCount(h: Harness, organizationId: string): Promise<number> {
  const [row] = await h.database.db.query('SELECT COUNT(*) AS n FROM custom_roles WHERE organization_id = ?', [
    organizationId,
  ]);
  return Number(row.n);
}

describeOnEachDatabase('custom roles', (kind) => {
  const h = useHarness(kind);
  const world = useWorld(h);

  it('are defined by MANAGE_ROLES only, with bad input refused by field and nothing written', async () => {
    const { orgAdmin, orgAccounting, wsAdmin, outsider } = world.people;
    const organizationId = world.organization.id;
    const input = (extra: object) => ({
      organizationId,
      name: 'Auditor',
      grants: [{ scope: 'ORGANIZATION', keys: ['READ_AUDIT_LOG'] }],
      ...extra,
    });
    for (const who of [orgAccounting, wsAdmin, outsider]) {
      const refused = await h.run(CREATE, { input: input({}) }, who);
      expect(errorCodes(refused)).toEqual([who === outsider ? 'NOT_FOUND' : 'FORBIDDEN']);
    }
    const created = await h.run(CREATE, { input: input({ description: 'Reads the log' }) }, orgAdmin);
    expect((created.data as any).createCustomRole).toMatchObject({
      name: 'Auditor',
      baseRole: 'MEMBER',
      grants: [{ scope: 'ORGANIZATION', keys: ['READ_AUDIT_LOG'] }],
      holders: 0,
    });
    const before = await roleCount(h, organizationId);
    const bad: [object, string][] = [
      [{ name: 'auditor' }, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(65) }, 'name'],
      [{ name: 'Other', baseRole: 'ADMIN' }, 'baseRole'],
      [{ name: 'Other', grants: [{ scope: 'WORKSPACE', keys: ['CREATE_WORKSPACE'] }] }, 'grants'],
      [{ name: 'Other', grants: [{ scope: 'ORGANIZATION', keys: ['invoices:read'] }] }, 'grants'],
      [{ name: 'Other', description: 'd'.repeat(501) }, 'description'],
    ];
    for (const [extra, field] of bad) {
      const refused = await h.run(CREATE, { input: input(extra) }, orgAdmin);
      expect({ extra, codes: errorCodes(refused), field: refused.errors?.[0].extensions?.field }).toEqual({
        extra,
        codes: ['BAD_USER_INPUT'],
        field,
      });
    }
    expect(await roleCount(h, organizationId)).toBe(before);
  });

  it('refuse a 51st role', async () => {
    const admin = await h.person('many-roles-admin');
    const organization = (
      (await h.run('mutation { createOrganization(input: { name: "Many" }) { id } }', {}, admin)).data as any
    ).createOrganization;
    for (let i = 0; i < 50; i++) {
      const made = await h.run(
        CREATE,
        { input: { organizationId: organization.id, name: `Role ${i}`, grants: [] } },
        admin,
      );
      expect(made.errors).toBeUndefined();
    }
    const refused = await h.run(
      CREATE,
      { input: { organizationId: organization.id, name: 'Role 50', grants: [] } },
      admin,
    );
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors?.[0].extensions?.field).toBe('organizationId');
    expect(await roleCount(h, organization.id)).toBe(50);
  });

  it('give their base role plus their keys, here and below; an edit bites on the next request; only an ADMIN gives them', async () => {
    const { orgAdmin, orgMember, wsAdmin, wsMember, orgAccounting } = world.people;
    const organizationId = world.organization.id;
    const role = (
      (
        await h.run(
          CREATE,
          {
            input: {
              organizationId,
              name: 'Billing viewer',
              grants: [
                { scope: 'ORGANIZATION', keys: ['READ_BILLING'] },
                { scope: 'WORKSPACE', keys: ['READ_BILLING'] },
              ],
            },
          },
          orgAdmin,
        )
      ).data as any
    ).createCustomRole;
    const target = await memberId(h, orgAdmin, organizationId, orgMember);
    // ACCOUNTING may read members but not give roles; nobody outside the organization finds the role.
    expect(
      errorCodes(
        await h.run(CHANGE, { input: { memberId: target, role: 'MEMBER', customRoleId: role.id } }, orgAccounting),
      ),
    ).toEqual(['FORBIDDEN']);
    const changed = await h.run(
      CHANGE,
      { input: { memberId: target, role: 'MEMBER', customRoleId: role.id } },
      orgAdmin,
    );
    expect((changed.data as any).changeMemberRole).toMatchObject({
      role: 'MEMBER',
      customRole: { name: 'Billing viewer' },
    });

    const standing = `query($o: ID!, $w: ID!) {
      organization(id: $o) { viewerPermissions viewerPermissionKeys }
      workspace(id: $w) { name viewerRole viewerPermissions } }`;
    const seen = (await h.run(standing, { o: organizationId, w: world.w2.id }, orgMember)).data as any;
    expect(seen.organization.viewerPermissions).toEqual(['READ', 'READ_MEMBERS', 'READ_BILLING']);
    // No role in W2, but a key there: they see it (its name) and hold READ_BILLING.
    expect(seen.workspace).toEqual({ name: 'W2', viewerRole: null, viewerPermissions: ['READ', 'READ_BILLING'] });
    const billing = await h.run(
      `query($w: ID!) { workspace(id: $w) { billing { billingEmail } } }`,
      { w: world.w2.id },
      orgMember,
    );
    expect(billing.errors).toBeUndefined();

    // Edited: the keys are gone on the holder's next request.
    await h.run(
      UPDATE,
      { id: role.id, input: { grants: [{ scope: 'ORGANIZATION', keys: ['READ_BILLING'] }] } },
      orgAdmin,
    );
    const after = await h.run(`query($w: ID!) { workspace(id: $w) { name } }`, { w: world.w2.id }, orgMember);
    expect(errorCodes(after)).toEqual(['NOT_FOUND']);

    // A workspace ADMIN gives it in their workspace; a MEMBER with INVITE_MEMBERS could not.
    const inWorkspace = await h.run(
      `query($id: ID!) { workspace(id: $id) { members(first: 50) { nodes { id user { id } } } } }`,
      { id: world.w1.id },
      wsAdmin,
    );
    const wsMemberId = (inWorkspace.data as any).workspace.members.nodes.find(
      (m: any) => m.user.id === wsMember.sub,
    ).id;
    const given = await h.run(
      CHANGE,
      { input: { memberId: wsMemberId, role: 'MEMBER', customRoleId: role.id } },
      wsAdmin,
    );
    expect((given.data as any).changeMemberRole.customRole).toEqual({ name: 'Billing viewer' });

    // The members list names it, and offers the roles to an ADMIN.
    const list = (await h.run(MEMBERS, { id: organizationId }, orgAdmin)).data as any;
    const row = list.organization.members.nodes.find((m: any) => m.user.id === orgMember.sub);
    expect(row.customRole.name).toBe('Billing viewer');
    expect(list.organization.customRoles.find((r: any) => r.id === role.id).holders).toBe(2);
    const offered = list.organization.members.nodes.find((m: any) => m.user.id === orgAccounting.sub);
    expect(offered.viewerCan.assignableCustomRoles.map((r: any) => r.name)).toContain('Billing viewer');
  });

  it('travel with an invitation, are refused from another organization, and are deleted only with somewhere to go', async () => {
    const { orgAdmin, outsider } = world.people;
    const organizationId = world.organization.id;
    const make = async (name: string, organization = organizationId, who = orgAdmin) =>
      ((await h.run(CREATE, { input: { organizationId: organization, name, grants: [] } }, who)).data as any)
        .createCustomRole;
    const support = await make('Support');
    const foreign = await make('Foreign', world.otherOrganization.id, outsider);

    const invitee = await h.person('invitee');
    const invite = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { id role customRole { name } } }`;
    const refused = await h.run(
      invite,
      { input: { scope: { organizationId }, email: invitee.email, customRoleId: foreign.id } },
      orgAdmin,
    );
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors?.[0].extensions?.field).toBe('customRoleId');
    const invited = (
      (
        await h.run(
          invite,
          { input: { scope: { organizationId }, email: invitee.email, customRoleId: support.id } },
          orgAdmin,
        )
      ).data as any
    ).inviteMember;
    expect(invited).toMatchObject({ role: 'MEMBER', customRole: { name: 'Support' } });
    const token = await queuedToken(h, invited.id);
    const accepted = await h.run(
      `mutation($token: String!) { acceptInvitation(input: { token: $token }) { role customRole { name } } }`,
      { token },
      invitee,
    );
    expect((accepted.data as any).acceptInvitation).toEqual({ role: 'MEMBER', customRole: { name: 'Support' } });

    // Held: ROLE_IN_USE, nothing changes; reassigned to the base role: the holder keeps MEMBER, no custom role.
    const inUse = await h.run(DELETE, { id: support.id }, orgAdmin);
    expect(errorCodes(inUse)).toEqual(['ROLE_IN_USE']);
    const wrongTarget = await h.run(DELETE, { id: support.id, reassign: { customRoleId: foreign.id } }, orgAdmin);
    expect(errorCodes(wrongTarget)).toEqual(['BAD_USER_INPUT']);
    const deleted = await h.run(DELETE, { id: support.id, reassign: { customRoleId: null } }, orgAdmin);
    expect((deleted.data as any).deleteCustomRole).toBe(support.id);
    const list = (await h.run(MEMBERS, { id: organizationId }, orgAdmin)).data as any;
    expect(list.organization.members.nodes.find((m: any) => m.user.id === invitee.sub)).toMatchObject({
      role: 'MEMBER',
      customRole: null,
    });
    expect(list.organization.customRoles.map((r: any) => r.name)).not.toContain('Support');

    const log = await h.run(
      `query($id: ID!) { organization(id: $id) { auditLog(first: 100) { nodes { action customRole } } } }`,
      { id: organizationId },
      orgAdmin,
    );
    const events = (log.data as any).organization.auditLog.nodes.filter((e: any) => e.customRole === 'Support');
    expect(events.map((e: any) => e.action)).toEqual(
      expect.arrayContaining([AuditAction.ROLE_CREATED, AuditAction.ROLE_DELETED, AuditAction.MEMBER_ADDED]),
    );
  });
});
