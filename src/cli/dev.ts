import { type ChildProcess, spawn } from 'node:child_process';
import { loadConfig } from '../config/config';
import { firstTakenPort, takenPortMessage } from '../http/ports';

/**
 * `npm run dev`: the development loop. The TypeScript compiler in watch mode, the server
 * restarted by Node on every rebuild (`node --watch`), and the reference web app rebuilt by Vite
 * on every change and served at APP_URL by that server — reload the page to see a change; the links
 * in invitation emails keep working. Run `npm run seed` once for demo data.
 *
 * The development preset (each only when not set already): webhooks may call loopback and private
 * addresses (a receiver on your machine), Prometheus metrics on 127.0.0.1:9464, and email domains
 * verified against the loopback DNS server of `npm run dns` (127.0.0.1:5353).
 */
const PRESET: Record<string, string> = {
  WEBHOOKS_ALLOW_PRIVATE: 'true',
  METRICS_PORT: '9464',
  DNS_SERVERS: '127.0.0.1:5353',
};

const children: ChildProcess[] = [];

/**
 * Each child leads its own process group (`detached`), so that stopping reaches what it started
 * too: npx's shell and the tool, `node --watch` and the server it restarts.
 */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  children.push(child);
  return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group has ended already
  }
}

function npx(tool: string, args: string[]): ChildProcess {
  return run(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--no-install', tool, ...args]);
}

async function main(): Promise<void> {
  const env = { ...process.env };
  for (const [name, value] of Object.entries(PRESET)) env[name] ??= value;
  // A taken port is said now, naming its setting, not as the server's EADDRINUSE after the builds.
  const taken = await firstTakenPort(loadConfig(env));
  if (taken) throw new Error(takenPortMessage(taken));

  const codegen = npx('graphql-codegen', ['--config', 'codegen.yml', '--silent']);
  codegen.stdout?.pipe(process.stdout);
  const generated = await new Promise<number | null>((resolve) => codegen.once('exit', resolve));
  if (generated !== 0) throw new Error('codegen failed');

  // The first compilation must be there before the server starts.
  const tsc = npx('tsc', ['-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput']);
  await new Promise<void>((resolve) => {
    tsc.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      process.stdout.write(`[tsc] ${text}`);
      if (/Found \d+ errors?\. Watching for file changes/.test(text)) resolve();
    });
  });

  // The server serves the web app only if it is built when it starts: wait for the first build.
  const web = npx('vite', ['build', '--watch', '--config', 'examples/web/vite.config.mjs', '--logLevel', 'info']);
  await new Promise<void>((resolve) => {
    web.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (/built in|error/i.test(text)) process.stdout.write(`[web] ${text.trim()}\n`);
      if (/built in/.test(text)) resolve();
    });
  });

  const server = run(process.execPath, ['--watch', 'dist/src/http/main.js'], env);
  server.stdout?.pipe(process.stdout);
}

/** The server's own bound (SHUTDOWN_TIMEOUT_MS), and a little more for the watchers. */
const STOP_MS = loadConfig().shutdownTimeoutMs + 2_000;

let stopping = false;
/**
 * Ctrl-C (or SIGTERM): every child is told to stop and waited for, its output still relayed — the
 * server finishes its requests and batches. Exiting at once instead left the server writing into
 * a pipe nobody read, and `node --watch` waiting for it (issue 39). Past STOP_MS, or at a second
 * Ctrl-C, what is left is killed.
 */
function stop(code = 0): void {
  if (stopping) {
    for (const child of children) signalGroup(child, 'SIGKILL');
    process.exit(code || 130);
  }
  stopping = true;
  const alive = children.filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of alive) signalGroup(child, 'SIGTERM');
  const deadline = setTimeout(() => {
    for (const child of children) signalGroup(child, 'SIGKILL');
    process.exit(code || 1);
  }, STOP_MS);
  deadline.unref();
  void Promise.all(alive.map((child) => new Promise((done) => child.once('close', done)))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  stop(1);
});
