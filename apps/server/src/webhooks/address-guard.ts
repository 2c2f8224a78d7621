import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * IPv6 outside 2000::/3 (IANA's global unicast space) is never a webhook receiver: that refuses
 * ::/8 (loopback, unspecified, IPv4-compatible ::7f00:1, SIIT ::ffff:0:a.b.c.d), 64:ff9b::/96 and
 * 64:ff9b:1::/48 (NAT64), 100::/64 (discard), fc00::/7, fe80::/10, fec0::/10 and ff00::/8 at once,
 * rather than decoding each form that can carry an IPv4 address.
 */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * True for an address no webhook may be sent to in production (SSRF). An address is allowed only
 * when ipaddr.js, whose ranges follow the IANA IPv4 and IPv6 special-purpose registries, calls it
 * plain `unicast`: loopback, private, link-local (cloud metadata), carrier-grade NAT, benchmarking,
 * documentation, multicast, reserved, 6to4 (2002::/16, 192.88.99.0/24), Teredo (2001::/32) and
 * the rest of 2001::/23 are all refused. Tunnels that embed an IPv4 address are refused outright:
 * where they lead depends on a relay we cannot see.
 */
export function isPrivateAddress(address: string): boolean {
  // Node's parser first: ipaddr.js also accepts legacy forms such as "127.1" or "0x7f.1".
  if (isIP(address) === 0) return true; // not an address at all: refuse
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return true;
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // ::ffff:a.b.c.d is how a resolver may report a plain IPv4 address: judge that address.
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() !== 'unicast';
    if (!v6.match(GLOBAL_UNICAST_V6)) return true;
  }
  return parsed.range() !== 'unicast';
}

/** The host of a URL without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * Why a webhook URL may not be used, or undefined when it may. `blockPrivate` (production) also
 * resolves the host and refuses private addresses; delivery checks again at connect time, so a
 * name re-pointed later (DNS rebinding) is still refused.
 */
export async function webhookUrlProblem(
  value: string,
  blockPrivate: boolean,
): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://example.com/webhooks';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.username || url.password) {
    return 'must not carry credentials; check the webhook-signature header instead';
  }
  if (!blockPrivate) return undefined;
  const host = hostOf(url);
  if (isIP(host)) return isPrivateAddress(host) ? 'must not point to a private address' : undefined;
  try {
    const addresses = await lookup(host, { all: true, verbatim: true });
    if (addresses.some((a) => isPrivateAddress(a.address))) {
      return 'must not resolve to a private address';
    }
  } catch {
    return `has a host that does not resolve (${host})`;
  }
  return undefined;
}
