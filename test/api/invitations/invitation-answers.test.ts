import { Invitation } from '../../../entities/invitation.entity';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { OutboxEmail } from '../../../entities/outbox-email.entity';
import {
  AcceptInvitationDocument,
  DeclineInvitationDocument,
  InvitationByTokenDocument,
  OrganizationInvitationsDocument,
  ResendInvitationDocument,
  RevokeInvitationDocument,
} from '../../generated/graphql';
import { invite, queuedToken, scopeInput } from '../../support/factories';
import { errorCodes, TEST_JWT_SECRET, type Person } from '../../support/harness';
import { describeOnEachDatabase } from '../../support/each-database';
import { useInvitationWorld } from './invitations-support';

/** docs/domain-rules.md §5: an invitation's answers — once, by its invitee only — its tokens, expiry, renewal, revoking and declining. */
describeOnEachDatabase('invitations: answers and their lifecycle', (kind) => {
  const { h, world, admin, status } = useInvitationWorld(kind);

  it('answers an invitation at most once', async () => {
    const invitee = await h.person('once');
    const { token } = await invite(h, admin(), scopeInput.organization(world), invitee.email);
    expect((await h.run(AcceptInvitationDocument, { input: { token } }, invitee)).errors).toBeUndefined();
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: { token } }, invitee))).toEqual([
      'INVITATION_NOT_PENDING',
    ]);
    expect(errorCodes(await h.run(DeclineInvitationDocument, { input: { token } }, invitee))).toEqual([
      'INVITATION_NOT_PENDING',
    ]);
  });

  it('refuses another account (EMAIL_MISMATCH) and the invited but unverified address (EMAIL_NOT_VERIFIED); the invitation stays PENDING', async () => {
    const invitee = await h.person('mismatch');
    const { invitation, token } = await invite(h, admin(), scopeInput.organization(world), invitee.email);
    const stranger = await h.person('stranger');
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: { token } }, stranger))).toEqual([
      'EMAIL_MISMATCH',
    ]);
    // The invited address, but the identity provider has not verified it.
    const sameAddressUnverified: Person = {
      ...stranger,
      token: await signDevelopmentToken(TEST_JWT_SECRET, {
        sub: stranger.sub,
        email: invitee.email,
        emailVerified: false,
      }),
    };
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: { token } }, sameAddressUnverified))).toEqual([
      'EMAIL_NOT_VERIFIED',
    ]);
    expect(
      errorCodes(
        await h.run(AcceptInvitationDocument, { input: { invitationId: invitation.id } }, sameAddressUnverified),
      ),
    ).toEqual(['EMAIL_NOT_VERIFIED']);
    expect(errorCodes(await h.run(DeclineInvitationDocument, { input: { token } }, stranger))).toEqual([
      'EMAIL_MISMATCH',
    ]);
    expect(await status(invitation.id)).toBe('PENDING');
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: { token } }, null))).toEqual(['UNAUTHENTICATED']);
  });

  it('treats unknown, wrong and rotated tokens alike', async () => {
    const invitee = await h.person('rotate');
    const { invitation, token: first } = await invite(h, admin(), scopeInput.organization(world), invitee.email);
    const resent = await h.run(ResendInvitationDocument, { id: invitation.id }, admin());
    expect(resent.data?.resendInvitation.status).toBe('PENDING');
    expect(new Date(resent.data!.resendInvitation.expiresAt).getTime()).toBeGreaterThanOrEqual(
      new Date(invitation.expiresAt).getTime(),
    );
    const second = await queuedToken(h, invitation.id);
    expect(second).not.toBe(first);
    // The first email, not yet sent, is withdrawn with its dead link redacted.
    const emails = await h.database.db.getRepository(OutboxEmail).findBy({ invitationId: invitation.id });
    expect(emails.map((e) => e.status).sort()).toEqual(['CANCELLED', 'PENDING']);
    expect(emails.find((e) => e.status === 'CANCELLED')?.textBody).not.toContain(first);

    const unknown = 'A'.repeat(43);
    const answers = [];
    for (const token of [first, unknown, `${second}x`, 'short']) {
      const preview = await h.run(InvitationByTokenDocument, { token }, null);
      const accept = await h.run(AcceptInvitationDocument, { input: { token } }, invitee);
      answers.push([
        preview.data?.invitationByToken ?? null,
        errorCodes(preview),
        accept.errors?.[0].message,
        errorCodes(accept),
      ]);
    }
    for (const answer of answers) expect(answer).toEqual(answers[1]);
    expect(answers[1]).toEqual([null, ['NOT_FOUND'], 'Invitation not found.', ['NOT_FOUND']]);
    expect((await h.run(AcceptInvitationDocument, { input: { token: second } }, invitee)).errors).toBeUndefined();
  });

  it('reads an expired invitation as EXPIRED, refuses to answer it, and lets a new one be sent', async () => {
    const invitee = await h.person('late');
    const { invitation, token } = await invite(h, admin(), scopeInput.organization(world), invitee.email);
    await h.database.db
      .getRepository(Invitation)
      .update({ id: invitation.id }, { expiresAt: new Date(Date.now() - 1000) });
    expect((await h.run(InvitationByTokenDocument, { token }, null)).data?.invitationByToken?.status).toBe('EXPIRED');
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: { token } }, invitee))).toEqual([
      'INVITATION_EXPIRED',
    ]);
    const expiredList = await h.run(
      OrganizationInvitationsDocument,
      { id: world.organization.id, status: 'EXPIRED' },
      admin(),
    );
    expect(expiredList.data?.organization?.invitations?.map((i) => i.id)).toContain(invitation.id);
    const again = await invite(h, admin(), scopeInput.organization(world), invitee.email);
    expect(again.invitation.id).not.toBe(invitation.id);
    expect(await status(invitation.id)).toBe('EXPIRED');
    // The old one cannot be renewed beside the new one: that one is pending, and named.
    const clash = await h.run(ResendInvitationDocument, { id: invitation.id }, admin());
    expect(errorCodes(clash)).toEqual(['INVITATION_PENDING']);
    expect(clash.errors?.[0].extensions?.invitationId).toBe(again.invitation.id);
    expect(await status(invitation.id)).toBe('EXPIRED');
  });

  it('renews an EXPIRED invitation on resend: PENDING again, a fresh expiry and a new link', async () => {
    const invitee = await h.person('renewed');
    const { invitation, token } = await invite(h, admin(), scopeInput.workspace(world), invitee.email);
    await h.database.db
      .getRepository(Invitation)
      .update({ id: invitation.id }, { expiresAt: new Date(Date.now() - 1000) });
    const resent = await h.run(ResendInvitationDocument, { id: invitation.id }, world.people.wsAdmin);
    expect(resent.errors).toBeUndefined();
    expect(resent.data?.resendInvitation.status).toBe('PENDING');
    expect(new Date(resent.data!.resendInvitation.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const fresh = await queuedToken(h, invitation.id);
    expect(fresh).not.toBe(token);
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: { token } }, invitee))).toEqual(['NOT_FOUND']);
    expect((await h.run(AcceptInvitationDocument, { input: { token: fresh } }, invitee)).errors).toBeUndefined();
    // Answered now: nothing to renew.
    expect(errorCodes(await h.run(ResendInvitationDocument, { id: invitation.id }, admin()))).toEqual([
      'INVITATION_NOT_PENDING',
    ]);
  });

  it('refuses to renew an expired invitation of someone who has joined since (ALREADY_MEMBER)', async () => {
    const invitee = await h.person('joined');
    const first = await invite(h, admin(), scopeInput.organization(world), invitee.email);
    await h.database.db
      .getRepository(Invitation)
      .update({ id: first.invitation.id }, { expiresAt: new Date(Date.now() - 1000) });
    const second = await invite(h, admin(), scopeInput.organization(world), invitee.email);
    expect((await h.run(AcceptInvitationDocument, { input: { token: second.token } }, invitee)).errors).toBeUndefined();
    expect(errorCodes(await h.run(ResendInvitationDocument, { id: first.invitation.id }, admin()))).toEqual([
      'ALREADY_MEMBER',
    ]);
  });

  it('revokes only PENDING invitations; a revoked link cannot be answered', async () => {
    const invitee = await h.person('revoked');
    const { invitation, token } = await invite(h, admin(), scopeInput.workspace(world), invitee.email);
    expect(
      (await h.run(RevokeInvitationDocument, { id: invitation.id }, world.people.wsAdmin)).data?.revokeInvitation
        .status,
    ).toBe('REVOKED');
    expect(errorCodes(await h.run(RevokeInvitationDocument, { id: invitation.id }, admin()))).toEqual([
      'INVITATION_NOT_PENDING',
    ]);
    expect(errorCodes(await h.run(ResendInvitationDocument, { id: invitation.id }, admin()))).toEqual([
      'INVITATION_NOT_PENDING',
    ]);
    expect(errorCodes(await h.run(AcceptInvitationDocument, { input: { token } }, invitee))).toEqual([
      'INVITATION_NOT_PENDING',
    ]);
    const emails = await h.database.db.getRepository(OutboxEmail).findBy({ invitationId: invitation.id });
    expect(emails.map((e) => e.status)).toEqual(['CANCELLED']);
  });

  it('declines, by token or by id', async () => {
    const invitee = await h.person('decliner');
    const byToken = await invite(h, admin(), scopeInput.organization(world), invitee.email);
    const declined = await h.run(DeclineInvitationDocument, { input: { token: byToken.token } }, invitee);
    expect(declined.data?.declineInvitation.status).toBe('DECLINED');
    const byId = await invite(h, world.people.domainAdmin, scopeInput.domain(world), invitee.email);
    const declinedById = await h.run(
      DeclineInvitationDocument,
      { input: { invitationId: byId.invitation.id } },
      invitee,
    );
    expect(declinedById.data?.declineInvitation.status).toBe('DECLINED');
  });
});
