import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { TEST_JWT_SECRET } from '../support/harness';
import { exited, freeTcpPort, start, waitFor } from '../support/processes';
import { webhookReceiver } from '../support/http';

const MAIN = resolve(__dirname, '../../dist/src/http/main.js');

/**
 * The real server process (built by `npm test`'s pretest) gets SIGTERM while requests are in
 * flight: each of them completes, new connections are refused, and the process exits cleanly.
 * "In flight" is made certain: each request's body is only half sent when the signal goes.
 */
describe('SIGTERM', () => {
  it('lets every in-flight request complete, then exits 0', async () => {
    expect(existsSync(MAIN)).toBe(true);
    const port = await freeTcpPort();
    const database = join(tmpdir(), `membership-shutdown-${randomUUID()}.sqlite`);
    const server = start(process.execPath, [MAIN], {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: `sqlite:${database}`,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
    });
    try {
      await waitFor('the server', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok);
      const token = await signDevelopmentToken(TEST_JWT_SECRET, {
        sub: 'shutdown|ada',
        email: 'ada@example.test',
        name: 'Ada',
      });

      const body = (i: number) =>
        JSON.stringify({ query: `mutation { createOrganization(input: { name: "In flight ${i}" }) { name } }` });
      const sockets: { socket: Socket; rest: string; response: Promise<string> }[] = [];
      for (let i = 0; i < 10; i++) {
        const text = body(i);
        const socket = connect(port, '127.0.0.1');
        await new Promise<void>((ready) => socket.once('connect', () => ready()));
        const response = new Promise<string>((done) => {
          let received = '';
          socket.on('data', (chunk) => (received += chunk));
          socket.on('close', () => done(received));
        });
        const half = Math.floor(text.length / 2);
        socket.write(
          `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\n` +
            `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text.slice(0, half)}`,
        );
        sockets.push({ socket, rest: text.slice(half), response });
      }

      // Let the server read the headers: from then on each request is in flight.
      await new Promise((resolve) => setTimeout(resolve, 300));
      server.child.kill('SIGTERM');
      await waitFor('the listener to close', async () => {
        try {
          await fetch(`http://127.0.0.1:${port}/health`);
          return false;
        } catch {
          return true; // connection refused: no new requests are taken
        }
      });

      // The rest of each body; the server closes each connection after answering (Connection: close).
      for (const { socket, rest } of sockets) socket.write(rest);
      const responses = await Promise.all(sockets.map((s) => s.response));
      responses.forEach((response, i) => {
        expect(response).toMatch(/^HTTP\/1\.1 200/);
        expect(response).toContain(`"name":"In flight ${i}"`);
      });
      const code = await exited(server.child);
      if (code !== 0) console.log(server.output());
      expect(code).toBe(0);
      expect(server.output()).toContain('"msg":"stopped"');
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
    }
  });
});

/**
 * Issue 39: whatever hangs when SIGTERM comes — the log's reader gone, an SMTP server or a webhook
 * receiver that never answers — the process ends within SHUTDOWN_TIMEOUT_MS (2 s here). What it
 * could not finish stays in the outboxes for the next instance; log lines it could not write are
 * lost, never the exit.
 */
