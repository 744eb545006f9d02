import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

/**
 * A real DNS server on loopback, for trying email-domain verification without owning a domain
 * (`npm run dns`) and for the tests: a small UDP responder that answers TXT questions from a
 * table, NXDOMAIN for names it does not know, and — when told to — nothing at all, so that a
 * client's timeout can be seen. Only what that needs of RFC 1035: one question per query, TXT
 * answers, no compression beyond a pointer back to the question's name. Development only.
 */
export class DnsResponder {
  /** TXT records by lower-cased name; each record is one string. */
  readonly txt = new Map<string, string[]>();
  /** Say nothing (a server that does not answer). */
  silent = false;
  /** Questions received, as `name TYPE`. */
  readonly questions: string[] = [];
  private socket: Socket | null = null;
  port = 0;

  /** Listens on 127.0.0.1 (`port` 0: any free one). */
  async start(port = 0): Promise<this> {
    const socket = createSocket('udp4');
    socket.on('message', (message, remote) => {
      const answer = this.answer(message);
      if (answer) socket.send(answer, remote.port, remote.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    this.socket = socket;
    this.port = (socket.address() as AddressInfo).port;
    return this;
  }

  /** What `DNS_SERVERS` takes. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private answer(query: Buffer): Buffer | null {
    if (query.length < 12) return null;
    const labels: string[] = [];
    let offset = 12;
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset];
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += 1 + length;
    }
    const questionEnd = offset + 5; // the terminating zero, QTYPE, QCLASS
    if (questionEnd > query.length) return null;
    const type = query.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    this.questions.push(`${name} ${type === 16 ? 'TXT' : type}`);
    if (this.silent) return null;

    const records = type === 16 ? (this.txt.get(name) ?? null) : null;
    const known = this.txt.has(name);
    const answers = (records ?? []).map((text) => {
      const chunks: Buffer[] = [];
      const bytes = Buffer.from(text, 'utf8');
      for (let i = 0; i < bytes.length || i === 0; i += 255) {
        const chunk = bytes.subarray(i, i + 255);
        chunks.push(Buffer.from([chunk.length]), chunk);
        if (bytes.length === 0) break;
      }
      const data = Buffer.concat(chunks);
      const header = Buffer.alloc(12);
      header.writeUInt16BE(0xc00c, 0); // the question's name
      header.writeUInt16BE(16, 2); // TXT
      header.writeUInt16BE(1, 4); // IN
      header.writeUInt32BE(60, 6); // TTL
      header.writeUInt16BE(data.length, 10);
      return Buffer.concat([header, data]);
    });
    const head = Buffer.alloc(12);
    query.copy(head, 0, 0, 2); // the id
    // QR, the query's RD, RA; NXDOMAIN (3) for a name we know nothing of.
    head.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (known ? 0 : 3), 2);
    head.writeUInt16BE(1, 4);
    head.writeUInt16BE(answers.length, 6);
    return Buffer.concat([head, query.subarray(12, questionEnd), ...answers]);
  }
}
