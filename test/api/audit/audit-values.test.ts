import { Role, ScopeKind } from '../../../src/domain/enums';
import { addMember, createOrganization } from '../../support/factories';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import type { Person } from '../../support/harness';

/**
 * docs/domain-rules.md §12: an event about a setting says what it was and what it became — the
 * seat limit, the billing details changed, the day access ends, a provisioning token's name
 * (issue 37, first-hour stumble 10).
 */
describeOnEachDatabase('the audit log: before and after', (kind) => {
  const h = useHarness(kind);

  async function run(query: string, variables: Record<string, unknown>, who: Person) {
    const result = await h.run(query as never, variables, who);
    expect(result.errors).toBeUndefined();
    return result.data as any;
  }

  it('holds the seat limit, billing, access end and token name each change had and gave', async () => {
    const admin = await h.person('valuesadmin');
    const member = await h.person('valuesmember');
    const organization = await createOrganization(h, admin, 'Valued');
    await addMember(h, member, { kind: ScopeKind.ORGANIZATION, organizationId: organization.id }, Role.MEMBER);
    const seats = 'mutation($o: ID!, $s: Int) { updateSeatLimit(organizationId: $o, seatLimit: $s) { id } }';
    await run(seats, { o: organization.id, s: 5 }, admin);
    await run(seats, { o: organization.id, s: 12 }, admin);
    await run(seats, { o: organization.id, s: null }, admin);
    const billing =
      'mutation($o: ID!, $i: BillingProfileInput!) { updateBillingProfile(organizationId: $o, input: $i) { updatedAt } }';
    await run(
      billing,
      { o: organization.id, i: { legalName: 'Valued SAS', billingEmail: 'pay@valued.example' } },
      admin,
    );
    await run(billing, { o: organization.id, i: { legalName: 'Valued Group', city: 'Lyon' } }, admin);
    const members = await run(
      'query($o: ID!) { organization(id: $o) { members(role: MEMBER) { nodes { id } } } }',
      { o: organization.id },
      admin,
    );
    const memberId = members.organization.members.nodes[0].id;
    const expiry = 'mutation($m: ID!, $e: DateTime) { setMemberExpiry(memberId: $m, expiresAt: $e) { id } }';
    await run(expiry, { m: memberId, e: '2030-01-31T00:00:00.000Z' }, admin);
    await run(expiry, { m: memberId, e: null }, admin);
    const created = await run(
      'mutation($o: ID!) { createProvisioningToken(input: { organizationId: $o, description: "Okta" }) { token provisioningToken { id } } }',
      { o: organization.id },
      admin,
    );
    await run(
      'mutation($id: ID!) { revokeProvisioningToken(id: $id) }',
      { id: created.createProvisioningToken.provisioningToken.id },
      admin,
    );

    const log = await run(
      'query($o: ID!) { organization(id: $o) { auditLog(first: 50) { nodes { action before after } } } }',
      { o: organization.id },
      admin,
    );
    const values = log.organization.auditLog.nodes
      .filter((e: any) => e.action !== 'ORGANIZATION_CREATED' && e.action !== 'MEMBER_ADDED')
      .reverse()
      .map((e: any) => [e.action, e.before, e.after]);
    expect(values).toEqual([
      ['SEAT_LIMIT_CHANGED', null, '5'],
      ['SEAT_LIMIT_CHANGED', '5', '12'],
      ['SEAT_LIMIT_CHANGED', '12', null],
      // An address shows only as set: the log keeps no billing address to erase later.
      ['BILLING_UPDATED', 'legalName: —; billingEmail: —', 'legalName: Valued SAS; billingEmail: an address'],
      ['BILLING_UPDATED', 'legalName: Valued SAS; city: —', 'legalName: Valued Group; city: Lyon'],
      ['MEMBER_EXPIRY_CHANGED', null, '2030-01-31T00:00:00.000Z'],
      ['MEMBER_EXPIRY_CHANGED', '2030-01-31T00:00:00.000Z', null],
      ['PROVISIONING_TOKEN_CREATED', null, 'Okta'],
      ['PROVISIONING_TOKEN_REVOKED', 'Okta', null],
    ]);
  });

  it('holds the end of the access an invitation gives, and of the membership its acceptance makes', async () => {
    const admin = await h.person('endsadmin');
    const guest = await h.person('endsguest');
    const organization = await createOrganization(h, admin, 'Ending');
    const ends = '2031-06-30T00:00:00.000Z';
    const invited = await run(
      'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }',
      { i: { scope: { organizationId: organization.id }, email: guest.email, accessExpiresAt: ends } },
      admin,
    );
    await run(
      'mutation($id: ID!) { acceptInvitation(input: { invitationId: $id }) { id } }',
      { id: invited.inviteMember.id },
      guest,
    );
    const log = await run(
      'query($o: ID!) { organization(id: $o) { auditLog(first: 50) { nodes { action before after subject { id } } } } }',
      { o: organization.id },
      admin,
    );
    const nodes = log.organization.auditLog.nodes as any[];
    expect(nodes.find((e) => e.action === 'INVITATION_CREATED')).toMatchObject({ before: null, after: ends });
    expect(nodes.find((e) => e.action === 'MEMBER_ADDED' && e.subject?.id === guest.sub)).toMatchObject({
      before: null,
      after: ends,
    });
    // The creator's own membership is lasting: no end.
    expect(nodes.find((e) => e.action === 'MEMBER_ADDED' && e.subject?.id === admin.sub)).toMatchObject({
      after: null,
    });
  });
});
