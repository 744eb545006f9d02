import { randomUUID } from 'node:crypto';
import { type DocumentNode, type GraphQLFormattedError, print } from 'graphql';
import { type App, createApp } from '../../src/http/app';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';
import { memberCountDrift, searchIndexDrift } from '../../src/db/membership-rows';
import { toCount } from '../../src/db/sql';
import { PUBLIC_ERROR_CODES } from '../../src/domain/errors';
import { createLogger } from '../../src/observability/logger';
import {
  AcceptInvitationDocument,
  ChangeMemberRoleDocument,
  CreateOrganizationDocument,
  CreateWebhookEndpointDocument,
  CreateWorkspaceDocument,
  InviteMemberDocument,
  LeaveOrganizationDocument,
  RemoveMemberDocument,
  WorkspaceDocument,
} from '../generated/graphql';
import { GaleraCluster } from '../support/galera';
import { listen, type Post, webhookReceiver, type WebhookReceiver } from '../support/http';
import { TEST_JWT_SECRET } from '../support/harness';
import { waitFor } from '../support/processes';
import { TestSmtpServer } from '../support/smtp';

/**
 * The service on a three-node MariaDB Galera cluster (multi-primary), one server instance per
 * node: the organization row is what makes two nodes' membership changes of one organization
 * conflict, the loser is retried, and reads through any node see what was acknowledged through
 * another. `npm run test:cluster` (about a minute to start the cluster here).
 */
jest.setTimeout(300_000);

interface Person {
  sub: string;
  email: string;
  token: string;
}
type Result = { data?: any; errors?: readonly GraphQLFormattedError[] };

let cluster: GaleraCluster;
let smtp: TestSmtpServer;
const apps: App[] = [];
/** Each instance over real HTTP (the fault tests check the status and headers a client sees). */
const posts: Post[] = [];
const readyUrls: string[] = [];
let hooks: WebhookReceiver;
const databases: Awaited<ReturnType<typeof openDatabase>>[] = [];

async function person(label: string): Promise<Person> {
  const suffix = randomUUID().slice(0, 8);
  const sub = `galera|${label}-${suffix}`;
  const email = `${label}-${suffix}@example.test`;
  return { sub, email, token: await signDevelopmentToken(TEST_JWT_SECRET, { sub, email, name: label }) };
}

