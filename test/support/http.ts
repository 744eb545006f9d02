import http from 'node:http';
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

/** One call a webhook receiver got: its headers, body and when it arrived (wall clock). */
export interface ReceivedCall {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedCall[];
  close(): Promise<void>;
}

/**
 * A real HTTP receiver on loopback for webhook tests: `answer` decides each response from the
 * number of calls so far (a status, or 'hang': never answers, holding the connection).
 */
export async function webhookReceiver(answer: (n: number) => number | 'hang' = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedCall[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body, at: Date.now() });
      const reply = answer(received.length);
      if (reply === 'hang') return;
      res.statusCode = reply;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
