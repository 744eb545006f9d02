import { erasePerson } from '../../../src/services/people/erasure.service';
import { createWorld, systemScope, type World } from '../../support/factories';
import type { Person } from '../../support/harness';
import { describeOnEachDatabase } from '../../support/each-database';
import {
  APPROVE,
  MY_REQUESTS,
  REQUEST_ACCESS,
  requestsHarness,
  type RequestsHarness,
  WITHDRAW,
} from '../../support/access-requests';

const HOUR = 3600_000;

/**
 * Requests to join over time (docs/domain-rules.md §20): the hourly limit per person, the 30-day
 * expiry by the sweeper, the managers' hourly digest, races between requests and decisions, and
 * what a person's requests leave behind (their data export, their erasure).
 * Time moves by the harness's clock, never by sleeping.
 */
describeOnEachDatabase('requests to join over time', (kind) => {
  let t: RequestsHarness;
  // Made before any test moves the clock: the factories sign in with tokens issued now.
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
  const digestsTo = (recipient: string) =>
    t.h.database.db.query(
      "SELECT subject, text_body FROM outbox_emails WHERE recipient = ? AND subject LIKE '%to join%' AND subject NOT LIKE 'Your%' ORDER BY created_at",
      [recipient],
    );

  it('takes at most 10 requests an hour from one person, counted in the database', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const asker = await t.personAt(org.domain);
    for (let i = 0; i < 10; i++) {
      const request = ((await ask(asker, { organizationId: org.id })).data as any).requestAccess;
      expect(code(await t.run(WITHDRAW, { id: request.id }, asker))).toBe('ok');
      t.clock.advance(60_000);
    }
    const before = await t.count('SELECT COUNT(*) AS n FROM access_requests WHERE requester_id = ?', [asker.sub]);
    const refused = await ask(asker, { organizationId: org.id });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = refused.errors?.[0]?.extensions?.retryAfter as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600 - 10 * 60 + 60);
    expect(await t.count('SELECT COUNT(*) AS n FROM access_requests WHERE requester_id = ?', [asker.sub])).toBe(before);
    t.clock.advance(retryAfter * 1000);
    expect(code(await ask(asker, { organizationId: org.id }))).toBe('ok');
  });

  it('expires a request unanswered for 30 days: it reads EXPIRED at once, the sweeper records it', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const asker = await t.personAt(org.domain);
    const request = ((await ask(asker, { organizationId: org.id })).data as any).requestAccess;
    t.clock.advance(30 * 24 * HOUR + 60_000);
    const mine = await t.run(MY_REQUESTS, {}, asker);
    expect((mine.data as any).me.accessRequests[0]).toMatchObject({ id: request.id, status: 'EXPIRED' });
    expect(code(await t.run(APPROVE, { input: { id: request.id } }, org.admin))).toBe('ACCESS_REQUEST_NOT_PENDING');
    await t.h.app.sweeper.runOnce();
    const [row] = await t.h.database.db.query('SELECT status, pending_key FROM access_requests WHERE id = ?', [
      request.id,
    ]);
    expect(row).toEqual({ status: 'EXPIRED', pending_key: null });
    const [event] = await t.h.database.db.query(
      "SELECT actor_id, subject_id, source FROM audit_events WHERE action = 'ACCESS_REQUEST_EXPIRED' AND organization_id = ?",
      [org.id],
    );
    expect(event).toEqual({ actor_id: null, subject_id: asker.sub, source: 'SYSTEM' });
    // A second pass finds nothing more to do, and the person may ask again.
    await t.h.app.sweeper.runOnce();
    expect(
      await t.count(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'ACCESS_REQUEST_EXPIRED' AND organization_id = ?",
        [org.id],
      ),
    ).toBe(1);
    expect(code(await ask(asker, { organizationId: org.id }))).toBe('ok');
  });

  it('emails each manager a digest of new requests, at most one an hour per scope', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const first = await t.personAt(org.domain);
    const second = await t.personAt(org.domain);
    await ask(first, { organizationId: org.id }, 'Billing team');
    await ask(second, { organizationId: org.id });
    await t.h.app.sweeper.runOnce();
    const sent = await digestsTo(org.admin.email);
    expect(sent.map((m: any) => m.subject)).toEqual([expect.stringMatching(/^2 new requests to join /)]);
    expect(sent[0].text_body).toContain(`${first.email}>: Billing team`);
    expect(sent[0].text_body).toContain(second.email);
    // Within the hour: the next request waits for the next digest.
    const third = await t.personAt(org.domain);
    await ask(third, { organizationId: org.id });
    t.clock.advance(30 * 60_000);
    await t.h.app.sweeper.runOnce();
    expect(await digestsTo(org.admin.email)).toHaveLength(1);
    t.clock.advance(31 * 60_000);
    await t.h.app.sweeper.runOnce();
    const later = await digestsTo(org.admin.email);
    expect(later).toHaveLength(2);
    expect(later[1].subject).toMatch(/^1 new request to join /);
    expect(later[1].text_body).toContain(third.email);
    expect(later[1].text_body).not.toContain(first.email);
    // A workspace's requests go to those who decide there: its ADMIN and the organization's, not its members.
    await ask(world.people.domainMember, { workspaceId: world.w1.id });
    await t.h.app.sweeper.runOnce();
    for (const manager of [world.people.wsAdmin, world.people.orgAdmin]) {
      expect((await digestsTo(manager.email)).map((m: any) => m.subject)).toEqual([
        expect.stringMatching(/^1 new request to join the W1 workspace of /),
      ]);
    }
    for (const bystander of [world.people.wsMember, world.people.domainAdmin, world.people.orgMember]) {
      expect(await digestsTo(bystander.email)).toHaveLength(0);
    }
  });

  it('keeps one pending request per person and scope when duplicates race', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    for (let round = 0; round < 8; round++) {
      const asker = await t.personAt(org.domain);
      const results = await Promise.all(Array.from({ length: 4 }, () => ask(asker, { organizationId: org.id })));
      expect(results.map(code).sort()).toEqual([
        'ACCESS_REQUEST_PENDING',
        'ACCESS_REQUEST_PENDING',
        'ACCESS_REQUEST_PENDING',
        'ok',
      ]);
      expect(
        await t.count("SELECT COUNT(*) AS n FROM access_requests WHERE requester_id = ? AND status = 'PENDING'", [
          asker.sub,
        ]),
      ).toBe(1);
    }
  });

  it('settles a request once when an approval and a withdrawal race, and the membership follows the winner', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    for (let round = 0; round < 10; round++) {
      const asker = await t.personAt(org.domain);
      const request = ((await ask(asker, { organizationId: org.id })).data as any).requestAccess;
      const [approved, withdrawn, second] = await Promise.all([
        t.run(APPROVE, { input: { id: request.id } }, org.admin),
        t.run(WITHDRAW, { id: request.id }, asker),
        t.run(APPROVE, { input: { id: request.id, role: 'ADMIN' } }, org.admin),
      ]);
      const outcomes = [approved, withdrawn, second].map(code);
      expect(outcomes.filter((c) => c === 'ok')).toHaveLength(1);
      expect(outcomes.filter((c) => c !== 'ok')).toEqual(['ACCESS_REQUEST_NOT_PENDING', 'ACCESS_REQUEST_NOT_PENDING']);
      const [row] = await t.h.database.db.query('SELECT status FROM access_requests WHERE id = ?', [request.id]);
      const members = await t.count('SELECT COUNT(*) AS n FROM memberships WHERE user_id = ?', [asker.sub]);
      expect({ status: row.status, members }).toEqual(
        code(withdrawn) === 'ok' ? { status: 'WITHDRAWN', members: 0 } : { status: 'APPROVED', members: 1 },
      );
      const approvals = await t.count(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'ACCESS_REQUEST_APPROVED' AND subject_id = ?",
        [asker.sub],
      );
      expect(approvals).toBe(members);
    }
  });

  it('never passes the seat limit when approvals race', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const members = () =>
      t.count("SELECT COUNT(*) AS n FROM memberships WHERE organization_id = ? AND scope = 'ORGANIZATION'", [org.id]);
    for (let round = 0; round < 5; round++) {
      const limit = (await members()) + 1;
      const limited = await t.run(
        'mutation($id: ID!, $limit: Int) { updateSeatLimit(organizationId: $id, seatLimit: $limit) { id } }',
        { id: org.id, limit },
        org.admin,
      );
      expect(limited.errors).toBeUndefined();
      const askers = [await t.personAt(org.domain), await t.personAt(org.domain)];
      const ids = [];
      for (const asker of askers)
        ids.push(((await ask(asker, { organizationId: org.id })).data as any).requestAccess.id);
      const results = await Promise.all(ids.map((id) => t.run(APPROVE, { input: { id } }, org.admin)));
      expect(results.map(code).sort()).toEqual(['SEAT_LIMIT_REACHED', 'ok']);
      expect(await members()).toBe(limit);
      const statuses: { status: string }[] = await t.h.database.db.query(
        `SELECT status FROM access_requests WHERE id IN (?, ?) ORDER BY status`,
        ids,
      );
      expect(statuses.map((r) => r.status)).toEqual(['APPROVED', 'PENDING']);
    }
  });

  it('puts a person’s requests in their data export, and erases them with the person', async () => {
    const org = await t.organizationWithDomain('REQUEST');
    const asker = await t.personAt(org.domain);
    await ask(asker, { organizationId: org.id }, 'Please let me in');
    const exported = await t.run('{ me { dataExport } }', {}, asker);
    expect((exported.data as any).me.dataExport.accessRequests).toEqual([
      expect.objectContaining({ organizationId: org.id, status: 'PENDING', message: 'Please let me in' }),
    ]);
    await erasePerson(systemScope(t.h), asker.sub);
    expect(await t.count('SELECT COUNT(*) AS n FROM access_requests WHERE requester_id = ?', [asker.sub])).toBe(0);
  });
});
