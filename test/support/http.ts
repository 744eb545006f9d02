import type { AddressInfo } from 'node:net';
import { type App, createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openTestDatabase, type OpenedDatabase, type TestDatabase } from './databases';
import { TEST_JWT_SECRET } from './harness';

export interface HttpServer {
  url: string;
  app: App;
  database: OpenedDatabase;
  post(
    body: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** The whole server listening on a loopback port, as a client meets it. */
export async function startHttpServer(kind: TestDatabase, env: Record<string, string> = {}): Promise<HttpServer> {
  const database = await openTestDatabase(kind);
  const config = loadConfig({ AUTH_JWT_SECRET: TEST_JWT_SECRET, ...env });
  const app = await createApp(config, database.db, createLogger({ silent: true }), { nudgeOutbox: false });
  const { url, post } = await listen(app);
  return {
    url,
    app,
    database,
    post,
    async close() {
      await app.outbox.stop();
      await app.apollo.stop();
      await database.close();
    },
  };
}

export type Post = HttpServer['post'];

/** Puts a harness's server on a loopback port (for tests that also use the harness's factories). */
export async function listen(app: App): Promise<{ url: string; post: Post }> {
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}/graphql`;
  const post: Post = async (body, token, headers = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text, the assertion will show it
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return { url, post };
}
