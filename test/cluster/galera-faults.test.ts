import { type DocumentNode, print } from 'graphql';
import { memberCountDrift, searchIndexDrift } from '../../src/db/membership-rows';
import {
  AcceptInvitationDocument,
  ChangeMemberRoleDocument,
  CreateWebhookEndpointDocument,
  InviteMemberDocument,
} from '../generated/graphql';
import { waitFor } from '../support/processes';
import {
  apps,
  cluster,
  count,
  databases,
  hooks,
  invitations,
  membershipId,
  organizationWithAdmins,
  outcome,
  person,
  type Person,
  posts,
  readyUrls,
  run,
  smtp,
  useGaleraCluster,
} from './galera-support';

/** A node of a three-node Galera cluster (galera-support.ts) killed and restarted: nothing acknowledged is lost. */
useGaleraCluster();

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
