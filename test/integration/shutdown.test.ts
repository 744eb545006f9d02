import { existsSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { TEST_JWT_SECRET } from '../support/harness';
import { exited, freeTcpPort, start, waitFor } from '../support/processes';

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
