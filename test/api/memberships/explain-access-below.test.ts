import { createWorld } from '../../support/factories';
import type { Person } from '../../support/harness';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';

/**
 * "Why this access" names the roles a person holds below the scope asked about (issue 37,
 * stumble 11): at organization level, their workspace and domain roles — which give nothing
 * there — only where the caller may read those scopes' members.
 */
describeOnEachDatabase('explainAccess: the roles held below', (kind) => {
  const h = useHarness(kind);
  const EXPLAIN = `query($userId: ID!, $scope: ScopeInput!) { explainAccess(userId: $userId, scope: $scope) {
    effectiveRole sources { role scope direct } heldBelow { role scope direct member { workspace { name } domain { hostname } } } } }`;

  async function explain(who: Person, scope: Record<string, string>, userId: string) {
    const result = await h.run(EXPLAIN as never, { userId, scope }, who);
    expect(result.errors).toBeUndefined();
    return (result.data as any).explainAccess;
  }

  it('at organization level lists workspace roles, then domain roles; at a workspace, its domains; nothing unreadable', async () => {
    const world = await createWorld(h);
    const { orgAdmin, wsAdmin, domainMember, orgMember } = world.people;
    const organizationId = world.organization.id;

    const admin = await explain(orgAdmin, { organizationId }, wsAdmin.sub);
    expect(admin).toEqual({
      effectiveRole: 'MEMBER',
      sources: [{ role: 'MEMBER', scope: 'ORGANIZATION', direct: true }],
      heldBelow: [
        { role: 'ADMIN', scope: 'WORKSPACE', direct: true, member: { workspace: { name: 'W1' }, domain: null } },
      ],
    });
    expect((await explain(orgAdmin, { organizationId }, domainMember.sub)).heldBelow).toEqual([
      {
        role: 'MEMBER',
        scope: 'DOMAIN',
        direct: true,
        member: { workspace: { name: 'W1' }, domain: { hostname: 'd1.example.com' } },
      },
    ]);
    // At the workspace: the domain below it.
    expect((await explain(wsAdmin, { workspaceId: world.w1.id }, domainMember.sub)).heldBelow).toEqual([
      expect.objectContaining({ role: 'MEMBER', scope: 'DOMAIN' }),
    ]);
    // At a domain there is nothing below.
    expect((await explain(orgAdmin, { domainId: world.d1.id }, domainMember.sub)).heldBelow).toEqual([]);
    // An organization MEMBER reads the organization's members but not the workspace's: nothing below shows.
    expect((await explain(orgMember, { organizationId }, wsAdmin.sub)).heldBelow).toEqual([]);
  });
});
