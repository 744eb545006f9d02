import { decodeJwt } from 'jose';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { MyDataExportDocument, OrganizationMembersDocument } from '../../generated/graphql';
import { describeOnEachDatabase } from '../../support/each-database';
import { addMember, createOrganization, invite } from '../../support/factories';
import { errorCodes, TEST_JWT_SECRET } from '../../support/harness';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { snapshot, updatedEvent, useIdentityProvider } from './people-support';

/**
 * docs/domain-rules.md §16: the identity provider's `user.updated` refreshes a person, every event
 * applies once and in order, tokens expire by the configured clock, and a person gets what is
 * stored about them.
 */
describeOnEachDatabase('identity events and personal data', (kind) => {
  const { clock, h, server, send } = useIdentityProvider(kind);

  it('refreshes a renamed person from user.updated: every list finds the new name, an unverified address is not taken', async () => {
    const admin = await h.person('renamer');
    const renamed = await h.person('renamed');
    const organization = await createOrganization(h, admin, 'Renames');
    await addMember(h, renamed, { kind: ScopeKind.ORGANIZATION, organizationId: organization.id }, Role.MEMBER);
    const updated = (address: string, status: string) => ({
      type: 'user.updated',
      object: 'event',
      data: {
        id: renamed.sub,
        object: 'user',
        first_name: 'Ziggy',
        last_name: 'Stardust',
        primary_email_address_id: 'idn_primary',
        email_addresses: [
          { id: 'idn_other', email_address: 'other@example.test', verification: { status: 'verified' } },
          { id: 'idn_primary', email_address: address, verification: { status } },
        ],
      },
    });
    const first = await send(updated('Ziggy@Mars.Example', 'unverified'), { headers: 'webhook' });
    expect([first.status, first.body.updated]).toEqual([200, true]);
    const found = async (query: string) =>
      (
        await h.run(OrganizationMembersDocument, { id: organization.id, query }, admin)
      ).data?.organization?.members?.edges.map((e) => [e.node.user.displayName, e.node.user.email]);
    expect(await found('ziggy star')).toEqual([['Ziggy Stardust', renamed.email]]);
    const second = await send(updated('Ziggy@Mars.Example', 'verified'));
    expect([second.status, second.body.updated]).toEqual([200, true]);
    expect(await found('mars')).toEqual([['Ziggy Stardust', 'ziggy@mars.example']]);
    // The same facts again: nothing to change.
    expect((await send(updated('ziggy@mars.example', 'verified'))).body.updated).toBe(false);
    // Someone who never signed in is not recorded.
    const stranger = {
      ...updated('s@example.test', 'verified'),
      data: { ...updated('s@example.test', 'verified').data, id: 'user_never_seen' },
    };
    expect((await send(stranger)).body.updated).toBe(false);
    expect(await h.database.db.query("SELECT id FROM users WHERE id = 'user_never_seen'")).toEqual([]);
  });

  it('gives a person everything stored about them in me.dataExport, and nobody else', async () => {
    const admin = await h.person('exporter');
    const organization = await createOrganization(h, admin, 'Exports');
    const invited = await invite(h, admin, { organizationId: organization.id }, 'friend@example.test');
    const result = await h.run(MyDataExportDocument, {}, admin);
    const exported = result.data?.me?.dataExport as Record<string, any>;
    expect(exported.user).toMatchObject({
      id: admin.sub,
      email: admin.email,
      displayName: admin.name,
      emailVerified: true,
    });
    expect(exported.memberships).toEqual([
      expect.objectContaining({
        scope: 'ORGANIZATION',
        role: 'ADMIN',
        organization: { id: organization.id, name: 'Exports' },
      }),
    ]);
    expect(exported.invitationsSent.map((i: { id: string }) => i.id)).toEqual([invited.invitation.id]);
    expect(exported.auditEvents.map((e: { action: string }) => e.action)).toEqual([
      'INVITATION_CREATED',
      'MEMBER_ADDED',
      'ORGANIZATION_CREATED',
    ]);
    expect(exported.auditEventsTruncated).toBe(false);
    // Another person's export is not reachable, not even for a colleague who sees their name.
    const stranger = await h.person('coworker');
    await addMember(h, stranger, { kind: ScopeKind.ORGANIZATION, organizationId: organization.id }, Role.MEMBER);
    const other = await h.run(
      `query($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { id dataExport } } }`,
      { id: admin.sub },
      stranger,
    );
    expect(errorCodes(other)).toEqual(['FORBIDDEN']);
    expect((other.data as { _entities?: unknown } | null)?._entities).toEqual([{ id: admin.sub, dataExport: null }]);
    expect(JSON.stringify(other.data)).not.toContain(admin.email);
  });

  it('applies an identity event once, and never an older one over a newer one', async () => {
    const person = await h.person('ordered');
    const admin = await h.person('orderadmin');
    const organization = await createOrganization(h, admin, 'Ordered');
    await addMember(h, person, { kind: ScopeKind.ORGANIZATION, organizationId: organization.id }, Role.MEMBER);
    const facts = async () =>
      (await h.database.db.query('SELECT email, display_name FROM users WHERE id = ?', [person.sub]))[0];
    const older = updatedEvent(person.sub, ['Old', 'Name'], 'old-ordered@example.test');
    const newer = updatedEvent(person.sub, ['New', 'Name'], 'new-ordered@example.test');
    const t = clock.now().getTime();
    expect((await send(older, { id: 'msg_older', at: new Date(t - 120_000) })).body.updated).toBe(true);
    expect((await send(newer, { id: 'msg_newer', at: new Date(t - 60_000) })).body.updated).toBe(true);
    const newest = { email: 'new-ordered@example.test', display_name: 'New Name' };
    expect(await facts()).toEqual(newest);
    const before = await snapshot(h, kind);

    // The provider re-sends the applied older message (its retry is signed afresh): 200, nothing changes.
    const replay = await send(older, { id: 'msg_older' });
    expect([replay.status, replay.body.replayed, replay.body.updated]).toEqual([200, true, false]);
    expect(await snapshot(h, kind)).toBe(before);
    // Another message sent before the newest applied one, arriving late: recorded, not applied.
    const late = await send(older, { id: 'msg_late', at: new Date(t - 90_000) });
    expect([late.status, late.body.updated, late.body.stale]).toEqual([200, false, true]);
    expect(await facts()).toEqual(newest);
    // And a newer one still applies.
    const latest = await send(updatedEvent(person.sub, ['Newest', 'Name'], 'new-ordered@example.test'));
    expect(latest.body.updated).toBe(true);
    expect((await facts()).display_name).toBe('Newest Name');
  });

  it('judges a token’s expiry by the configured clock, also for a token it has verified before', async () => {
    const person = await h.person('expiring');
    const token = await signDevelopmentToken(TEST_JWT_SECRET, {
      sub: person.sub,
      email: person.email,
      ttlSeconds: 3600,
    });
    expect((await server.post({ query: '{ me { id } }' }, token)).body.data.me.id).toBe(person.sub);
    const moment = clock.now();
    clock.set(new Date(((decodeJwt(token).exp as number) + 10) * 1000));
    try {
      const expired = await server.post({ query: '{ me { id } }' }, token);
      expect([expired.status, expired.body.errors?.[0]?.extensions?.reason]).toEqual([401, 'TOKEN_EXPIRED']);
    } finally {
      clock.set(moment);
    }
  });
});