async function run(node: number, document: unknown, variables: Record<string, unknown>, who: Person): Promise<Result> {
  const app = apps[node];
  try {
    const contextValue = await app.contextFor(`Bearer ${who.token}`);
    const response = await app.apollo.executeOperation({ query: document as never, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { data: response.body.singleResult.data, errors: response.body.singleResult.errors };
  } catch (error) {
    // The context itself failed (the node's database is gone): what a client would see.
    const code = (error as { extensions?: { code?: string } }).extensions?.code ?? 'INTERNAL_SERVER_ERROR';
    return { errors: [{ message: String(error), extensions: { code } }] };
  }
}

const outcome = (result: Result) => (result.errors?.[0]?.extensions?.code as string | undefined) ?? 'ok';

/** A scalar from node `node`'s database (causal reads: it has seen every earlier commit). */
async function count(node: number, sql: string, params: unknown[]): Promise<number> {
  const [row] = await databases[node].query(sql, params);
  return toCount(row.n);
}

async function organizationWithAdmins(admins: Person[]) {
  const created = await run(0, CreateOrganizationDocument, { input: { name: 'Cluster' } }, admins[0]);
  const organizationId = created.data.createOrganization.id as string;
  for (const admin of admins.slice(1)) {
    const invited = await run(
      0,
      InviteMemberDocument,
      {
        input: { scope: { organizationId }, email: admin.email, role: 'ADMIN' },
      },
      admins[0],
    );
    const token = await tokenOf(invited.data.inviteMember.id);
    expect(outcome(await run(1, AcceptInvitationDocument, { input: { token } }, admin))).toBe('ok');
  }
  return organizationId;
}

async function tokenOf(invitationId: string): Promise<string> {
  const [row] = await databases[2].query(
    'SELECT text_body FROM outbox_emails WHERE invitation_id = ? ORDER BY created_at DESC',
    [invitationId],
  );
  return /token=([A-Za-z0-9_-]+)/.exec(row.text_body)![1];
}

async function membershipId(node: number, who: Person, scopeId: string): Promise<string> {
  const [row] = await databases[node].query('SELECT id FROM memberships WHERE user_id = ? AND scope_id = ?', [
    who.sub,
    scopeId,
  ]);
  return row.id;
}

beforeAll(async () => {
  cluster = await GaleraCluster.start(3);
  await cluster.sql(cluster.nodes[0], 'CREATE DATABASE membership CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  smtp = await new TestSmtpServer().start();
  hooks = await webhookReceiver();
  const config = loadConfig({
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    SMTP_URL: smtp.url,
    OUTBOX_POLL_MS: '200',
    MAIL_RETRY_BASE_MS: '200',
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    WEBHOOK_TIMEOUT_MS: '1000',
    WEBHOOK_RETRY_BASE_MS: '200',
  });
  // One after the other: the first runs the migrations, the others find them done.
  for (const node of cluster.nodes) {
    const db = await openDatabase(node.url('membership'));
    databases.push(db);
    const app = await createApp(config, db, createLogger({ silent: !process.env.GALERA_LOG }), {
      nudgeOutbox: false,
      // An email or webhook call claimed by the instance whose node dies is another's after 3 s.
      dispatcherLeaseMs: 3_000,
    });
    apps.push(app);
    const { url, post } = await listen(app);
    posts.push(post);
    readyUrls.push(url.replace(/\/graphql$/, '/ready'));
  }
});

afterAll(async () => {
  for (const app of apps) {
    await app.outbox.stop();
    await app.webhooks.stop();
    await app.apollo.stop();
  }
  await hooks?.close();
  for (const db of databases) await db.destroy().catch(() => undefined);
  await smtp?.stop();
  await cluster?.stop();
});

describe('on a three-node Galera cluster', () => {
  it('opens every pool with causal reads', async () => {
    for (const db of databases) {
      const [row] = await db.query('SELECT @@session.wsrep_sync_wait AS w');
      expect(Number(row.w)).toBe(1);
    }
  });

  it('two admins demoting or removing each other through two nodes always leave an ADMIN (12 rounds)', async () => {
    for (let round = 0; round < 12; round++) {
      const [x, y] = [await person('x'), await person('y')];
      const organizationId = await organizationWithAdmins([x, y]);
      const [xId, yId] = [await membershipId(0, x, organizationId), await membershipId(1, y, organizationId)];
      const move = (node: number, actor: Person, target: string) =>
        round % 2 === 0
          ? run(node, ChangeMemberRoleDocument, { input: { memberId: target, role: 'MEMBER' } }, actor)
          : run(node, RemoveMemberDocument, { memberId: target }, actor);
      const results = await Promise.all([move(0, x, yId), move(1, y, xId)]);
      for (const result of results) expect(['ok', 'LAST_ADMIN', 'NOT_FOUND', 'FORBIDDEN']).toContain(outcome(result));
      expect(
        await count(2, "SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ? AND role = 'ADMIN'", [organizationId]),
      ).toBeGreaterThanOrEqual(1);
    }
  });

  it('accepting a workspace-ADMIN invitation on one node while removed on another never leaves a workspace member outside the organization (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const admin = await person('admin');
      const u = await person('u');
      const organizationId = await organizationWithAdmins([admin, u]);
      const workspace = await run(0, CreateWorkspaceDocument, { input: { organizationId, name: 'W' } }, admin);
      const workspaceId = workspace.data.createWorkspace.id;
      // U is an ADMIN of the organization here; demote to MEMBER first.
      await run(
        0,
        ChangeMemberRoleDocument,
        {
          input: { memberId: await membershipId(0, u, organizationId), role: 'MEMBER' },
        },
        admin,
      );
      const invited = await run(
        1,
        InviteMemberDocument,
        {
          input: { scope: { workspaceId }, email: u.email, role: 'ADMIN' },
        },
        admin,
      );
      const token = await tokenOf(invited.data.inviteMember.id);
      const memberId = await membershipId(1, u, organizationId);
      const results = await Promise.all([
        run(0, AcceptInvitationDocument, { input: { token } }, u),
        run(1, RemoveMemberDocument, { memberId }, admin),
      ]);
      expect(outcome(results[1])).toBe('ok');
      expect(['ok', 'INVITATION_NOT_PENDING']).toContain(outcome(results[0]));
      expect(
        await count(2, 'SELECT COUNT(*) AS n FROM memberships WHERE user_id = ? AND organization_id = ?', [
          u.sub,
          organizationId,
        ]),
      ).toBe(0);
    }
  });

  it('promote, leave and leave through three nodes never leave an organization without an ADMIN (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const admin = await person('admin');
      const other = await person('other');
      const organizationId = await organizationWithAdmins([admin, other]);
      // `other` becomes ACCOUNTING, then is promoted while leaving, and the admin leaves too.
      await run(
        0,
        ChangeMemberRoleDocument,
        {
          input: { memberId: await membershipId(0, other, organizationId), role: 'ACCOUNTING' },
        },
        admin,
      );
      const memberId = await membershipId(0, other, organizationId);
      const results = await Promise.all([
        run(round % 3, ChangeMemberRoleDocument, { input: { memberId, role: 'ADMIN' } }, admin),
        run((round + 1) % 3, LeaveOrganizationDocument, { organizationId }, other),
        run((round + 2) % 3, LeaveOrganizationDocument, { organizationId }, admin),
      ]);
      for (const result of results) expect(['ok', 'LAST_ADMIN', 'NOT_FOUND', 'FORBIDDEN']).toContain(outcome(result));
      expect(
        await count(round % 3, "SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ? AND role = 'ADMIN'", [
          organizationId,
        ]),
      ).toBeGreaterThanOrEqual(1);
    }
  });

  it('ten accepts of one invitation over three nodes make one membership', async () => {
    for (let round = 0; round < 3; round++) {
      const admin = await person('admin');
      const invitee = await person('invitee');
      const organizationId = await organizationWithAdmins([admin]);
      const invited = await run(
        0,
        InviteMemberDocument,
        {
          input: { scope: { organizationId }, email: invitee.email, role: 'MEMBER' },
        },
        admin,
      );
      const token = await tokenOf(invited.data.inviteMember.id);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => run(i % 3, AcceptInvitationDocument, { input: { token } }, invitee)),
      );
      const outcomes = results.map(outcome);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'ok')).toEqual(Array(9).fill('INVITATION_NOT_PENDING'));
      expect(await count(1, 'SELECT COUNT(*) AS n FROM memberships WHERE user_id = ?', [invitee.sub])).toBe(1);
    }
  });

  it('forty concurrent invitations through three instances: documented codes only, and each email sent exactly once', async () => {
    const admin = await person('admin');
    const organizationId = await organizationWithAdmins([admin]);
    const emails = Array.from({ length: 40 }, (_, i) => `guest-${i}-${randomUUID().slice(0, 6)}@example.test`);
    const results = await Promise.all(
      emails.map((email, i) =>
        run(i % 3, InviteMemberDocument, { input: { scope: { organizationId }, email, role: 'MEMBER' } }, admin),
      ),
    );
    for (const result of results)
      expect(PUBLIC_ERROR_CODES.filter((c) => c !== 'INTERNAL_SERVER_ERROR').concat(['ok' as never])).toContain(
        outcome(result),
      );
    const invited = emails.filter((_, i) => outcome(results[i]) === 'ok');
    expect(invited.length).toBe(40);
    for (const app of apps) app.outbox.start();
    await waitFor('every invitation email', async () => invited.every((email) => smtp.to(email).length > 0), 60_000);
    // Give every dispatcher a few more rounds to send anything twice, then count.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const email of invited) expect(smtp.to(email)).toHaveLength(1);
    for (const app of apps) await app.outbox.stop();
  });

  it('reads through one node see what was acknowledged through another (30 rounds)', async () => {
    const admin = await person('admin');
    const organizationId = await organizationWithAdmins([admin]);
    for (let round = 0; round < 30; round++) {
      const created = await run(
        round % 3,
        CreateWorkspaceDocument,
        {
          input: { organizationId, name: `W${round}` },
        },
        admin,
      );
      const id = created.data.createWorkspace.id;
      const read = await run((round + 1) % 3, WorkspaceDocument, { id }, admin);
      expect(read.errors).toBeUndefined();
      expect(read.data.workspace).toMatchObject({ id, name: `W${round}` });
    }
  });

  it('after all of the races above, the member counts and search index on every node equal its memberships', async () => {
    // The counts are written in each membership change's transaction, beside the organization
    // row: a change retried after losing certification must not count twice.
    expect(await count(0, 'SELECT COUNT(*) AS n FROM memberships', [])).toBeGreaterThan(20);
    for (const db of databases) expect(await memberCountDrift(db)).toEqual([]);
    for (const db of databases) expect(await searchIndexDrift(db)).toEqual([]);
  });
});

