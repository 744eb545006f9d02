import { Invitation } from '../../../entities/invitation.entity';
import {
  AcceptInvitationDocument,
  DomainInvitationsDocument,
  InvitationByTokenDocument,
  InviteMemberDocument,
  MyPendingInvitationsDocument,
  OrganizationInvitationsDocument,
  OrganizationMembersDocument,
  ResendInvitationDocument,
  RevokeInvitationDocument,
  WorkspaceInvitationsDocument,
  WorkspaceMembersDocument,
} from '../../generated/graphql';
import { createWorld, invite, scopeInput, signIn } from '../../support/factories';
import { createHarness, errorCodes } from '../../support/harness';
import { describeOnEachDatabase } from '../../support/each-database';
import { useInvitationWorld } from './invitations-support';

/** docs/domain-rules.md §5: inviting, previewing and accepting, the lists of invitations, conflicts and bad input. */
describeOnEachDatabase('invitations', (kind) => {
  const { h, world, admin, status } = useInvitationWorld(kind);

  it('stores only a hash of a 256-bit URL-safe token', async () => {
    const invitee = await h.person('hash');
    const { invitation, token } = await invite(h, admin(), scopeInput.organization(world), invitee.email);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const row = await h.database.db.getRepository(Invitation).findOneByOrFail({ id: invitation.id });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('trims and lower-cases the address, and defaults the role to MEMBER', async () => {
    const result = await h.run(
      InviteMemberDocument,
      { input: { scope: scopeInput.workspace(world), email: '  New.Person@Example.TEST ' } },
      admin(),
    );
    expect(result.data?.inviteMember).toMatchObject({
      email: 'new.person@example.test',
      role: 'MEMBER',
      status: 'PENDING',
      scope: 'WORKSPACE',
      workspace: { id: world.w1.id },
      domain: null,
      invitedBy: { id: admin().sub },
    });
    const created = new Date(result.data!.inviteMember.createdAt).getTime();
    expect(new Date(result.data!.inviteMember.expiresAt).getTime() - created).toBe(168 * 3600_000);
  });

  it('previews a link without sign-in, and accepting joins with the role and the implied organization membership', async () => {
    const invitee = await h.person('joiner');
    const { invitation, token } = await invite(
      h,
      world.people.wsAdmin,
      scopeInput.domain(world),
      invitee.email,
      'ADMIN',
    );
    const preview = await h.run(InvitationByTokenDocument, { token }, null);
    expect(preview.data?.invitationByToken).toMatchObject({
      email: invitee.email,
      organizationName: 'Acme',
      workspaceName: 'W1',
      domainHostname: 'd1.example.com',
      role: 'ADMIN',
      inviterName: world.people.wsAdmin.name,
      status: 'PENDING',
    });

    const accepted = await h.run(AcceptInvitationDocument, { input: { token } }, invitee);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data?.acceptInvitation).toMatchObject({
      role: 'ADMIN',
      scope: 'DOMAIN',
      user: { id: invitee.sub },
      domain: { id: world.d1.id },
    });
    expect(await status(invitation.id)).toBe('ACCEPTED');
    const members = await h.run(
      OrganizationMembersDocument,
      { id: world.organization.id, query: invitee.email },
      admin(),
    );
    expect(members.data?.organization?.members?.edges.map((e) => [e.node.user.id, e.node.role])).toEqual([
      [invitee.sub, 'MEMBER'],
    ]);
    expect((await h.run(InvitationByTokenDocument, { token }, null)).data?.invitationByToken?.status).toBe('ACCEPTED');
  });

  it("lists a person's pending invitations, naming where they lead, and accepts one by id", async () => {
    const invitee = await h.person('pending');
    await signIn(h, invitee);
    const atWorkspace = await invite(h, admin(), scopeInput.workspace(world), invitee.email);
    const atDomain = await invite(h, admin(), scopeInput.domain(world), invitee.email, 'ADMIN');
    const mine = await h.run(MyPendingInvitationsDocument, {}, invitee);
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.me?.pendingInvitations).toEqual([
      expect.objectContaining({
        id: atWorkspace.invitation.id,
        scope: 'WORKSPACE',
        organization: { id: world.organization.id, name: 'Acme' },
        workspace: { id: world.w1.id, name: 'W1' },
        domain: null,
      }),
      expect.objectContaining({
        id: atDomain.invitation.id,
        role: 'ADMIN',
        domain: { id: world.d1.id, hostname: 'd1.example.com' },
      }),
    ]);
    // Someone else cannot answer by id: for them it does not exist.
    expect(
      errorCodes(
        await h.run(
          AcceptInvitationDocument,
          { input: { invitationId: atWorkspace.invitation.id } },
          world.people.orgMember,
        ),
      ),
    ).toEqual(['NOT_FOUND']);
    const accepted = await h.run(
      AcceptInvitationDocument,
      { input: { invitationId: atWorkspace.invitation.id } },
      invitee,
    );
    expect(accepted.data?.acceptInvitation.workspace?.id).toBe(world.w1.id);
    const after = await h.run(MyPendingInvitationsDocument, {}, invitee);
    expect(after.data?.me?.pendingInvitations?.map((i) => i.id)).toEqual([atDomain.invitation.id]);
  });

  it('refuses conflicts: ALREADY_MEMBER and INVITATION_PENDING', async () => {
    const already = await h.run(
      InviteMemberDocument,
      { input: { scope: scopeInput.workspace(world), email: world.people.wsMember.email.toUpperCase() } },
      admin(),
    );
    expect(errorCodes(already)).toEqual(['ALREADY_MEMBER']);
    const invitee = await h.person('twice');
    const pending = await invite(h, admin(), scopeInput.organization(world), invitee.email);
    const twice = await h.run(
      InviteMemberDocument,
      { input: { scope: scopeInput.organization(world), email: invitee.email } },
      world.people.orgAdmin,
    );
    expect(errorCodes(twice)).toEqual(['INVITATION_PENDING']);
    // The error names the invitation to resend instead.
    expect(twice.errors?.[0].extensions?.invitationId).toBe(pending.invitation.id);
    // The same address may be invited into another scope.
    expect((await invite(h, admin(), scopeInput.workspace(world), invitee.email)).invitation.scope).toBe('WORKSPACE');
  });

  it('refuses bad input with BAD_USER_INPUT and creates nothing', async () => {
    const before = await h.database.db.getRepository(Invitation).count();
    const cases = [
      { scope: {}, email: 'a@example.test' },
      { scope: { organizationId: world.organization.id, workspaceId: world.w1.id }, email: 'a@example.test' },
      { scope: scopeInput.organization(world), email: 'not-an-email' },
      { scope: scopeInput.organization(world), email: `${'a'.repeat(250)}@example.test` },
      { scope: scopeInput.workspace(world), email: 'a@example.test', role: 'ACCOUNTING' as const },
      { scope: scopeInput.domain(world), email: 'a@example.test', role: 'ACCOUNTING' as const },
    ];
    for (const input of cases) {
      expect(errorCodes(await h.run(InviteMemberDocument, { input }, admin()))).toEqual(['BAD_USER_INPUT']);
    }
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: {} }, admin()))).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(await h.run(AcceptInvitationDocument, { input: { token: 'x', invitationId: 'y' } }, admin())),
    ).toEqual(['BAD_USER_INPUT']);
    expect(await h.database.db.getRepository(Invitation).count()).toBe(before);
  });

  it('lists a scope’s invitations by status', async () => {
    const fresh = await createWorld(h);
    const a = await invite(h, fresh.people.orgAdmin, scopeInput.workspace(fresh), 'a@example.test');
    const b = await invite(h, fresh.people.orgAdmin, scopeInput.workspace(fresh), 'b@example.test');
    await h.run(RevokeInvitationDocument, { id: b.invitation.id }, fresh.people.orgAdmin);
    const d = await invite(h, fresh.people.domainAdmin, scopeInput.domain(fresh), 'd@example.test');
    const list = async (status?: 'PENDING' | 'REVOKED') =>
      (
        await h.run(WorkspaceInvitationsDocument, { id: fresh.w1.id, status }, fresh.people.wsAdmin)
      ).data?.workspace?.invitations?.map((i) => i.id);
    expect(await list()).toEqual([a.invitation.id]);
    expect(await list('REVOKED')).toEqual([b.invitation.id]);
    const domainList = await h.run(DomainInvitationsDocument, { id: fresh.d1.id }, fresh.people.domainAdmin);
    expect(domainList.data?.domain?.invitations?.map((i) => i.id)).toEqual([d.invitation.id]);
    const orgList = await h.run(OrganizationInvitationsDocument, { id: fresh.organization.id }, fresh.people.orgAdmin);
    expect(orgList.data?.organization?.invitations).toEqual([]);
  });

  it('joins a workspace with the invited role and shows in its members', async () => {
    const invitee = await h.person('ws-joiner');
    const { token } = await invite(h, admin(), scopeInput.workspace(world), invitee.email, 'ADMIN');
    await h.run(AcceptInvitationDocument, { input: { token } }, invitee);
    const members = await h.run(WorkspaceMembersDocument, { id: world.w1.id, query: invitee.email }, invitee);
    expect(members.data?.workspace?.members?.nodes.map((n) => n.role)).toEqual(['ADMIN']);
  });
});

