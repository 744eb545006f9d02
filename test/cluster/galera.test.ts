import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
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
  CreateWorkspaceDocument,
  InviteMemberDocument,
  LeaveOrganizationDocument,
  RemoveMemberDocument,
  WorkspaceDocument,
} from '../generated/graphql';
import { GaleraCluster } from '../support/galera';
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
    return { errors: [{ message: String(error), extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
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
  const config = loadConfig({
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    SMTP_URL: smtp.url,
    OUTBOX_POLL_MS: '200',
    MAIL_RETRY_BASE_MS: '200',
  });
  // One after the other: the first runs the migrations, the others find them done.
  for (const node of cluster.nodes) {
    const db = await openDatabase(node.url('membership'));
    databases.push(db);
    apps.push(await createApp(config, db, createLogger({ silent: !process.env.GALERA_LOG }), { nudgeOutbox: false }));
  }
});

afterAll(async () => {
  for (const app of apps) {
    await app.outbox.stop();
    await app.apollo.stop();
  }
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

  it('a node killed mid-stream: the others keep serving, and nothing acknowledged is lost', async () => {
    const admin = await person('admin');
    const organizationId = await organizationWithAdmins([admin]);
    const acknowledged: string[] = [];
    const afterKill: string[] = [];
    let killed = false;
    // Each stream goes on until it has had ten answers after the kill (bounded at 400 requests).
    const stream = async (node: number) => {
      let answeredAfterKill = 0;
      for (let i = 0; i < 400 && answeredAfterKill < 10; i++) {
        if (killed) answeredAfterKill++;
        const result = await run(
          node,
          CreateWorkspaceDocument,
          { input: { organizationId, name: `S${node}-${i}` } },
          admin,
        );
        if (outcome(result) === 'ok') {
          acknowledged.push(result.data.createWorkspace.id);
          if (killed && node !== 2) afterKill.push(result.data.createWorkspace.id);
        } else {
          // Only the instance whose node died may fail, and only after it died.
          expect(node).toBe(2);
          expect(killed).toBe(true);
        }
      }
    };
    const killer = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      cluster.kill(cluster.nodes[2]);
      killed = true;
    })();
    await Promise.all([stream(0), stream(1), stream(2), killer]);
    expect(afterKill.length).toBeGreaterThan(0);
    for (const node of [0, 1]) {
      const present = await count(
        node,
        `SELECT COUNT(*) AS n FROM workspaces WHERE organization_id = ? AND id IN (${acknowledged.map(() => '?').join(', ')})`,
        [organizationId, ...acknowledged],
      );
      expect(present).toBe(acknowledged.length);
    }
  });
});
