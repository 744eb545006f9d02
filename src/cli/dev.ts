import { type ChildProcess, spawn } from 'node:child_process';

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

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

function npx(tool: string, args: string[]): ChildProcess {
  return run(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--no-install', tool, ...args]);
}

async function main(): Promise<void> {
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

  const env = { ...process.env };
  for (const [name, value] of Object.entries(PRESET)) env[name] ??= value;
  const server = run(process.execPath, ['--watch', 'dist/src/http/main.js'], env);
  server.stdout?.pipe(process.stdout);
}

function stop(): void {
  for (const child of children) child.kill('SIGTERM');
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  stop();
});
