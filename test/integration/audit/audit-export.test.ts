import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { ManualClock } from '../../../src/config/clock';
import { toSqlDateTime } from '../../../src/db/sql';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { auditEventId } from '../../../src/services/audit/audit.service';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import { addMember, createOrganization, createWorkspace, signIn } from '../../support/factories';
import { type Harness, type Person, TEST_JWT_SECRET } from '../../support/harness';
import { listen } from '../../support/http';
import { exited, freeTcpPort, start, waitFor } from '../../support/processes';

const MAIN = resolve(__dirname, '../../../dist/src/http/main.js');

/** Writes `count` events of an organization straight into the log, a minute apart, newest last. */
async function seedEvents(
  h: Harness,
  organizationId: string,
  count: number,
  people: string[],
  startAt: Date,
  extra: (i: number) => {
    email?: string | null;
    requestId?: string | null;
    before?: string | null;
    after?: string | null;
  } = () => ({}),
): Promise<void> {
  const columns =
    'id, action, occurred_at, actor_id, scope, organization_id, workspace_id, domain_id, subject_id, email, from_role, to_role, request_id, source, before_value, after_value';
  for (let i = 0; i < count; i += 500) {
    const rows: unknown[][] = [];
    for (let j = i; j < Math.min(count, i + 500); j++) {
      const at = new Date(startAt.getTime() + j * 60_000);
      const { email = `invitee-${j}@example.test`, requestId = `req-${j}`, before = null, after = null } = extra(j);
      rows.push([
        auditEventId(at.getTime()),
        j % 2 ? 'MEMBER_ROLE_CHANGED' : 'INVITATION_CREATED',
        toSqlDateTime(at),
        people[j % people.length],
        'ORGANIZATION',
        organizationId,
        null,
        null,
        people[(j + 1) % people.length],
        email,
        'MEMBER',
        'ACCOUNTING',
        requestId,
        'USER',
        before,
        after,
      ]);
    }
    await h.database.db.query(
      `INSERT INTO audit_events (${columns}) VALUES ${rows.map((r) => `(${r.map(() => '?').join(', ')})`).join(', ')}`,
      rows.flat(),
    );
  }
}

