import { parseArgs } from 'node:util';
import { DnsResponder } from '../dev/dns-responder';

/**
 * `npm run dns -- NAME VALUE [NAME VALUE …] [--port 5353]`: a DNS server on 127.0.0.1 that answers
 * TXT questions for the names given, so that an email domain can be verified without owning it.
 * Start the service with `DNS_SERVERS=127.0.0.1:5353` (`npm run dev` does), claim a domain, and
 * give this the record the claim names:
 *
 *   npm run dns -- _membership-verification.acme.test membership-verification=3f2a…
 *
 * Development only; it runs until stopped (Ctrl-C).
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string', default: '5353' }, help: { type: 'boolean', default: false } },
  });
  if (values.help || positionals.length === 0 || positionals.length % 2 !== 0) {
    process.stderr.write('usage: npm run dns -- NAME VALUE [NAME VALUE …] [--port 5353]\n');
    process.exit(values.help ? 0 : 2);
  }
  const responder = new DnsResponder();
  for (let i = 0; i < positionals.length; i += 2) {
    const name = positionals[i].toLowerCase().replace(/\.$/, '');
    responder.txt.set(name, [...(responder.txt.get(name) ?? []), positionals[i + 1]]);
  }
  await responder.start(Number(values.port));
  process.stdout.write(`DNS on ${responder.address} (start the service with DNS_SERVERS=${responder.address})\n`);
  for (const [name, records] of responder.txt) process.stdout.write(`  ${name} TXT ${records.join(' | ')}\n`);
  const stop = () => void responder.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
