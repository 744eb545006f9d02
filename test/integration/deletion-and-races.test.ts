import { In } from 'typeorm';
import { Domain } from '../../entities/domain.entity';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import { Workspace } from '../../entities/workspace.entity';
import {
  CreateDomainDocument,
  DeleteDomainDocument,
  DeleteOrganizationDocument,
  DeleteWorkspaceDocument,
} from '../generated/graphql';
import { createWorld, type World } from '../support/factories';
import { errorCodes } from '../support/harness';
import { describeOnEachDatabase, useHarness } from '../support/each-database';

describeOnEachDatabase('deletion and races', (kind) => {
  const h = useHarness(kind);

  const count = (entity: typeof Membership | typeof Domain | typeof Workspace | typeof Organization, where: object) =>
    h.database.db.getRepository(entity).countBy(where as never);

  const memberIds = (world: World) => Object.values(world.people).map((p) => p.sub);

  it('deleting an organization removes its workspaces, domains and memberships, and nothing of others', async () => {
    const world = await createWorld(h);
    const other = await createWorld(h);
    const result = await h.run(DeleteOrganizationDocument, { id: world.organization.id }, world.people.orgAdmin);
    expect(result.data?.deleteOrganization).toBe(world.organization.id);
    expect(await count(Organization, { id: world.organization.id })).toBe(0);
    expect(await count(Workspace, { organizationId: world.organization.id })).toBe(0);
    expect(await count(Domain, { organizationId: world.organization.id })).toBe(0);
    expect(await count(Membership, { organizationId: world.organization.id })).toBe(0);
    // The outsider's own organization, and the other world, are untouched.
    expect(await count(Organization, { id: world.otherOrganization.id })).toBe(1);
    // Three organization roles, and four workspace/domain roles each with its implied organization membership.
    expect(await count(Membership, { organizationId: other.organization.id })).toBe(11);
    expect(await count(Domain, { organizationId: other.organization.id })).toBe(3);
  });

  it('deleting a workspace removes its domains and their memberships, and keeps organization memberships', async () => {
    const world = await createWorld(h);
    await h.run(DeleteWorkspaceDocument, { id: world.w1.id }, world.people.orgAdmin);
    expect(await count(Workspace, { id: world.w1.id })).toBe(0);
    expect(await count(Domain, { workspaceId: world.w1.id })).toBe(0);
    expect(await count(Membership, { workspaceId: world.w1.id })).toBe(0);
    expect(await count(Domain, { id: world.d2.id })).toBe(1);
    expect(
      await count(Membership, {
        organizationId: world.organization.id,
        scopeId: world.organization.id,
        userId: In(memberIds(world)),
      }),
    ).toBe(7);
  });

  it('deleting a domain removes its memberships only', async () => {
    const world = await createWorld(h);
    await h.run(DeleteDomainDocument, { id: world.d1.id }, world.people.domainAdmin);
    expect(await count(Membership, { domainId: world.d1.id })).toBe(0);
    expect(await count(Membership, { workspaceId: world.w1.id })).toBe(2);
  });

  it('two admins creating the same hostname at once: one domain, one clean BAD_USER_INPUT', async () => {
    const world = await createWorld(h);
    for (let round = 0; round < 5; round++) {
      const hostname = `race-${round}.example.com`;
      const results = await Promise.all(
        [world.people.orgAdmin, world.people.wsAdmin].map((who) =>
          h.run(CreateDomainDocument, { input: { workspaceId: world.w1.id, hostname } }, who),
        ),
      );
      expect(results.map((r) => errorCodes(r)[0] ?? 'ok').sort()).toEqual(['BAD_USER_INPUT', 'ok']);
      expect(await count(Domain, { workspaceId: world.w1.id, hostname })).toBe(1);
    }
  });
});
