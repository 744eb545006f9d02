import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signDevelopmentToken } from '../../../src/auth/jwt';
import { TEST_JWT_SECRET } from '../../support/harness';
import { exited, freeTcpPort, start, waitFor } from '../../support/processes';

const MAIN = resolve(__dirname, '../../../dist/src/http/main.js');

/**
 * The real server process is killed (SIGKILL) while a webhook call is in flight: the event is
 * still delivered, by the server started again on the same database, once the dead process's
 * lease has run out. Nothing acknowledged is lost.
 */
describe('a server killed in the middle of a webhook call', () => {
  it('delivers the event after a restart, with the same webhook-id', async () => {
    expect(existsSync(MAIN)).toBe(true);
    const database = join(tmpdir(), `membership-crash-${randomUUID()}.sqlite`);
    let hang = true;
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['webhook-id']));
        if (hang) return; // the first call never gets an answer
        res.end('ok');
      });
    });
    await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const port = await freeTcpPort();
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: `sqlite:${database}`,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_RETRY_BASE_MS: '100',
      OUTBOX_POLL_MS: '100',
    };
    const token = await signDevelopmentToken(TEST_JWT_SECRET, { sub: 'crash|ada', email: 'ada@example.test' });
    const post = async (query: string, variables: Record<string, unknown> = {}) =>
      (
        await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        })
      ).json() as Promise<any>;

    let server = start(process.execPath, [MAIN], env);
    try {
      await waitFor('the server', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok);
      const organization = (await post('mutation { createOrganization(input: { name: "Crash" }) { id } }')).data
        .createOrganization.id;
      const created = await post(
        'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }',
        { input: { organizationId: organization, url: hookUrl, actions: ['WORKSPACE_CREATED'] } },
      );
      expect(created.errors).toBeUndefined();
      await post('mutation($o: ID!) { createWorkspace(input: { organizationId: $o, name: "W" }) { id } }', {
        o: organization,
      });
      // The call is in flight (the receiver holds it): kill the server there.
      await waitFor('the first call', async () => received.length === 1, 10_000);
      server.child.kill('SIGKILL');
      await exited(server.child);

      hang = false;
      server = start(process.execPath, [MAIN], env);
      await waitFor('the redelivery', async () => received.length >= 2, 20_000);
      expect(new Set(received).size).toBe(1);
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
      receiver.closeAllConnections();
      await new Promise<void>((done) => receiver.close(() => done()));
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
    }
  });
});
