import { ROLES_BY_SCOPE } from '../../../permissions/access';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { PERSONAS, scopeInput } from '../../support/factories';
import { errorCodes } from '../../support/harness';
import { describeOnEachDatabase, useHarness, useWorld } from '../../support/each-database';

/**
 * `viewerInvitableRoles` is what an invite form offers. For every persona at every scope of a
 * world, every role the scope accepts is tried for real: the invitation is created exactly when
 * the field listed the role (and refused otherwise), so a form built on it offers nothing the
 * server would refuse and hides nothing it would accept.
 */
const QUERY = `query($o: ID!, $w: ID!, $d: ID!) {
  organization(id: $o) { viewerInvitableRoles }
  workspace(id: $w) { viewerInvitableRoles }
  domain(id: $d) { viewerInvitableRoles }
}`;
const INVITE = 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }';

describeOnEachDatabase('viewerInvitableRoles', (kind) => {
  const h = useHarness(kind, { INVITATIONS_PER_HOUR: '10000' });
  const world = useWorld(h);

  it.each(PERSONAS.filter((p) => p !== 'anonymous'))(
    '%s: offered exactly the roles an invitation accepts',
    async (persona) => {
      const who = world.as(persona)!;
      const offered = await h.run<any, Record<string, unknown>>(
        QUERY,
        { o: world.organization.id, w: world.w1.id, d: world.d1.id },
        who,
      );
      const scopes = [
        {
          kind: ScopeKind.ORGANIZATION,
          input: scopeInput.organization(world),
          roles: offered.data?.organization?.viewerInvitableRoles,
        },
        {
          kind: ScopeKind.WORKSPACE,
          input: scopeInput.workspace(world),
          roles: offered.data?.workspace?.viewerInvitableRoles,
        },
        { kind: ScopeKind.DOMAIN, input: scopeInput.domain(world), roles: offered.data?.domain?.viewerInvitableRoles },
      ];
      let tried = 0;
      for (const scope of scopes) {
        for (const role of ROLES_BY_SCOPE[scope.kind] as Role[]) {
          const email =
            `${persona}-${scope.kind}-${role}-${Math.random().toString(36).slice(2, 8)}@example.test`.toLowerCase();
          const result = await h.run(INVITE, { i: { scope: scope.input, email, role } }, who);
          const created = errorCodes(result).length === 0;
          // A scope the persona cannot see answers null (NOT_FOUND): it offers nothing.
          expect({ scope: scope.kind, role, created }).toEqual({
            scope: scope.kind,
            role,
            created: (scope.roles ?? []).includes(role),
          });
          tried++;
        }
      }
      expect(tried).toBeGreaterThanOrEqual(5);
    },
  );

  it('an ADMIN of the organization is offered every role each scope accepts', async () => {
    const result = await h.run<any, Record<string, unknown>>(
      QUERY,
      { o: world.organization.id, w: world.w1.id, d: world.d1.id },
      world.people.orgAdmin,
    );
    expect(result.data.organization.viewerInvitableRoles).toEqual([...ROLES_BY_SCOPE[ScopeKind.ORGANIZATION]]);
    expect(result.data.workspace.viewerInvitableRoles).toEqual([...ROLES_BY_SCOPE[ScopeKind.WORKSPACE]]);
    expect(result.data.domain.viewerInvitableRoles).toEqual([...ROLES_BY_SCOPE[ScopeKind.DOMAIN]]);
  });
});
