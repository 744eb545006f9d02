import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config/config';
import { firstTakenPort, takenPortMessage } from '../../src/http/ports';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/** Something else listening on loopback, as another server left running would. */
async function occupy(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** A free loopback port: listened on and let go. */
async function freePort(): Promise<number> {
  const { port, close } = await occupy();
  await close();
  return port;
}

describe('a port already taken (issue 37, first-hour stumble 6)', () => {
  it('is named with the setting that chose it, PORT or APP_URL; free ports pass', async () => {
    const other = await occupy();
    try {
      const free = await freePort();
      const base = { HOST: '127.0.0.1', NODE_ENV: 'development' };
      expect(
        await firstTakenPort(
          loadConfig({ ...base, PORT: String(free), APP_URL: `http://localhost:${await freePort()}` }),
        ),
      ).toBeNull();
      const api = await firstTakenPort(loadConfig({ ...base, PORT: String(other.port) }));
      expect(api).toEqual({ setting: 'PORT', host: '127.0.0.1', port: other.port });
      expect(takenPortMessage(api!)).toBe(
        `127.0.0.1:${other.port} is already in use (chosen by PORT): another server is running there — stop it, or set PORT to another port (PORT=${other.port + 1}).`,
      );
      const web = await firstTakenPort(
        loadConfig({ ...base, PORT: String(free), APP_URL: `http://localhost:${other.port}` }),
      );
      expect(web).toEqual({ setting: 'APP_URL', host: '127.0.0.1', port: other.port });
      expect(takenPortMessage(web!)).toContain(
        `set APP_URL to another local port (APP_URL=http://localhost:${other.port + 1})`,
      );
    } finally {
      await other.close();
    }
  });

  it('stops `npm start` before it builds: one line on stderr, exit code 1', async () => {
    const other = await occupy();
    try {
      const result = await run('npx', ['tsx', 'src/cli/check-ports.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          HOST: '127.0.0.1',
          PORT: String(other.port),
          APP_URL: '',
          METRICS_PORT: '',
          NODE_ENV: '',
        },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `127.0.0.1:${other.port} is already in use (chosen by PORT): another server is running there — stop it, or set PORT to another port (PORT=${other.port + 1}).`,
      );
      // npm start asks before anything is built, npm run dev before its watchers start.
      const { scripts } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
      expect(scripts.start).toMatch(/^tsx src\/cli\/check-ports\.ts && npm run build/);
      expect(readFileSync(resolve(ROOT, 'src/cli/dev.ts'), 'utf8')).toContain('firstTakenPort(loadConfig(env))');
    } finally {
      await other.close();
    }
  });
});
