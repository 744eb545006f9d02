import { InviteMembersDocument, type InviteMembersMutationVariables } from '../../generated/graphql';
import { createWorld, invite, type World } from '../../support/factories';
import { createHarness, errorCodes, type Harness } from '../../support/harness';
import { describeOnEachDatabase } from '../../support/each-database';

type Rows = InviteMembersMutationVariables['input']['invitations'];

/** docs/domain-rules.md §11: many invitations in one request, each row judged alone. */
describeOnEachDatabase('inviteMembers', (kind) => {
  let h: Harness;
  let world: World;
  beforeAll(async () => {
    h = await createHarness(kind, { INVITATIONS_PER_HOUR: '1000' });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    world = await createWorld(h);
  });

  /** Everything a batch may write, for the organization of the world. */
  async function footprint(organizationId: string) {
    const count = async (sql: string) => Number((await h.database.db.query(sql, [organizationId]))[0].n);
    return {
      invitations: await count('SELECT COUNT(*) AS n FROM invitations WHERE organization_id = ?'),
      emails: await count('SELECT COUNT(*) AS n FROM outbox_emails WHERE organization_id = ?'),
      audit: await count('SELECT COUNT(*) AS n FROM audit_events WHERE organization_id = ?'),
      counted: await count('SELECT COALESCE(SUM(count), 0) AS n FROM invitation_counters WHERE organization_id = ?'),
      version: await count('SELECT version AS n FROM organizations WHERE id = ?'),
    };
  }

  const unique = () => world.organization.id.slice(0, 8);

  it('invites 100 rows with every kind of refusal mixed in, in input order, and emails the valid ones', async () => {
    const admin = world.people.orgAdmin;
    const pending = await invite(h, admin, { workspaceId: world.w1.id }, `pending-${unique()}@example.test`);
    const rows: Rows = [];
    const expected: (string | null)[] = [];
    for (let i = 0; i < 100; i++) {
      switch (i % 10) {
        case 1:
          rows.push({ email: `not an address ${i}` });
          expected.push('BAD_USER_INPUT:email');
          break;
        case 3:
          rows.push({ email: `accounting-${i}-${unique()}@example.test`, role: 'ACCOUNTING' });
          expected.push('BAD_USER_INPUT:role'); // organization-only
          break;
        case 5:
          // The same address as the row before, written differently: a repeat.
          rows.push({ email: `  ${rows[i - 1].email.toUpperCase()} ` });
          expected.push('BAD_USER_INPUT:email');
          break;
        case 7:
          // Two members of the workspace; later rows repeat one of them.
          rows.push({ email: i === 17 ? world.people.wsAdmin.email : world.people.wsMember.email });
          expected.push(i === 7 || i === 17 ? 'ALREADY_MEMBER:' : 'BAD_USER_INPUT:email');
          break;
        case 9:
          rows.push({ email: pending.invitation.email });
          expected.push(i === 9 ? 'INVITATION_PENDING:' : 'BAD_USER_INPUT:email');
          break;
        default:
          rows.push({ email: `Row-${i}-${unique()}@Example.test`, role: i % 4 === 0 ? 'ADMIN' : 'MEMBER' });
          expected.push(null);
      }
    }
    const before = await footprint(world.organization.id);
    const result = await h.run(
      InviteMembersDocument,
      { input: { scope: { workspaceId: world.w1.id }, invitations: rows } },
      world.people.wsAdmin,
    );
    expect(result.errors).toBeUndefined();
    const payload = result.data!.inviteMembers;
    const verdicts = payload.results.map((r) => (r.error ? `${r.error.code}:${r.error.field ?? ''}` : null));
    expect(verdicts).toEqual(expected);
    const valid = expected.filter((e) => e === null).length;
    expect(payload).toMatchObject({ dryRun: false, invitedCount: valid });
    payload.results.forEach((r, i) => {
      if (expected[i] !== null) {
        expect([i, r.invitation, r.error!.message.length > 0]).toEqual([i, null, true]);
        return;
      }
      // The address as stored: trimmed and lower-cased.
      expect(r).toMatchObject({ email: rows[i].email.trim().toLowerCase(), error: null });
      expect(r.invitation).toMatchObject({
        email: rows[i].email.toLowerCase(),
        role: rows[i].role ?? 'MEMBER',
        status: 'PENDING',
        scope: 'WORKSPACE',
      });
    });
    const after = await footprint(world.organization.id);
    expect(after.invitations - before.invitations).toBe(valid);
    expect(after.emails - before.emails).toBe(valid);
    expect(after.counted - before.counted).toBe(valid);
    expect(after.audit - before.audit).toBe(valid);
  });

  it('judges on a dry run exactly as for real, and writes and sends nothing', async () => {
    const admin = world.people.orgAdmin;
    const pending = await invite(h, admin, { organizationId: world.organization.id }, `dry-${unique()}@example.test`);
    const rows: Rows = [
      { email: `one-${unique()}@example.test` },
      { email: pending.invitation.email },
      { email: world.people.orgMember.email },
      { email: 'nope' },
      { email: `two-${unique()}@example.test`, role: 'ACCOUNTING' },
      { email: `one-${unique()}@example.test` },
    ];
    const input = { scope: { organizationId: world.organization.id }, invitations: rows };
    const before = await footprint(world.organization.id);
    const dry = await h.run(InviteMembersDocument, { input: { ...input, dryRun: true } }, admin);
    expect(dry.errors).toBeUndefined();
    expect(await footprint(world.organization.id)).toEqual(before);
    expect(dry.data!.inviteMembers.dryRun).toBe(true);
    expect(dry.data!.inviteMembers.results.every((r) => r.invitation === null)).toBe(true);

    const real = await h.run(InviteMembersDocument, { input }, admin);
    const verdicts = (r: typeof real) =>
      r.data!.inviteMembers.results.map((row) => [row.email, row.error?.code ?? null, row.error?.field ?? null]);
    expect(verdicts(dry)).toEqual(verdicts(real));
    expect(verdicts(real).map((v) => v[1])).toEqual([
      null,
      'INVITATION_PENDING',
      'ALREADY_MEMBER',
      'BAD_USER_INPUT',
      null,
      'BAD_USER_INPUT',
    ]);
    // The pending row names the invitation to resend instead.
    expect(real.data!.inviteMembers.results[1].error?.invitationId).toBe(pending.invitation.id);
    expect(real.data!.inviteMembers.results[2].error?.invitationId).toBeNull();
    expect(dry.data!.inviteMembers.invitedCount).toBe(2);
    expect(real.data!.inviteMembers.invitedCount).toBe(2);
    expect((await footprint(world.organization.id)).invitations).toBe(before.invitations + 2);
  });

  it('refuses no rows, or more than 100, as a whole, and writes nothing', async () => {
    const admin = world.people.orgAdmin;
    const before = await footprint(world.organization.id);
    for (const count of [0, 101]) {
      const rows = Array.from({ length: count }, (_, i) => ({ email: `many-${i}-${unique()}@example.test` }));
      const result = await h.run(
        InviteMembersDocument,
        { input: { scope: { organizationId: world.organization.id }, invitations: rows } },
        admin,
      );
      expect([count, errorCodes(result), result.errors?.[0].extensions?.field]).toEqual([
        count,
        ['BAD_USER_INPUT'],
        'invitations',
      ]);
    }
    expect(await footprint(world.organization.id)).toEqual(before);
  });

  it('needs INVITE_MEMBERS at the scope; a scope the caller cannot see does not exist for them', async () => {
    const rows = [{ email: `perm-${unique()}@example.test` }];
    const run = (who: keyof World['people'], scope: Record<string, string>) =>
      h.run(InviteMembersDocument, { input: { scope, invitations: rows } }, world.people[who]);
    expect(errorCodes(await run('orgMember', { organizationId: world.organization.id }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await run('outsider', { organizationId: world.organization.id }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await run('wsAdmin', { workspaceId: world.w2.id }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await run('domainAdmin', { domainId: world.d1.id }))).toEqual([]);
  });

  it('stops at the hourly limit in the middle of a batch: the rows past it say RATE_LIMITED', async () => {
    const limited = await createHarness(kind, { INVITATIONS_PER_HOUR: '5' });
    try {
      const small = await createWorld(limited);
      const tag = small.organization.id.slice(0, 8);
      const rows: Rows = Array.from({ length: 9 }, (_, i) =>
        i === 2 ? { email: 'broken' } : { email: `limit-${i}-${tag}@example.test` },
      );
      const result = await limited.run(
        InviteMembersDocument,
        { input: { scope: { organizationId: small.organization.id }, invitations: rows } },
        small.people.orgAdmin,
      );
      expect(result.errors).toBeUndefined();
      // A refused row does not count against the limit: five of the eight good rows go out.
      expect(result.data!.inviteMembers.results.map((r) => r.error?.code ?? 'ok')).toEqual([
        'ok',
        'ok',
        'BAD_USER_INPUT',
        'ok',
        'ok',
        'ok',
        'RATE_LIMITED',
        'RATE_LIMITED',
        'RATE_LIMITED',
      ]);
      expect(result.data!.inviteMembers.invitedCount).toBe(5);
    } finally {
      await limited.close();
    }
  });

  it('invites five aliases of one mailbox, one of them malformed, without failing the request', async () => {
    // The report that opened the issue: one bad row made `data` null while the good rows went out.
    const admin = world.people.orgAdmin;
    const rows: Rows = ['a', 'b', 'c', 'd'].map((alias) => ({ email: `jo+${alias}-${unique()}@example.test` }));
    rows.splice(2, 0, { email: `jo+bad@@example.test` });
    const result = await h.run(
      InviteMembersDocument,
      { input: { scope: { organizationId: world.organization.id }, invitations: rows } },
      admin,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.inviteMembers.results.map((r) => r.error?.code ?? 'ok')).toEqual([
      'ok',
      'ok',
      'BAD_USER_INPUT',
      'ok',
      'ok',
    ]);
  });
});
