import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freeTcpPort } from '../support/processes';
import { developmentSubject } from '../../src/dev/demo-people';

/**
 * A stranger's first hour, for real: the committed tree cloned into an empty temporary folder
 * (nothing of the product team's beside it), then the README's Quick start commands as written
 * (`npm test` on its unit and API tiers: CI runs every tier on the committed tree already). Slow
 * (it builds the server, the web app and the tests twice, as the README's commands do), so it
 * runs on its own: `npm run test:clone`, which CI runs.
 *
 * What is under test is the clone and the README's commands, not npm: a clean install from the
 * lock file (better-sqlite3 compiled, about two minutes here) is what CI's own `npm ci` proves
 * a minute before. So the clone starts with the checkout's installed packages hard-linked into
 * its node_modules (`preinstalled`), and the README's `npm install` runs over them as written: it
 * still reads the clone's own lock file, warns of every package's engines (EBADENGINE) and adds
 * or removes whatever the checkout's node_modules holds beyond the lock file — it only has no
 * package left to download and compile.
 */
const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const MINUTES = 60_000;

/**
 * `from`'s tree at `to`: folders made anew, files hard-linked (copied across file systems),
 * symbolic links as they are. At the top, npm's record of what it installed
 * (`.package-lock.json`) is copied — npm rewrites it, and a link would write through to the
 * checkout's — and last, so that npm trusts it (no folder newer than it); other dot folders there
 * (caches such as `.vite-temp`) are left out.
 */
function preinstalled(from: string, to: string, top = true): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (top && name.startsWith('.') && name !== '.bin') continue;
    const source = join(from, name);
    const target = join(to, name);
    const stat = lstatSync(source);
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (stat.isDirectory()) preinstalled(source, target, false);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
      }
    }
  }
  if (top && existsSync(join(from, '.package-lock.json'))) {
    copyFileSync(join(from, '.package-lock.json'), join(to, '.package-lock.json'));
    const now = new Date();
    utimesSync(join(to, '.package-lock.json'), now, now);
  }
}

describe('a fresh clone with nothing beside it', () => {
  const folder = mkdtempSync(join(tmpdir(), 'membership-clone-'));
  const clone = join(folder, 'membership');
  // The parent's database settings must not leak into the stranger's run.
  const env = { ...process.env, TEST_DATABASE_URL: '', DATABASE_URL: '', PORT: '', HOST: '', NODE_ENV: '' };
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it(
    'installs without engine warnings, serves on loopback, signs tokens quietly, and passes npm test',
    async () => {
      await run('git', ['clone', '-q', ROOT, clone]);
      expect(existsSync(join(folder, 'shared'))).toBe(false);
      preinstalled(join(ROOT, 'node_modules'), join(clone, 'node_modules'));

      // --prefer-offline: what this machine's npm cache already holds (CI installed the same lock file
      // a minute ago) is not asked of the registry again; anything missing still comes from it.
      const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: clone,
        env,
        maxBuffer: 1 << 26,
      });
      expect(`${install.stdout}${install.stderr}`).not.toMatch(/EBADENGINE/);

      // `npm start`: builds, migrates the embedded database, listens on 127.0.0.1.
      const port = await freeTcpPort();
      const webPort = await freeTcpPort();
      const server = spawn('npm', ['start'], {
        cwd: clone,
        env: { ...env, PORT: String(port), APP_URL: `http://localhost:${webPort}` },
        detached: true,
      });
      let log = '';
      server.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
      server.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      try {
        const deadline = Date.now() + 3 * MINUTES;
        while (!log.includes('membership subgraph ready') && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
        }
        expect(log).toContain(`membership subgraph ready at http://127.0.0.1:${port}/graphql`);

        // `npm run -s token` prints the token and nothing else on stdout.
        const token = (
          await run('npm', ['run', '-s', 'token', '--', '--email', 'ada@demo.example'], { cwd: clone, env })
        ).stdout;
        expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
        const answer = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token.trim()}` },
          body: JSON.stringify({ query: '{ me { id email } }' }),
        });
        expect(await answer.json()).toEqual({
          data: { me: { id: developmentSubject('ada@demo.example'), email: 'ada@demo.example' } },
        });

        // The web app at APP_URL: an invitation link's page, and the development sign-in.
        expect(log).toContain(`web app at http://localhost:${webPort}`);
        const page = await fetch(`http://127.0.0.1:${webPort}/invitations/accept?token=abc`);
        expect(await page.text()).toContain('<div id="root"></div>');
        const settings = await (await fetch(`http://127.0.0.1:${webPort}/config.json`)).json();
        // Under npm start: https-only webhooks and no test DNS, so the app says those screens cannot be tried here.
        expect(settings).toEqual({
          graphqlUrl: `http://127.0.0.1:${port}/graphql`,
          devSignIn: true,
          tokenUrl: null,
          ssoClaim: 'sso_connection',
          tryHere: { emailDomains: false, webhooks: false },
        });
        const signIn = await fetch(`http://127.0.0.1:${webPort}/dev/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'ada@demo.example' }),
        });
        expect(((await signIn.json()) as { token: string }).token).toMatch(/^eyJ/);
      } finally {
        process.kill(-(server.pid as number), 'SIGTERM');
      }

      // The README's test command, as a stranger runs it — on the tiers that need no server of their own
      // (pure logic and the whole schema). CI runs every tier on the committed tree right before this, on
      // SQLite and MariaDB: here what is proven is that a clone with nothing beside it installs, generates,
      // builds and tests by itself, without running the same suite twice in one CI run.
      const tests = await run('npm', ['test', '--', 'test/unit', 'test/api'], {
        cwd: clone,
        env,
        maxBuffer: 1 << 26,
      }).then(
        (done) => ({ code: 0, ...done }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(tests.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
      expect(tests.code).toBe(0);
    },
    20 * MINUTES,
  );
});
