import http from 'node:http';

/**
 * Organization B's reader of the noisy-neighbour figure (bench/noisy-neighbour.ts), in a process
 * of its own: B's latency is what B's client sees, not also the time the burst client's own event
 * loop takes to send A's 230 requests and read their answers (in one process, B's answer waited
 * behind those). Told by its parent over IPC: `{ setup }` once, then `{ read: n }` (n reads one
 * after another; 0: until `{ stop }`), answered with `{ answers }`.
 */

export interface ReaderSetup {
  url: string;
  token: string;
  organizationId: string;
  query: string;
}

export interface ReadAnswer {
  status: number;
  ms: number;
  /** Answered with B's own data. */
  withData: boolean;
}

const agent = new http.Agent({ keepAlive: true });
let setup: ReaderSetup | null = null;
let stopped = false;

function read(s: ReaderSetup): Promise<ReadAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const body = JSON.stringify({ query: s.query, variables: { id: s.organizationId } });
    const request = http.request(
      s.url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const ms = performance.now() - started;
          let withData = false;
          try {
            withData = JSON.parse(text)?.data?.organization?.id === s.organizationId;
          } catch {
            // not JSON: counted by its status
          }
          resolve({ status: response.statusCode ?? 0, ms, withData });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

process.on('message', (message: { setup?: ReaderSetup; read?: number; stop?: true }) => {
  if (message.setup) setup = message.setup;
  if (message.stop) stopped = true;
  if (message.read === undefined || !setup) return;
  const s = setup;
  const n = message.read;
  stopped = false;
  void (async () => {
    const answers: ReadAnswer[] = [];
    do answers.push(await read(s));
    while (n > 0 ? answers.length < n : !stopped);
    process.send?.({ answers });
  })();
});
process.on('disconnect', () => process.exit(0));