interface HttpResult {
  status: number;
  code: string;
  retryAfter: string | null;
  data?: any;
}

/** One operation through instance `node` over HTTP, as a client or router sees it. */
async function call(
  node: number,
  document: unknown,
  variables: Record<string, unknown>,
  who: Person,
): Promise<HttpResult> {
  const response = await posts[node]({ query: print(document as DocumentNode), variables }, who.token);
  return {
    status: response.status,
    code: (response.body?.errors?.[0]?.extensions?.code as string | undefined) ?? 'ok',
    retryAfter: response.headers.get('retry-after'),
    data: response.body?.data,
  };
}

/** The only answer the instance of a dead node may give: retryable, at once. */
function expectUnavailable(result: HttpResult): void {
  expect([result.status, result.code, result.retryAfter]).toEqual([503, 'SERVICE_UNAVAILABLE', '2']);
}

/** Kills node `node` (SIGKILL) as soon as `when` holds. */
async function killWhen(node: number, when: () => boolean): Promise<void> {
  await waitFor(`the moment to kill node ${node}`, async () => when(), 120_000);
  cluster.kill(cluster.nodes[node]);
}

/** Starts the node again, and waits until it is synced and its instance ready again by itself. */
async function restart(node: number): Promise<void> {
  await cluster.startNode(cluster.nodes[node]);
  await waitFor(`instance ${node} to be ready`, async () => (await fetch(readyUrls[node])).status === 200, 60_000);
}

