import { Membership } from '../../../entities/membership.entity';
import {
  ChangeMemberRoleDocument,
  LeaveOrganizationDocument,
  OrganizationBillingDocument,
  OrganizationDocument,
  RemoveMemberDocument,
  UpdateBillingProfileDocument,
  UpdateWorkspaceBillingDocument,
  WorkspaceBillingQueryDocument,
  WorkspaceDocument,
} from '../../generated/graphql';
import { createWorld, type World } from '../../support/factories';
import { errorCodes, type Person } from '../../support/harness';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';

describeOnEachDatabase('member management and billing', (kind) => {
  const h = useHarness(kind);

  const memberships = () => h.database.db.getRepository(Membership);
  const membershipOf = (person: Person, scopeId: string) =>
    memberships().findOneByOrFail({ userId: person.sub, scopeId });

  describe('roles and removal', () => {
    let world: World;
    beforeEach(async () => {
      world = await createWorld(h);
    });

    it('changes a role at the membership’s own scope', async () => {
      const target = await membershipOf(world.people.orgMember, world.organization.id);
      const result = await h.run(
        ChangeMemberRoleDocument,
        { input: { memberId: target.id, role: 'ACCOUNTING' } },
        world.people.orgAdmin,
      );
      expect(result.data?.changeMemberRole).toEqual({ id: target.id, role: 'ACCOUNTING', scope: 'ORGANIZATION' });
      const seen = await h.run(OrganizationDocument, { id: world.organization.id }, world.people.orgMember);
      expect(seen.data?.organization?.viewerRole).toBe('ACCOUNTING');
    });

    it('refuses a role the scope does not accept', async () => {
      const target = await membershipOf(world.people.wsMember, world.w1.id);
      const result = await h.run(
        ChangeMemberRoleDocument,
        { input: { memberId: target.id, role: 'ACCOUNTING' } },
        world.people.wsAdmin,
      );
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect((await membershipOf(world.people.wsMember, world.w1.id)).role).toBe('MEMBER');
    });

    it('keeps the last ADMIN: no demotion, removal or leaving', async () => {
      const admin = world.people.orgAdmin;
      const own = await membershipOf(admin, world.organization.id);
      expect(
        errorCodes(await h.run(ChangeMemberRoleDocument, { input: { memberId: own.id, role: 'MEMBER' } }, admin)),
      ).toEqual(['LAST_ADMIN']);
      expect(errorCodes(await h.run(RemoveMemberDocument, { memberId: own.id }, admin))).toEqual(['LAST_ADMIN']);
      expect(
        errorCodes(await h.run(LeaveOrganizationDocument, { organizationId: world.organization.id }, admin)),
      ).toEqual(['LAST_ADMIN']);
      expect((await membershipOf(admin, world.organization.id)).role).toBe('ADMIN');

      // With a second ADMIN, the first may step down.
      const other = await membershipOf(world.people.orgMember, world.organization.id);
      await h.run(ChangeMemberRoleDocument, { input: { memberId: other.id, role: 'ADMIN' } }, admin);
      expect(
        (await h.run(ChangeMemberRoleDocument, { input: { memberId: own.id, role: 'MEMBER' } }, admin)).errors,
      ).toBeUndefined();
    });

    it('removing an organization membership removes the person’s workspace and domain memberships there', async () => {
      const person = world.people.domainAdmin;
      const org = await membershipOf(person, world.organization.id);
      const result = await h.run(RemoveMemberDocument, { memberId: org.id }, world.people.orgAdmin);
      expect(result.data?.removeMember).toBe(org.id);
      expect(await memberships().countBy({ userId: person.sub, organizationId: world.organization.id })).toBe(0);
      // …and only there: the outsider's organization is untouched.
      expect(await memberships().countBy({ scopeId: world.otherOrganization.id })).toBe(1);
    });

    it('removing a workspace membership leaves the organization membership', async () => {
      const person = world.people.wsMember;
      const ws = await membershipOf(person, world.w1.id);
      await h.run(RemoveMemberDocument, { memberId: ws.id }, world.people.wsAdmin);
      expect(await memberships().countBy({ userId: person.sub, scopeId: world.w1.id })).toBe(0);
      expect((await membershipOf(person, world.organization.id)).role).toBe('MEMBER');
      expect(errorCodes(await h.run(WorkspaceDocument, { id: world.w1.id }, person))).toEqual(['NOT_FOUND']);
    });

    it('leaving takes the caller out of everything in the organization', async () => {
      const person = world.people.wsAdmin;
      const result = await h.run(LeaveOrganizationDocument, { organizationId: world.organization.id }, person);
      expect(result.data?.leaveOrganization).toBe(world.organization.id);
      expect(await memberships().countBy({ userId: person.sub, organizationId: world.organization.id })).toBe(0);
      expect(errorCodes(await h.run(OrganizationDocument, { id: world.organization.id }, person))).toEqual([
        'NOT_FOUND',
      ]);
      expect(
        errorCodes(await h.run(LeaveOrganizationDocument, { organizationId: world.organization.id }, person)),
      ).toEqual(['NOT_FOUND']);
    });

    it('unknown member ids are NOT_FOUND', async () => {
      for (const memberId of ['00000000-0000-4000-8000-000000000000', 'nope']) {
        expect(errorCodes(await h.run(RemoveMemberDocument, { memberId }, world.people.orgAdmin))).toEqual([
          'NOT_FOUND',
        ]);
      }
    });
  });

  describe('billing', () => {
    let world: World;
    beforeAll(async () => {
      world = await createWorld(h);
    });

    const profile = async (who: Person) =>
      (await h.run(OrganizationBillingDocument, { id: world.organization.id }, who)).data?.organization?.billingProfile;

    it('starts empty, takes partial updates, clears with null, and is shared by ADMIN and ACCOUNTING', async () => {
      expect(await profile(world.people.orgAdmin)).toMatchObject({ legalName: null, country: null, updatedAt: null });
      const first = await h.run(
        UpdateBillingProfileDocument,
        {
          organizationId: world.organization.id,
          input: {
            legalName: ' Acme SAS ',
            billingEmail: 'Billing@Acme.TEST',
            country: 'fr',
            vatNumber: 'fr 12 345678901',
            city: 'Lyon',
          },
        },
        world.people.orgAccounting,
      );
      expect(first.errors).toBeUndefined();
      expect(first.data?.updateBillingProfile).toMatchObject({
        legalName: 'Acme SAS',
        billingEmail: 'billing@acme.test',
        country: 'FR',
        vatNumber: 'FR12345678901',
        city: 'Lyon',
      });
      await h.run(
        UpdateBillingProfileDocument,
        { organizationId: world.organization.id, input: { city: null, postalCode: '69001' } },
        world.people.orgAdmin,
      );
      expect(await profile(world.people.orgAccounting)).toMatchObject({
        legalName: 'Acme SAS',
        city: null,
        postalCode: '69001',
        country: 'FR',
      });
    });

    it('refuses bad billing input and changes nothing', async () => {
      const before = await profile(world.people.orgAdmin);
      const bad = [
        { country: 'XX' },
        { country: 'FRA' },
        { billingEmail: 'nope' },
        { legalName: 'x'.repeat(201) },
        { postalCode: '<script>' },
        { vatNumber: 'FR-12/34' },
      ];
      for (const input of bad) {
        const result = await h.run(
          UpdateBillingProfileDocument,
          { organizationId: world.organization.id, input },
          world.people.orgAdmin,
        );
        expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors?.[0].extensions?.field).toBe(Object.keys(input)[0]);
      }
      expect(await profile(world.people.orgAdmin)).toEqual(before);
    });

    it('workspace billing for organization ADMIN and ACCOUNTING only', async () => {
      const update = await h.run(
        UpdateWorkspaceBillingDocument,
        { workspaceId: world.w1.id, input: { purchaseOrderNumber: 'PO-1', costCenter: 'R&D' } },
        world.people.orgAccounting,
      );
      expect(update.data?.updateWorkspaceBilling).toMatchObject({
        purchaseOrderNumber: 'PO-1',
        costCenter: 'R&D',
        billingEmail: null,
      });
      const read = await h.run(WorkspaceBillingQueryDocument, { id: world.w1.id }, world.people.orgAdmin);
      expect(read.data?.workspace?.billing?.purchaseOrderNumber).toBe('PO-1');
      const denied = await h.run(WorkspaceBillingQueryDocument, { id: world.w1.id }, world.people.wsAdmin);
      expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
      expect(denied.data?.workspace).toEqual({ id: world.w1.id, billing: null });
    });
  });
});
