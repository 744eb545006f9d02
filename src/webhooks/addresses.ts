import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { promisify } from 'node:util';

/**
 * Server-side request forgery guard for webhook URLs: outside WEBHOOKS_ALLOW_PRIVATE, a URL must
 * be https and every address its host resolves to must be public. The same check runs inside
 * the connection's own DNS lookup at delivery time, so the address checked is the address
 * connected to (a name that resolves to a public address when saved and to 127.0.0.1 later —
 * DNS rebinding — is refused then).
 */

const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** Whether an address is loopback, private, link-local, unspecified, multicast or reserved. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return FORBIDDEN.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return FORBIDDEN.check(mapped[1], 'ipv4');
    return FORBIDDEN.check(address, 'ipv6');
  }
  return true;
}

export class WebhookUrlError extends Error {}

const lookupAll = promisify(dnsLookup);

/** Checks a URL for saving: https, a host, and (unless private targets are allowed) public addresses only. */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new WebhookUrlError('url must be an absolute URL.');
  }
  if (url.username || url.password) throw new WebhookUrlError('url must not carry credentials.');
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new WebhookUrlError('url must use https.');
  }
  if (url.toString().length > 2048) throw new WebhookUrlError('url must be at most 2048 characters.');
  if (!allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: LookupAddress[];
    try {
      addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookupAll(host, { all: true });
    } catch {
      throw new WebhookUrlError('url names a host that does not resolve.');
    }
    if (addresses.length === 0 || addresses.some((a) => isForbiddenAddress(a.address))) {
      throw new WebhookUrlError('url must not point at a loopback, private, link-local or reserved address.');
    }
  }
  return url.toString();
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses forbidden addresses: what it hands back is what the
 * socket connects to.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const refused = !allowPrivate && (list.length === 0 || list.some((a) => isForbiddenAddress(a.address)));
      if (refused) {
        const denied = Object.assign(new Error(`refused to connect to ${hostname}: not a public address`), {
          code: 'EADDRNOTALLOWED',
        });
        return callback(denied, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}
