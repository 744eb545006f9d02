import net from 'node:net';
import type { Config } from '../config/config';

/** A port the server is about to listen on, and the setting that chose it. */
export interface PlannedPort {
  setting: 'PORT' | 'APP_URL' | 'METRICS_PORT';
  host: string;
  port: number;
}

/** The ports `npm start` and `npm run dev` listen on: the API's, the web app's (a local APP_URL), the metrics'. */
export function plannedPorts(config: Config): PlannedPort[] {
  const ports: PlannedPort[] = [{ setting: 'PORT', host: config.host, port: config.port }];
  const app = new URL(config.appUrl);
  const localApp = app.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(app.hostname) && app.port !== '';
  if (!config.production && localApp && Number(app.port) !== config.port) {
    ports.push({ setting: 'APP_URL', host: config.host, port: Number(app.port) });
  }
  if (config.metricsPort) ports.push({ setting: 'METRICS_PORT', host: config.metricsHost, port: config.metricsPort });
  return ports;
}

/** Whether something else listens there: a listen that fails with EADDRINUSE (any other failure is not ours to judge). */
export async function portTaken(host: string, port: number): Promise<boolean> {
  const probe = net.createServer();
  return new Promise<boolean>((done) => {
    probe.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'EADDRINUSE'));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => done(false)));
  });
}

/** What to tell a person whose port is taken: which setting chose it, and what to do. */
export function takenPortMessage(taken: PlannedPort): string {
  const where = `${taken.host}:${taken.port}`;
  const change =
    taken.setting === 'APP_URL'
      ? `set APP_URL to another local port (APP_URL=http://localhost:${taken.port + 1})`
      : `set ${taken.setting} to another port (${taken.setting}=${taken.port + 1})`;
  return `${where} is already in use (chosen by ${taken.setting}): another server is running there — stop it, or ${change}.`;
}

/** A planned port found taken, worded by takenPortMessage. */
export class PortTakenError extends Error {
  constructor(readonly taken: PlannedPort) {
    super(takenPortMessage(taken));
  }
}

/** The first planned port something else holds, or null when all are free. */
export async function firstTakenPort(config: Config): Promise<PlannedPort | null> {
  for (const planned of plannedPorts(config)) if (await portTaken(planned.host, planned.port)) return planned;
  return null;
}