describe('SIGTERM with something hanging', () => {
  const BOUND_MS = 2_000;
  /** Process start-up and teardown on a busy 2-core machine, on top of the bound. */
  const SLACK_MS = 1_500;
  let database: string;
  let port: number;
  const cleanups: (() => unknown)[] = [];

  beforeEach(async () => {
    port = await freeTcpPort();
    database = join(tmpdir(), `membership-shutdown-${randomUUID()}.sqlite`);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
  });

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: `sqlite:${database}`,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    SHUTDOWN_TIMEOUT_MS: String(BOUND_MS),
    ...extra,
  });

  async function graphql(query: string, variables: Record<string, unknown> = {}) {
    const token = await signDevelopmentToken(TEST_JWT_SECRET, {
      sub: 'shutdown|grace',
      email: 'grace@example.test',
      name: 'Grace',
    });
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body));
    return body.data;
  }

  /** Sends SIGTERM and measures how long the process takes to end (a bounded wait: it may never). */
  async function stopWatch(child: ReturnType<typeof spawn>): Promise<{ code: number | null; ms: number }> {
    const started = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited(child),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), BOUND_MS + 8_000)),
    ]);
    const ms = Date.now() - started;
    if (code === 'hung') return { code: null, ms: Infinity };
    return { code, ms };
  }

  it('ends once its output reader has gone (EPIPE on stdout and stderr)', async () => {
    // A relay between the server and the test, as `| tee` or a log shipper would be.
    const relay = spawn(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let relayed = '';
    relay.stdout!.on('data', (chunk) => (relayed += chunk));
    const server = spawn(process.execPath, [MAIN], { env: env(), stdio: ['ignore', relay.stdin!, relay.stdin!] });
    // Only the server holds the relay's input now: once the relay is gone, its writes fail with EPIPE.
    relay.stdin!.destroy();
    cleanups.push(() => server.exitCode === null && server.signalCode === null && server.kill('SIGKILL'));
    cleanups.push(() => relay.exitCode === null && relay.kill('SIGKILL'));
    await waitFor('the server', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok);
    await waitFor('its first line through the relay', async () => relayed.includes('membership subgraph ready'));

    relay.kill('SIGKILL');
    await exited(relay);
    // Its first lines into the dead pipe are those of stopping: pino's destination had them in
    // flight at exit, and retried them every 100 ms for ever.
    const { code, ms } = await stopWatch(server);
    // Nothing else hangs: it stops in full, well within the bound, and says so with its exit code.
    expect({ code, ms }).toEqual({ code: 0, ms: expect.any(Number) });
    expect(ms).toBeLessThan(BOUND_MS + SLACK_MS);
  });

  it('ends while an email is being sent to an SMTP server that never answers', async () => {
    // Accepts the connection and says nothing (not even its greeting).
    const connections: Socket[] = [];
    const smtp: Server = createServer((socket) => connections.push(socket));
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const socket of connections) socket.destroy();
      return new Promise((resolve) => smtp.close(resolve));
    });
    const smtpPort = (smtp.address() as { port: number }).port;
    const server = start(
      process.execPath,
      [MAIN],
      env({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, OUTBOX_POLL_MS: '100', APP_URL: 'https://app.example.test' }),
    );
    cleanups.push(() => server.child.exitCode === null && server.child.kill('SIGKILL'));
    await waitFor('the server', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok);
    const { createOrganization } = await graphql('mutation { createOrganization(input: { name: "Mailing" }) { id } }');
    await graphql('mutation($input: InviteMemberInput!) { inviteMember(input: $input) { id } }', {
      input: { scope: { organizationId: createOrganization.id }, email: 'ada@example.test' },
    });
    await waitFor('the email to be on its way', async () => connections.length > 0, 10_000);

    const { code, ms } = await stopWatch(server.child);
    if (code !== 1) console.log(server.output());
    // Ended by the bound (exit code 1, work unfinished), not by the hanging call's own timeout.
    expect({ code, ms }).toEqual({ code: 1, ms: expect.any(Number) });
    expect(ms).toBeGreaterThanOrEqual(BOUND_MS - 100);
    expect(ms).toBeLessThan(BOUND_MS + SLACK_MS);
  });

  it('ends while a webhook receiver holds its call without answering', async () => {
    const receiver = await webhookReceiver(() => 'hang');
    cleanups.push(() => receiver.close());
    const server = start(process.execPath, [MAIN], env({ WEBHOOKS_ALLOW_PRIVATE: 'true' }));
    cleanups.push(() => server.child.exitCode === null && server.child.kill('SIGKILL'));
    await waitFor('the server', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok);
    const { createOrganization } = await graphql('mutation { createOrganization(input: { name: "Hooked" }) { id } }');
    await graphql('mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }', {
      input: { organizationId: createOrganization.id, url: receiver.url },
    });
    await graphql('mutation($id: ID!) { updateOrganization(id: $id, input: { name: "Hooked again" }) { id } }', {
      id: createOrganization.id,
    });
    await waitFor('the webhook call to be held', async () => receiver.received.length > 0, 10_000);

    const { code, ms } = await stopWatch(server.child);
    if (code !== 1) console.log(server.output());
    // Ended by the bound (exit code 1, work unfinished), not by the hanging call's own timeout.
    expect({ code, ms }).toEqual({ code: 1, ms: expect.any(Number) });
    expect(ms).toBeGreaterThanOrEqual(BOUND_MS - 100);
    expect(ms).toBeLessThan(BOUND_MS + SLACK_MS);
  });
});
