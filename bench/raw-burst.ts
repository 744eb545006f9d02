import net from 'node:net';

/**
 * The noisy neighbour's burst client (bench/noisy-neighbour.ts): HTTP/1.1 requests written as
 * prepared bytes on keep-alive sockets opened beforehand, and answers read for their status and
 * body only. The burst client shares this two-core machine with the server: through `http.request`
 * sending 230 requests and reading their answers cost the client about 20 ms of CPU right when the
 * burst arrives — time the server and B's reader waited for a core, which a real neighbour, sending
 * from its own machines, never takes from the server. Here the client's part is a write per request.
 */

export interface RawRequest {
  method: 'POST' | 'PATCH';
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface RawAnswer {
  status: number;
  ms: number;
  body: unknown;
}

/** One request's bytes: the request line, the headers with Host and Content-Length, the body. */
function bytesOf(host: string, request: RawRequest): Buffer {
  const body = Buffer.from(request.body);
  const headers = Object.entries({ ...request.headers, host, 'content-length': String(body.length) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`${request.method} ${request.path} HTTP/1.1\r\n${headers}\r\n`), body]);
}

/** Reads one HTTP/1.1 answer from `socket` (Content-Length or chunked), then stops listening. */
function answerOn(socket: net.Socket, started: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const done = (status: number, text: string) => {
      socket.off('data', onData);
      socket.off('error', onError);
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: counted by its status
      }
      resolve({ status, ms: performance.now() - started, body });
    };
    const onError = (error: Error) => {
      socket.off('data', onData);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString('latin1');
      const status = Number(head.slice(9, 12));
      const rest = buffered.subarray(end + 4);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (length) {
        if (rest.length >= Number(length[1])) done(status, rest.subarray(0, Number(length[1])).toString('utf8'));
        return;
      }
      if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) return done(status, '');
      // Chunked: complete once the last (empty) chunk has come.
      const parts: Buffer[] = [];
      let at = 0;
      for (;;) {
        const line = rest.indexOf('\r\n', at);
        if (line < 0) return;
        const size = parseInt(rest.subarray(at, line).toString('latin1'), 16);
        if (size === 0) return done(status, Buffer.concat(parts).toString('utf8'));
        if (rest.length < line + 2 + size + 2) return;
        parts.push(rest.subarray(line + 2, line + 2 + size));
        at = line + 2 + size + 2;
      }
    };
    socket.on('data', onData);
    socket.on('error', onError);
  });
}

/** `size` keep-alive connections to one server, each carrying one request of each burst. */
export class RawBurst {
  private readonly sockets: net.Socket[] = [];

  constructor(
    private readonly port: number,
    private readonly size: number,
  ) {}

  private connect(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.port, '127.0.0.1', () => resolve(socket));
      socket.setNoDelay(true);
      socket.once('error', reject);
    });
  }

  /** Sends request i on socket i, all at once; the answers in the same order. */
  async send(requests: RawRequest[]): Promise<RawAnswer[]> {
    if (requests.length > this.size) throw new Error(`at most ${this.size} requests a burst`);
    for (let i = 0; i < requests.length; i++) {
      if (!this.sockets[i] || this.sockets[i].destroyed) this.sockets[i] = await this.connect();
    }
    const host = `127.0.0.1:${this.port}`;
    const prepared = requests.map((request) => bytesOf(host, request));
    const started = performance.now();
    const answers = prepared.map((_, i) => answerOn(this.sockets[i], started));
    for (let i = 0; i < prepared.length; i++) this.sockets[i].write(prepared[i]);
    return Promise.all(answers);
  }

  close(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}
