import { randomUUID } from 'node:crypto';
import { type GraphQLFormattedError } from 'graphql';
import { type App, createApp } from '../../src/http/app';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';
import { toCount } from '../../src/db/sql';
import { createLogger } from '../../src/observability/logger';
import { AcceptInvitationDocument, CreateOrganizationDocument, InviteMemberDocument } from '../generated/graphql';
import { GaleraCluster } from '../support/galera';
import { listen, type Post, webhookReceiver, type WebhookReceiver } from '../support/http';
import { TEST_JWT_SECRET } from '../support/harness';
import { TestSmtpServer } from '../support/smtp';

/**
 * The service on a three-node MariaDB Galera cluster (multi-primary), one server instance per
 * node, for the cluster tests beside this file (`npm run test:cluster`; about a minute to start the
 * cluster here, once for each file): the organization row is what makes two nodes' membership
 * changes of one organization conflict, the loser is retried, and reads through any node see what
 * was acknowledged through another.
 */

export interface Person {
  sub: string;
  email: string;
  token: string;
}
export type Result = { data?: any; errors?: readonly GraphQLFormattedError[] };

export let cluster: GaleraCluster;
export let smtp: TestSmtpServer;
export const apps: App[] = [];
/** Each instance over real HTTP (the fault tests check the status and headers a client sees). */
export const posts: Post[] = [];
export const readyUrls: string[] = [];
export let hooks: WebhookReceiver;
export const databases: Awaited<ReturnType<typeof openDatabase>>[] = [];

export async function person(label: string): Promise<Person> {
  const suffix = randomUUID().slice(0, 8);
  const sub = `galera|${label}-${suffix}`;
  const email = `${label}-${suffix}@example.test`;
  return { sub, email, token: await signDevelopmentToken(TEST_JWT_SECRET, { sub, email, name: label }) };
}

export async function run(
  node: number,
  document: unknown,
  variables: Record<string, unknown>,
  who: Person,
): Promise<Result> {
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

export const outcome = (result: Result) => (result.errors?.[0]?.extensions?.code as string | undefined) ?? 'ok';

/** A scalar from node `node`'s database (causal reads: it has seen every earlier commit). */
export async function count(node: number, sql: string, params: unknown[]): Promise<number> {
  const [row] = await databases[node].query(sql, params);
  return toCount(row.n);
}

export async function organizationWithAdmins(admins: Person[]) {
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

export async function tokenOf(invitationId: string): Promise<string> {
  const [row] = await databases[2].query(
    'SELECT text_body FROM outbox_emails WHERE invitation_id = ? ORDER BY created_at DESC',
    [invitationId],
  );
  return /token=([A-Za-z0-9_-]+)/.exec(row.text_body)![1];
}

export async function membershipId(node: number, who: Person, scopeId: string): Promise<string> {
  const [row] = await databases[node].query('SELECT id FROM memberships WHERE user_id = ? AND scope_id = ?', [
    who.sub,
    scopeId,
  ]);
  return row.id;
}

/** Invites each person to the organization (through node 0) and returns their links' tokens. */
export async function invitations(admin: Person, organizationId: string, people: Person[]): Promise<string[]> {
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

/** Starts the cluster, the SMTP server, the webhook receiver and an instance per node before the file's tests; stops them after. */
export function useGaleraCluster(): void {
  jest.setTimeout(300_000);

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
}
