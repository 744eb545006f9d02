import { Resolver } from 'node:dns/promises';
import type { Config } from '../config/config';
import { VerificationFailedError } from '../domain/errors';

/**
 * What DNS says at a name: the TXT strings (each record's chunks joined), or a
 * VERIFICATION_FAILED that says why — no record, or no answer in time. Asks `DNS_SERVERS` when
 * set (`host:port` too), once, within `DNS_TIMEOUT_MS`. `node:dns` is the whole client.
 */
export async function txtRecords(config: Pick<Config, 'dnsServers' | 'dnsTimeoutMs'>, name: string): Promise<string[]> {
  const resolver = new Resolver({ timeout: config.dnsTimeoutMs, tries: 1 });
  if (config.dnsServers.length > 0) resolver.setServers(config.dnsServers);
  try {
    return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENODATA' || code === 'ENOTFOUND') {
      throw new VerificationFailedError(`No TXT record was found at ${name}. Publish it, then try again.`);
    }
    if (code === 'ETIMEOUT') {
      throw new VerificationFailedError(`DNS did not answer for ${name} in time. Try again later.`);
    }
    throw new VerificationFailedError(`DNS could not be asked about ${name} (${code ?? 'error'}). Try again later.`);
  }
}