describe('the invitation rate limit', () => {
  it('allows INVITATIONS_PER_HOUR emails per organization per hour, then RATE_LIMITED', async () => {
    const h = await createHarness('sqlite', { INVITATIONS_PER_HOUR: '3' });
    try {
      const world = await createWorld(h);
      const admin = world.people.orgAdmin;
      const first = await invite(h, admin, scopeInput.organization(world), 'one@example.test');
      await invite(h, admin, scopeInput.workspace(world), 'two@example.test');
      // A resend queues an email too, and counts.
      expect((await h.run(ResendInvitationDocument, { id: first.invitation.id }, admin)).errors).toBeUndefined();
      const refused = await h.run(
        InviteMemberDocument,
        { input: { scope: scopeInput.domain(world), email: 'four@example.test' } },
        admin,
      );
      expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
      expect(errorCodes(await h.run(ResendInvitationDocument, { id: first.invitation.id }, admin))).toEqual([
        'RATE_LIMITED',
      ]);
      expect(await h.database.db.getRepository(Invitation).countBy({ email: 'four@example.test' })).toBe(0);
      // Another organization has its own budget.
      const other = await createWorld(h);
      expect(
        (await invite(h, other.people.orgAdmin, scopeInput.organization(other), 'one@example.test')).token,
      ).toBeTruthy();
    } finally {
      await h.close();
    }
  });
});
