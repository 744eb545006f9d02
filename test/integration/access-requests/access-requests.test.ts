import { signDevelopmentToken } from '../../../src/auth/jwt';
import { createWorld, type World } from '../../support/factories';
import { type Person, TEST_JWT_SECRET } from '../../support/harness';
import { describeOnEachDatabase } from '../../support/each-database';
import {
  APPROVE,
  DENY,
  MY_REQUESTS,
  ORGANIZATION_REQUESTS,
  REQUEST_ACCESS,
  requestsHarness,
  type RequestsHarness,
  WITHDRAW,
} from '../../support/access-requests';

/**
 * Requests to join (docs/domain-rules.md §20): who may ask and where, who decides, what a
 * decision does, and what bad input does (nothing). Time, the hourly limit, the digest and the
 * races are in access-requests-time.test.ts.
 */
describeOnEachDatabase('requests to join', (kind) => {
  let t: RequestsHarness;
  let world: World;
  beforeAll(async () => {
    t = await requestsHarness(kind);
    world = await createWorld(t.h);
  });
  afterAll(() => t.close());

  const ask = (who: Person, scope: Record<string, string>, message?: string) =>
    t.run(REQUEST_ACCESS, { input: { scope, message } }, who);
  const code = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
    result.errors?.[0]?.extensions?.code ?? 'ok';
  const rows = (sql = 'SELECT COUNT(*) AS n FROM access_requests', params: unknown[] = []) => t.count(sql, params);
  const events = (action: string, organizationId: string) =>
    rows('SELECT COUNT(*) AS n FROM audit_events WHERE action = ? AND organization_id = ?', [action, organizationId]);
  const withdrawals = (column: 'organization_id' | 'workspace_id', scopeId: string, subjectId: string) =>
    rows(
      `SELECT COUNT(*) AS n FROM audit_events WHERE action = 'ACCESS_REQUEST_WITHDRAWN' AND ${column} = ? AND subject_id = ?`,
      [scopeId, subjectId],
    );
  const emailsTo = (recipient: string) =>
    t.h.database.db.query('SELECT subject, text_body FROM outbox_emails WHERE recipient = ? ORDER BY created_at', [
      recipient,
    ]);

  it('lets a person with a verified address at a REQUEST domain see the organization and ask to join it', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const asker = await t.personAt(org.domain);
    const mine = await t.run(MY_REQUESTS, {}, asker);
    expect((mine.data as any).me.joinableOrganizations).toEqual([
      { id: org.id, name: expect.any(String), viewerJoinMode: 'REQUEST' },
    ]);
    // Joining without asking is for AUTO_JOIN domains only.
    expect(
      code(await t.run(`mutation($id: ID!) { joinOrganization(organizationId: $id) { id } }`, { id: org.id }, asker)),
    ).toBe('NOT_FOUND');
    const asked = await ask(asker, { organizationId: org.id }, '  Hello, I work on the billing team.  ');
    expect(asked.errors).toBeUndefined();
    const request = (asked.data as any).requestAccess;
    expect(request).toMatchObject({
      status: 'PENDING',
      scope: 'ORGANIZATION',
      message: 'Hello, I work on the billing team.',
      requester: { id: asker.sub, email: asker.email },
      organization: { id: org.id },
      decidedAt: null,
      decidedBy: null,
    });
    expect(new Date(request.expiresAt).getTime() - new Date(request.createdAt).getTime()).toBe(30 * 24 * 3600_000);
    expect(await events('ACCESS_REQUESTED', org.id)).toBe(1);
    // One pending request per person and scope, naming the pending one.
    const again = await ask(asker, { organizationId: org.id });
    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'ACCESS_REQUEST_PENDING',
      accessRequestId: request.id,
    });
    expect(await rows('SELECT COUNT(*) AS n FROM access_requests WHERE organization_id = ?', [org.id])).toBe(1);
    const own = await t.run(MY_REQUESTS, { status: 'PENDING' }, asker);
    expect((own.data as any).me.accessRequests.map((r: any) => [r.id, r.organization.name])).toEqual([
      [request.id, expect.any(String)],
    ]);
  });

  it('tells nobody else the organization exists: other domains, unverified addresses, members of AUTO_JOIN or none', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const auto = await t.organizationWithDomain('AUTO_JOIN');
    const before = await rows();
    const strangers = [
      await t.personAt('elsewhere.example'),
      await t.personAt(org.domain, { emailVerified: false }),
      world.people.outsider,
    ];
    for (const who of strangers) {
      expect(code(await ask(who, { organizationId: org.id }))).toBe('NOT_FOUND');
      const unknown = await ask(who, { organizationId: '00000000-0000-4000-8000-000000000000' });
      expect(unknown.errors?.[0]?.message).toBe((await ask(who, { organizationId: org.id })).errors?.[0]?.message);
    }
    const atAuto = await t.personAt(auto.domain);
    const joinable = await t.run(MY_REQUESTS, {}, atAuto);
    expect((joinable.data as any).me.joinableOrganizations).toEqual([
      { id: auto.id, name: expect.any(String), viewerJoinMode: 'AUTO_JOIN' },
    ]);
    expect(code(await ask(atAuto, { organizationId: auto.id }))).toBe('NOT_FOUND');
    expect(code(await ask(org.admin, { organizationId: org.id }))).toBe('ALREADY_MEMBER');
    expect(await rows()).toBe(before);
  });

  it('lets a member ask for a workspace or domain they can see, and nothing else', async () => {
    const { people } = world;
    const before = await rows();
    expect(code(await ask(people.orgMember, { workspaceId: world.w1.id }))).toBe('NOT_FOUND');
    expect(code(await ask(people.outsider, { workspaceId: world.w1.id }))).toBe('NOT_FOUND');
    expect(code(await ask(people.domainMember, { domainId: world.d2.id }))).toBe('NOT_FOUND');
    expect(code(await ask(people.wsMember, { workspaceId: world.w1.id }))).toBe('ALREADY_MEMBER');
    expect(code(await ask(people.orgMember, { organizationId: world.organization.id }))).toBe('ALREADY_MEMBER');
    expect(await rows()).toBe(before);
    // A domain member may READ the domain's workspace: they may ask for it.
    const workspace = await ask(people.domainMember, { workspaceId: world.w1.id });
    expect((workspace.data as any)?.requestAccess).toMatchObject({
      scope: 'WORKSPACE',
      workspace: { id: world.w1.id },
    });
    const domain = await ask(people.wsMember, { domainId: world.d1b.id });
    expect((domain.data as any)?.requestAccess).toMatchObject({ scope: 'DOMAIN', domain: { id: world.d1b.id } });
  });

  it('refuses bad input with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const asker = await t.personAt(org.domain);
    const before = await rows();
    const cases: [Record<string, unknown>, string][] = [
      [{ scope: { organizationId: org.id }, message: 'x'.repeat(501) }, 'message'],
      [{ scope: { organizationId: org.id }, message: '😀'.repeat(501) }, 'message'],
      [{ scope: { organizationId: org.id }, message: 'bad \u202e text' }, 'message'],
      [{ scope: { organizationId: org.id, workspaceId: world.w1.id } }, 'scope'],
      [{ scope: {} }, 'scope'],
    ];
    for (const [input, field] of cases) {
      const result = await t.run(REQUEST_ACCESS, { input }, asker);
      expect({ input, error: result.errors?.[0]?.extensions }).toEqual({
        input,
        error: expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
      });
    }
    expect(await rows()).toBe(before);
    // 500 characters, an emoji counted as one, is fine.
    const long = await ask(asker, { organizationId: org.id }, '😀'.repeat(500));
    expect(long.errors).toBeUndefined();
  });

  it('shows each manager the requests of the scopes they decide, and nobody else any', async () => {
    const { people } = world;
    const fresh = await createWorld(t.h);
    const ws = (await ask(fresh.people.domainMember, { workspaceId: fresh.w1.id })).data as any;
    const dom = (await ask(fresh.people.wsMember, { domainId: fresh.d1b.id })).data as any;
    const list = async (who: Person) => {
      const result = await t.run(ORGANIZATION_REQUESTS, { id: fresh.organization.id }, who);
      return {
        code: code(result),
        ids: (result.data as any)?.organization?.accessRequests?.edges.map((e: any) => e.node.id),
      };
    };
    const both = [dom.requestAccess.id, ws.requestAccess.id];
    expect(await list(fresh.people.orgAdmin)).toEqual({ code: 'ok', ids: both });
    expect(await list(fresh.people.wsAdmin)).toEqual({ code: 'ok', ids: both });
    expect(await list(fresh.people.domainAdmin)).toEqual({ code: 'ok', ids: [] });
    expect(await list(fresh.people.orgMember)).toEqual({ code: 'ok', ids: [] });
    expect(await list(fresh.people.orgAccounting)).toEqual({ code: 'ok', ids: [] });
    expect((await list(people.orgAdmin)).code).toBe('NOT_FOUND');
    // The manager reads who asked.
    const page = await t.run(ORGANIZATION_REQUESTS, { id: fresh.organization.id, first: 1 }, fresh.people.wsAdmin);
    const connection = (page.data as any).organization.accessRequests;
    expect(page.errors).toBeUndefined();
    expect(connection.edges[0].node.requester).toEqual({
      id: fresh.people.wsMember.sub,
      email: fresh.people.wsMember.email,
    });
    expect(connection.pageInfo.hasNextPage).toBe(true);
    const next = await t.run(
      ORGANIZATION_REQUESTS,
      { id: fresh.organization.id, first: 1, after: connection.pageInfo.endCursor },
      fresh.people.wsAdmin,
    );
    expect((next.data as any).organization.accessRequests.edges.map((e: any) => e.node.id)).toEqual([
      ws.requestAccess.id,
    ]);
    const bad = await t.run(ORGANIZATION_REQUESTS, { id: fresh.organization.id, first: 101 }, fresh.people.orgAdmin);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    // Deciding is MANAGE_MEMBERS at the request's scope; to anyone else the request does not exist.
    for (const who of [fresh.people.domainAdmin, fresh.people.orgMember, fresh.people.wsMember, people.orgAdmin]) {
      expect(code(await t.run(APPROVE, { input: { id: dom.requestAccess.id } }, who))).toBe('NOT_FOUND');
      expect(code(await t.run(DENY, { id: dom.requestAccess.id }, who))).toBe('NOT_FOUND');
    }
    expect(code(await t.run(WITHDRAW, { id: dom.requestAccess.id }, fresh.people.wsAdmin))).toBe('NOT_FOUND');
    expect(
      await rows("SELECT COUNT(*) AS n FROM access_requests WHERE id = ? AND status = 'PENDING'", [
        dom.requestAccess.id,
      ]),
    ).toBe(1);
  });

  it('approves with the rules of an invitation: a role the scope accepts, a custom role, an expiry, a seat', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const asker = await t.personAt(org.domain);
    const request = ((await ask(asker, { organizationId: org.id })).data as any).requestAccess;
    const pending = () =>
      rows("SELECT COUNT(*) AS n FROM access_requests WHERE id = ? AND status = 'PENDING'", [request.id]);
    const memberships = () => rows('SELECT COUNT(*) AS n FROM memberships WHERE user_id = ?', [asker.sub]);
    const refusals: [Record<string, unknown>, string][] = [
      [{ id: request.id, accessExpiresAt: new Date(t.clock.now().getTime() - 1000).toISOString() }, 'BAD_USER_INPUT'],
      [{ id: request.id, customRoleId: '00000000-0000-4000-8000-000000000000' }, 'BAD_USER_INPUT'],
      [{ id: request.id, role: 'OWNER' }, 'BAD_USER_INPUT'],
    ];
    for (const [input, expected] of refusals) {
      expect(code(await t.run(APPROVE, { input }, org.admin))).toBe(expected);
    }
    // A seat limit that is full refuses the approval, and the request stays pending.
    await t.run(
      `mutation($id: ID!) { updateSeatLimit(organizationId: $id, seatLimit: 1) { id } }`,
      { id: org.id },
      org.admin,
    );
    expect(code(await t.run(APPROVE, { input: { id: request.id } }, org.admin))).toBe('SEAT_LIMIT_REACHED');
    expect(await pending()).toBe(1);
    expect(await memberships()).toBe(0);
    await t.run(
      `mutation($id: ID!) { updateSeatLimit(organizationId: $id, seatLimit: null) { id } }`,
      { id: org.id },
      org.admin,
    );
    const role = await t.run(
      `mutation($input: CreateCustomRoleInput!) { createCustomRole(input: $input) { id name } }`,
      {
        input: {
          organizationId: org.id,
          name: 'Auditor',
          grants: [{ scope: 'ORGANIZATION', keys: ['READ_AUDIT_LOG'] }],
        },
      },
      org.admin,
    );
    const customRole = (role.data as any).createCustomRole;
    const until = new Date(t.clock.now().getTime() + 7 * 24 * 3600_000);
    const approved = await t.run(
      APPROVE,
      { input: { id: request.id, customRoleId: customRole.id, accessExpiresAt: until.toISOString() } },
      org.admin,
    );
    expect(approved.errors).toBeUndefined();
    expect((approved.data as any).approveAccessRequest).toMatchObject({
      role: 'MEMBER',
      customRole: { id: customRole.id },
      expiresAt: until.toISOString(),
      user: { id: asker.sub, email: asker.email },
    });
    expect(await events('ACCESS_REQUEST_APPROVED', org.id)).toBe(1);
    const [event] = await t.h.database.db.query(
      "SELECT actor_id, subject_id, to_role, custom_role FROM audit_events WHERE action = 'ACCESS_REQUEST_APPROVED' AND organization_id = ?",
      [org.id],
    );
    expect(event).toMatchObject({
      actor_id: org.admin.sub,
      subject_id: asker.sub,
      to_role: 'MEMBER',
      custom_role: 'Auditor',
    });
    const mail = await emailsTo(asker.email);
    expect(mail.map((m: any) => m.subject)).toEqual([expect.stringMatching(/^Your request to join .* was approved$/)]);
    const mine = await t.run(MY_REQUESTS, {}, asker);
    expect((mine.data as any).me.accessRequests[0]).toMatchObject({
      status: 'APPROVED',
      decidedBy: { id: org.admin.sub },
    });
    // Answered once: a second decision or a withdrawal says so, and changes nothing.
    expect(code(await t.run(APPROVE, { input: { id: request.id } }, org.admin))).toBe('ACCESS_REQUEST_NOT_PENDING');
    expect(code(await t.run(DENY, { id: request.id }, org.admin))).toBe('ACCESS_REQUEST_NOT_PENDING');
    expect(code(await t.run(WITHDRAW, { id: request.id }, asker))).toBe('ACCESS_REQUEST_NOT_PENDING');
    expect(await memberships()).toBe(1);
  });

  it('refuses a role the scope does not accept, and nothing is written', async () => {
    const fresh = await createWorld(t.h);
    const request = ((await ask(fresh.people.domainMember, { workspaceId: fresh.w1.id })).data as any).requestAccess;
    const before = await rows('SELECT COUNT(*) AS n FROM audit_events WHERE organization_id = ?', [
      fresh.organization.id,
    ]);
    const result = await t.run(APPROVE, { input: { id: request.id, role: 'ACCOUNTING' } }, fresh.people.wsAdmin);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(
      await rows('SELECT COUNT(*) AS n FROM audit_events WHERE organization_id = ?', [fresh.organization.id]),
    ).toBe(before);
    // The workspace ADMIN gives ADMIN of their workspace: their own role, not above it.
    const approved = await t.run(APPROVE, { input: { id: request.id, role: 'ADMIN' } }, fresh.people.wsAdmin);
    expect((approved.data as any)?.approveAccessRequest).toMatchObject({ role: 'ADMIN' });
  });

  it('denies with a reason of at most 500 characters, emailed to the requester', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const asker = await t.personAt(org.domain);
    const request = ((await ask(asker, { organizationId: org.id })).data as any).requestAccess;
    const tooLong = await t.run(DENY, { id: request.id, reason: 'r'.repeat(501) }, org.admin);
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(await events('ACCESS_REQUEST_DENIED', org.id)).toBe(0);
    const denied = await t.run(DENY, { id: request.id, reason: 'Contractors go through IT.' }, org.admin);
    expect((denied.data as any).denyAccessRequest).toMatchObject({
      status: 'DENIED',
      reason: 'Contractors go through IT.',
      decidedBy: { id: org.admin.sub },
      requester: { email: asker.email },
    });
    expect(await events('ACCESS_REQUEST_DENIED', org.id)).toBe(1);
    const [mail] = await emailsTo(asker.email);
    expect(mail.subject).toMatch(/was declined$/);
    expect(mail.text_body).toContain('Contractors go through IT.');
    // After a denial the person may ask again.
    expect(code(await ask(asker, { organizationId: org.id }))).toBe('ok');
  });

  it('lets the requester withdraw their own pending request, and nobody else', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const asker = await t.personAt(org.domain);
    const other = await t.personAt(org.domain);
    const request = ((await ask(asker, { organizationId: org.id })).data as any).requestAccess;
    expect(code(await t.run(WITHDRAW, { id: request.id }, other))).toBe('NOT_FOUND');
    expect(code(await t.run(WITHDRAW, { id: 'not-an-id' }, asker))).toBe('NOT_FOUND');
    const withdrawn = await t.run(WITHDRAW, { id: request.id }, asker);
    expect((withdrawn.data as any).withdrawAccessRequest.status).toBe('WITHDRAWN');
    expect(await withdrawals('organization_id', org.id, asker.sub)).toBe(1);
    expect(code(await t.run(WITHDRAW, { id: request.id }, asker))).toBe('ACCESS_REQUEST_NOT_PENDING');
    expect(code(await t.run(APPROVE, { input: { id: request.id } }, org.admin))).toBe('ACCESS_REQUEST_NOT_PENDING');
    const listed = await t.run(ORGANIZATION_REQUESTS, { id: org.id, status: 'WITHDRAWN' }, org.admin);
    expect((listed.data as any).organization.accessRequests.edges.map((e: any) => e.node.id)).toEqual([request.id]);
    expect(code(await ask(asker, { organizationId: org.id }))).toBe('ok');
  });

  it('withdraws a member’s pending workspace requests when they leave the organization', async () => {
    const fresh = await createWorld(t.h);
    const request = ((await ask(fresh.people.domainMember, { workspaceId: fresh.w1.id })).data as any).requestAccess;
    const left = await t.run(
      `mutation($id: ID!) { leaveOrganization(organizationId: $id) }`,
      { id: fresh.organization.id },
      fresh.people.domainMember,
    );
    expect(left.errors).toBeUndefined();
    expect(
      await rows("SELECT COUNT(*) AS n FROM access_requests WHERE id = ? AND status = 'WITHDRAWN'", [request.id]),
    ).toBe(1);
    expect(await withdrawals('workspace_id', fresh.w1.id, fresh.people.domainMember.sub)).toBe(1);
    expect(code(await t.run(APPROVE, { input: { id: request.id } }, fresh.people.orgAdmin))).toBe(
      'ACCESS_REQUEST_NOT_PENDING',
    );
  });

  it('sends the events to the organization’s webhooks', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const endpoint = await t.run(
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }`,
      { input: { organizationId: org.id, url: 'http://127.0.0.1:9/hooks' } },
      org.admin,
    );
    expect(endpoint.errors).toBeUndefined();
    const asker = await t.personAt(org.domain);
    const request = ((await ask(asker, { organizationId: org.id })).data as any).requestAccess;
    await t.run(DENY, { id: request.id }, org.admin);
    const delivered: { action: string }[] = await t.h.database.db.query(
      "SELECT e.action FROM webhook_deliveries d JOIN audit_events e ON e.id = d.event_id WHERE d.organization_id = ? AND e.action LIKE 'ACCESS_REQUEST%' ORDER BY e.id",
      [org.id],
    );
    expect(delivered.map((d) => d.action)).toEqual(['ACCESS_REQUESTED', 'ACCESS_REQUEST_DENIED']);
  });

  it('tells a member whom the sign-in policy blocks to sign in again, and nobody else anything', async () => {
    const fresh = await createWorld(t.h);
    const admin = fresh.people.orgAdmin;
    const token = await signDevelopmentToken(TEST_JWT_SECRET, {
      sub: admin.sub,
      email: admin.email,
      name: admin.name,
      amr: ['pwd', 'otp'],
      issuedAt: t.clock.now(),
    });
    const policy = await t.h.run(
      'mutation($id: ID!) { setSignInPolicy(organizationId: $id, input: { requireSso: false, requireMfa: true }) { id } }',
      { id: fresh.organization.id },
      { ...admin, token },
    );
    expect(policy.errors).toBeUndefined();
    const before = await rows();
    const blocked = await ask(fresh.people.domainMember, { workspaceId: fresh.w1.id });
    expect(blocked.errors?.[0]?.extensions).toMatchObject({ code: 'SIGN_IN_POLICY', required: ['MFA'] });
    expect(code(await ask(world.people.outsider, { workspaceId: fresh.w1.id }))).toBe('NOT_FOUND');
    expect(await rows()).toBe(before);
  });
});