/** docs/domain-rules.md §17, on every node: each organization keeps an ADMIN; counts and search index match the rows. */
async function checkEveryNode(organizationIds: string[]): Promise<void> {
  for (const [node, db] of databases.entries()) {
    for (const organizationId of organizationIds) {
      expect(
        await count(node, "SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ? AND role = 'ADMIN'", [
          organizationId,
        ]),
      ).toBeGreaterThanOrEqual(1);
    }
    expect(await memberCountDrift(db)).toEqual([]);
    expect(await searchIndexDrift(db)).toEqual([]);
  }
}

/** Invites each person to the organization (through node 0) and returns their links' tokens. */
async function invitations(admin: Person, organizationId: string, people: Person[]): Promise<string[]> {
  const tokens: string[] = [];
  for (const who of people) {
    const invited = await run(
      0,
      InviteMemberDocument,
      { input: { scope: { organizationId }, email: who.email, role: 'MEMBER' } },
      admin,
    );
    tokens.push(await tokenOf(invited.data.inviteMember.id));
  }
  return tokens;
}

describe('a node killed and restarted (docs/domain-rules.md §17)', () => {
  it('during accepts through three instances: nothing acknowledged is lost, the dead node’s instance answers only 503, one audit event per membership', async () => {
    const admin = await person('admin');
    const organizationId = await organizationWithAdmins([admin]);
    const invitees = await Promise.all(Array.from({ length: 36 }, (_, i) => person(`joiner${i}`)));
    const tokens = await invitations(admin, organizationId, invitees);

    let answered = 0;
    let killed = false;
    let acknowledgedAfterKill = 0;
    const acknowledged: string[] = [];
    const refused: number[] = [];
    const stream = async (node: number) => {
      for (let i = node; i < invitees.length; i += 3) {
        const result = await call(node, AcceptInvitationDocument, { input: { token: tokens[i] } }, invitees[i]);
        answered++;
        if (result.code === 'ok') {
          acknowledged.push(invitees[i].sub);
          if (killed) acknowledgedAfterKill++;
        } else {
          // Only the instance whose node died fails, only after it died, and only retryably.
          expect([node, killed]).toEqual([2, true]);
          expectUnavailable(result);
          refused.push(i);
        }
      }
    };
    const killer = killWhen(2, () => answered >= 9).then(async () => {
      killed = true;
      // The instance says so at once: its readiness turns 503 within 5 s.
      const diedAt = Date.now();
      await waitFor('instance 2 to be unready', async () => (await fetch(readyUrls[2])).status === 503, 5_000);
      expect(Date.now() - diedAt).toBeLessThan(5_000);
    });
    await Promise.all([stream(0), stream(1), stream(2), killer]);
    expect(acknowledgedAfterKill).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);

    await restart(2);
    // The refused accepts, tried again through the recovered instance: each joins once (or, had its
    // commit's acknowledgement been what was lost, is told it already did).
    for (const i of refused) {
      const again = await call(2, AcceptInvitationDocument, { input: { token: tokens[i] } }, invitees[i]);
      expect(['ok', 'INVITATION_NOT_PENDING', 'ALREADY_MEMBER']).toContain(again.code);
    }
    for (const node of [0, 1, 2]) {
      expect(
        await count(
          node,
          `SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ? AND user_id IN (${invitees.map(() => '?').join(', ')})`,
          [organizationId, ...invitees.map((who) => who.sub)],
        ),
      ).toBe(invitees.length);
      expect(
        await count(
          node,
          "SELECT COUNT(*) AS n FROM audit_events WHERE organization_id = ? AND action = 'INVITATION_ACCEPTED'",
          [organizationId],
        ),
      ).toBe(invitees.length);
    }
    await checkEveryNode([organizationId]);
  });

  it('during a storm of role changes: an ADMIN always, and one audit event for each change that committed', async () => {
    const admins = [await person('lead'), await person('deputy')];
    const organizationId = await organizationWithAdmins(admins);
    const members = await Promise.all(Array.from({ length: 12 }, (_, i) => person(`staff${i}`)));
    const tokens = await invitations(admins[0], organizationId, members);
    for (const [i, who] of members.entries()) {
      expect(outcome(await run(i % 3, AcceptInvitationDocument, { input: { token: tokens[i] } }, who))).toBe('ok');
    }
    const ids = await Promise.all(members.map((who) => membershipId(0, who, organizationId)));
    const cycle = ['ACCOUNTING', 'ADMIN', 'MEMBER'] as const;

    let answered = 0;
    let killed = false;
    // Each stream changes its own members' roles (never to the role they hold), 10 rounds each.
    const acknowledged = [0, 0, 0];
    const attempted = [0, 0, 0];
    const stream = async (node: number) => {
      const mine = ids.filter((_, i) => i % 3 === node);
      for (let round = 0; round < 10; round++) {
        for (const memberId of mine) {
          attempted[node]++;
          const result = await call(
            node,
            ChangeMemberRoleDocument,
            { input: { memberId, role: cycle[round % 3] } },
            admins[node % 2],
          );
          answered++;
          if (result.code === 'ok') acknowledged[node]++;
          else {
            expect([node, killed]).toEqual([1, true]);
            expectUnavailable(result);
          }
        }
      }
    };
    const killer = killWhen(1, () => answered >= 20).then(() => (killed = true));
    await Promise.all([stream(0), stream(1), stream(2), killer]);

    await restart(1);
    const changesOf = (node: number, memberIds: string[]) =>
      count(
        node,
        `SELECT COUNT(*) AS n FROM audit_events WHERE organization_id = ? AND action = 'MEMBER_ROLE_CHANGED' AND subject_id IN (${memberIds.map(() => '?').join(', ')})`,
        [organizationId, ...members.filter((_, i) => memberIds.includes(ids[i])).map((who) => who.sub)],
      );
    for (const node of [0, 1, 2]) {
      // The live instances' changes were all acknowledged: exactly one event each.
      for (const stream of [0, 2]) {
        expect(
          await changesOf(
            node,
            ids.filter((_, i) => i % 3 === stream),
          ),
        ).toBe(acknowledged[stream]);
      }
      // The dead node's: every acknowledged one, and at most one per attempt.
      const deadOnes = await changesOf(
        node,
        ids.filter((_, i) => i % 3 === 1),
      );
      expect(deadOnes).toBeGreaterThanOrEqual(acknowledged[1]);
      expect(deadOnes).toBeLessThanOrEqual(attempted[1]);
    }
    expect(acknowledged[1]).toBeLessThan(attempted[1]);
    await checkEveryNode([organizationId]);
  });

  it('during email and webhook delivery: every email and webhook call of a committed change arrives, with its stable id', async () => {
    const admin = await person('sender');
    const organizationId = await organizationWithAdmins([admin]);
    const endpoint = await run(
      0,
      CreateWebhookEndpointDocument,
      { input: { organizationId, url: hooks.url, actions: ['INVITATION_CREATED'] } },
      admin,
    );
    expect(outcome(endpoint)).toBe('ok');
    const invitees = await Promise.all(Array.from({ length: 30 }, (_, i) => person(`guest${i}`)));
    const invitationIds: string[] = [];
    for (const [i, who] of invitees.entries()) {
      const invited = await run(
        i % 3,
        InviteMemberDocument,
        { input: { scope: { organizationId }, email: who.email, role: 'MEMBER' } },
        admin,
      );
      invitationIds.push(invited.data.inviteMember.id);
    }
    const placeholders = invitationIds.map(() => '?').join(', ');
    const emailIds = (
      await databases[0].query(`SELECT id FROM outbox_emails WHERE invitation_id IN (${placeholders})`, invitationIds)
    ).map((row: { id: string }) => row.id);
    const eventIds = (
      await databases[0].query('SELECT event_id FROM webhook_deliveries WHERE organization_id = ?', [organizationId])
    ).map((row: { event_id: string }) => row.event_id);
    expect(emailIds).toHaveLength(30);
    expect(eventIds).toHaveLength(30);

    // Every instance delivers; node 0 dies once deliveries are under way.
    smtp.delayMs = 100;
    const sentBefore = smtp.messages.length;
    for (const app of apps) {
      app.outbox.start();
      app.webhooks.start();
    }
    try {
      await killWhen(0, () => smtp.messages.length - sentBefore >= 4);
      await restart(0);
      await waitFor(
        'every email and webhook call to be delivered',
        async () =>
          (await count(
            1,
            `SELECT COUNT(*) AS n FROM outbox_emails WHERE status <> 'SENT' AND invitation_id IN (${placeholders})`,
            invitationIds,
          )) === 0 &&
          (await count(
            1,
            "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status <> 'DELIVERED' AND organization_id = ?",
            [organizationId],
          )) === 0,
        120_000,
      );
    } finally {
      for (const app of apps) {
        await app.outbox.stop();
        await app.webhooks.stop();
      }
      smtp.delayMs = 0;
    }
    const received = new Set(smtp.messages.map((mail) => /^<([^@]+)@/.exec(mail.messageId ?? '')?.[1]));
    for (const id of emailIds) expect(received).toContain(id);
    const called = hooks.received.map((call) => call.headers['webhook-id']);
    for (const id of eventIds) expect(called).toContain(id);
    for (const node of [0, 1, 2]) {
      expect(
        await count(
          node,
          `SELECT COUNT(*) AS n FROM outbox_emails WHERE status = 'SENT' AND id IN (${placeholders})`,
          emailIds,
        ),
      ).toBe(30);
    }
    await checkEveryNode([organizationId]);
  });
});
