import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import ipaddr, { IPv4, type IPv6 } from 'ipaddr.js';

/**
 * Server-side request forgery guard for webhook URLs: outside WEBHOOKS_ALLOW_PRIVATE, a URL must
 * be https and every address its host resolves to must be public. The same check runs inside
 * the connection's own DNS lookup at delivery time, so the address checked is the address
 * connected to (a name that resolves to a public address when saved and to 127.0.0.1 later —
 * DNS rebinding — is refused then).
 */

/**
 * Only ordinary public unicast addresses are allowed. Telling which addresses those are is
 * ipaddr.js's job (its range tables follow the IANA special-purpose registries: private,
 * loopback, link-local, carrier-grade NAT, documentation and benchmarking networks, multicast,
 * reserved, …); what it leaves to us is the IPv6 forms that carry an IPv4 address inside —
 * IPv4-mapped and -translated, IPv4-compatible, NAT64 (RFC 6052), 6to4 and Teredo — which are
 * judged by the IPv4 address they carry (docs/domain-rules.md §12): `[::127.0.0.1]` is loopback.
 */
function embeddedIPv4(address: IPv6): IPv4[] {
  const bytes = address.toByteArray();
  const v4 = (offset: number) => new IPv4(bytes.slice(offset, offset + 4));
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  switch (address.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return [v4(12)];
    case 'rfc6052': {
      // 64:ff9b::/96 keeps the IPv4 address in its last 32 bits; 64:ff9b:1::/48 (RFC 8215) in
      // bits 48–63 and 72–87, around the reserved octet (RFC 6052 §2.2).
      if (zeros(4, 12)) return [v4(12)];
      return [new IPv4([bytes[6], bytes[7], bytes[9], bytes[10]])];
    }
    case '6to4': // 2002:AABB:CCDD::/48
      return [v4(2)];
    case 'teredo': // 2001:0:SERVER:flags:port:~CLIENT
      return [v4(4), new IPv4(bytes.slice(12, 16).map((b) => b ^ 0xff))];
    default:
      // IPv4-compatible (::a.b.c.d, deprecated): the first 96 bits are zero.
      return zeros(0, 12) ? [v4(12)] : [];
  }
}

const CARRIERS = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052', '6to4', 'teredo']);

/** Whether an address is anything but ordinary public unicast (then a webhook may not reach it). */
export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address) || isIP(address) === 0) return true;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() !== 'unicast';
  const v6 = parsed as IPv6;
  const inside = embeddedIPv4(v6);
  if (inside.length > 0) return inside.some((v4) => v4.range() !== 'unicast');
  return v6.range() !== 'unicast' && !CARRIERS.has(v6.range());
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
