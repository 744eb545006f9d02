import type { AddressInfo } from 'node:net';
import type { App } from '../../src/http/app';

export type Post = (
  body: unknown,
  token?: string,
  headers?: Record<string, string>,
) => Promise<{ status: number; body: any; headers: Headers }>;

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