async function exportOf(base: string, token: string | null, query: string) {
  const response = await fetch(`${base}/audit/export?${query}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/**
 * docs/domain-rules.md §16: `GET /audit/export` takes a scope's log out — READ_AUDIT_LOG, the
 * same events and fields as `auditLog`, newest first, NDJSON or CSV — and streams it in constant
 * memory.
 */
describeOnEachDatabase('the audit export', (kind) => {
  const clock = new ManualClock(new Date('2026-12-01T09:00:00Z'), { running: true });
  const h = useHarness(kind, {}, { nudgeOutbox: false, clock });
  let base = '';
  beforeAll(async () => {
    base = (await listen(h.app)).url.replace(/\/graphql$/, '');
  });

  it('needs READ_AUDIT_LOG, refuses as GraphQL does, and checks its parameters', async () => {
    const admin = await h.person('exportadmin');
    const member = await h.person('exportmember');
    const outsider = await h.person('exportoutsider');
    const organization = await createOrganization(h, admin, 'Exported');
    const workspace = await createWorkspace(h, admin, organization.id, 'Exported web');
    await addMember(h, member, { kind: ScopeKind.ORGANIZATION, organizationId: organization.id }, Role.MEMBER);
    await signIn(h, outsider);
    const q = `organizationId=${organization.id}`;
    const codeOf = (r: { text: string }) => JSON.parse(r.text).errors[0].extensions;
    expect([(await exportOf(base, null, q)).status, codeOf(await exportOf(base, null, q)).code]).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    const badToken = await exportOf(base, 'not-a-token', q);
    expect([badToken.status, codeOf(badToken)]).toEqual([401, { code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' }]);
    // A member sees the organization but not its log; an outsider cannot tell it from nothing.
    const forbidden = await exportOf(base, member.token, q);
    expect([forbidden.status, codeOf(forbidden)]).toEqual([403, { code: 'FORBIDDEN', permission: 'READ_AUDIT_LOG' }]);
    const hidden = await exportOf(base, outsider.token, q);
    const missing = await exportOf(base, outsider.token, `organizationId=${randomUUID()}`);
    expect([hidden.status, hidden.text]).toEqual([404, missing.text]);
    for (const [query, field] of [
      ['', 'organizationId'],
      [`${q}&workspaceId=${workspace.id}`, 'organizationId'],
      [`${q}&from=yesterday`, 'from'],
      [`${q}&from=2026-02-01&to=2026-01-01`, 'from'],
      [`${q}&format=xlsx`, 'format'],
    ]) {
      const refused = await exportOf(base, admin.token, query);
      expect([query, refused.status, codeOf(refused)]).toEqual([query, 400, { code: 'BAD_USER_INPUT', field }]);
    }
    // The workspace's export holds its own events only.
    const ws = await exportOf(base, admin.token, `workspaceId=${workspace.id}`);
    expect(ws.status).toBe(200);
    const wsEvents = ws.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(wsEvents.map((e) => [e.action, e.workspaceId])).toEqual([['WORKSPACE_CREATED', workspace.id]]);
  });

  it('gives the events and fields auditLog gives, newest first, in a range; CSV parses back to the same', async () => {
    const admin = await h.person('csvadmin');
    const organization = await createOrganization(h, admin, 'Quoted');
    const awkward = [
      'Smith, "Jo"',
      '=HYPERLINK("http://evil.example")',
      '+1 555',
      "'quoted",
      'line\nbreak',
      'Zoë Ünïcode',
    ];
    const people: Person[] = [];
    for (const name of awkward) {
      const person = await h.person('csvperson');
      const token = await signDevelopmentToken(TEST_JWT_SECRET, { sub: person.sub, email: person.email, name });
      await signIn(h, { ...person, name, token });
      people.push({ ...person, name, token });
    }
    await seedEvents(
      h,
      organization.id,
      300,
      people.map((p) => p.sub),
      new Date('2026-03-01T00:00:00Z'),
      (i) => ({
        email: i % 7 === 0 ? `-dash${i}@example.test` : i % 5 === 0 ? null : `x${i}@example.test`,
        requestId: i % 3 === 0 ? null : `r,${i}`,
        // Before and after values, some awkward for CSV (issue 37, stumble 10).
        before: i % 4 === 0 ? null : `city: "Lyon", ${i}`,
        after: i % 4 === 1 ? null : `=${i}`,
      }),
    );
    const range = 'from=2026-03-01T01:00:00Z&to=2026-03-01T03:00:00Z';
    const ndjson = await exportOf(base, admin.token, `organizationId=${organization.id}&${range}`);
    expect([ndjson.status, ndjson.type]).toEqual([200, 'application/x-ndjson']);
    const events = ndjson.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // Events at 01:00 (inclusive) up to 03:00 (exclusive), a minute apart: 120, newest first.
    expect(events).toHaveLength(120);
    expect(events[0].occurredAt).toBe('2026-03-01T02:59:00.000Z');
    expect(events[119].occurredAt).toBe('2026-03-01T01:00:00.000Z');
    // The same events and people as auditLog shows them.
    const graph = await h.run(
      `query($id: ID!, $since: DateTime, $until: DateTime) { organization(id: $id) { auditLog(first: 100, filter: { since: $since, until: $until }) {
        nodes { id action occurredAt scope organizationId workspaceId domainId email actorDirectoryName subjectDirectoryName fromRole toRole before after requestId source
          actor { id email displayName erased } subject { id email displayName erased } } } } }`,
      { id: organization.id, since: '2026-03-01T01:21:00Z', until: '2026-03-01T02:59:00Z' },
      admin,
    );
    const nodes = (graph.data as any).organization.auditLog.nodes;
    expect(nodes).toHaveLength(99);
    expect(events.slice(0, 99).map(({ provisioningTokenId: _p, ...rest }) => rest)).toEqual(nodes);
    // CSV: a header, and cells that parse back to the same values (one leading apostrophe off).
    const csv = await exportOf(base, admin.token, `organizationId=${organization.id}&${range}&format=csv`);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    const records: Record<string, string>[] = parse(csv.text, { columns: true });
    const value = (cell: string) => (cell === '' ? null : cell.startsWith("'") ? cell.slice(1) : cell);
    expect(records).toHaveLength(120);
    records.forEach((record, i) => {
      const event = events[i];
      expect([
        value(record.id),
        value(record.occurredAt),
        value(record.actorName),
        value(record.subjectEmail),
        value(record.email),
        value(record.before),
        value(record.after),
        value(record.requestId),
      ]).toEqual([
        event.id,
        event.occurredAt,
        event.actor.displayName,
        event.subject.email,
        event.email,
        event.before,
        event.after,
        event.requestId,
      ]);
    });
    // The formula is not a formula to a spreadsheet.
    expect(csv.text).toContain(`'=HYPERLINK(""http://evil.example"")`);
    expect(csv.text).not.toMatch(/,=HYPERLINK/);
  });

  it('streams 200 000 events from a server whose heap could not hold them', async () => {
    const admin = await h.person('bigexport');
    const organization = await createOrganization(h, admin, 'Big log');
    const people: string[] = [admin.sub];
    for (let i = 0; i < 20; i++) {
      const person = await h.person(`named${i}`);
      const token = await signDevelopmentToken(TEST_JWT_SECRET, {
        sub: person.sub,
        email: person.email,
        name: `A rather long display name for person number ${i} of the big export`,
      });
      await signIn(h, { ...person, token });
      people.push(person.sub);
    }
    await seedEvents(h, organization.id, 200_000, people, new Date('2026-01-01T00:00:00Z'));
    const port = await freeTcpPort();
    const metricsPort = await freeTcpPort();
    const HEAP_MB = 96;
    const server = start(process.execPath, [`--max-old-space-size=${HEAP_MB}`, MAIN], {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      DATABASE_URL: h.database.url,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'warn',
    });
    const heapUsed = async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return Number(/^nodejs_heap_size_used_bytes (\d+(\.\d+)?)/m.exec(text)?.[1]);
    };
    try {
      await waitFor('the server', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok);
      const response = await fetch(
        `http://127.0.0.1:${port}/audit/export?organizationId=${organization.id}&from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z`,
        { headers: { authorization: `Bearer ${admin.token}` } },
      );
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let rest = '';
      let lines = 0;
      let bytes = 0;
      let previous = '9999';
      let ordered = true;
      const heap: number[] = [await heapUsed()];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        const text = rest + decoder.decode(value, { stream: true });
        const parts = text.split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          const event = JSON.parse(line) as { occurredAt: string };
          if (event.occurredAt >= previous) ordered = false;
          previous = event.occurredAt;
          lines++;
          // The server's heap, read every 20 000 events as the client takes them.
          if (lines % 20_000 === 0) heap.push(await heapUsed());
        }
      }
      expect([lines, rest, ordered]).toEqual([200_000, '', true]);
      // The export is larger than the server's whole heap limit: it cannot have been held at once.
      expect(bytes).toBeGreaterThan(HEAP_MB * 1024 * 1024);
      expect(Math.max(...heap)).toBeLessThan(HEAP_MB * 1024 * 1024);
      console.log(
        `audit export: ${lines} events, ${Math.round(bytes / 1e6)} MB; server heap ${heap.map((b) => Math.round(b / 1e6)).join(', ')} MB`,
      );
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  }, 300_000);
});
