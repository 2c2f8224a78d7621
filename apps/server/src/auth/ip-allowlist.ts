import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** At most this many entries per key (API.md §5). */
export const MAX_ALLOWED_IPS = 100;

type Block = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * An entry in canonical form (`203.0.113.0/24`, `2001:db8::/32`, a bare address for a single
 * host), or undefined when it is neither an address nor a CIDR block. Node's parser decides what
 * an address is: ipaddr.js alone also accepts legacy forms such as "127.1".
 */
export function canonicalEntry(entry: string): string | undefined {
  const [address = '', bits, ...rest] = entry.trim().split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return undefined;
  const parsed = ipaddr.parse(address);
  if (bits === undefined) return parsed.toString();
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return undefined;
  const prefix = Number(bits);
  const network =
    parsed.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${parsed.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/${prefix}`);
  return `${network.toString()}/${prefix}`;
}

function blockOf(entry: string): Block {
  if (entry.includes('/')) return ipaddr.parseCIDR(entry);
  const address = ipaddr.parse(entry);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** IPv4-mapped IPv6 (`::ffff:203.0.113.9`, what a dual-stack socket reports) counts as IPv4. */
function clientAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    return ipaddr.process(ip);
  } catch {
    return undefined;
  }
}

/** A key's allowlist, parsed once when the key is verified and kept in the key cache. */
export class IpAllowlist {
  private readonly blocks: Block[];

  constructor(entries: readonly string[]) {
    this.blocks = entries.map(blockOf);
  }

  allows(ip: string): boolean {
    const address = clientAddress(ip);
    if (!address) return false;
    return this.blocks.some(
      ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
    );
  }
}

/** Is every block of `inner` inside some block of `outer`? */
export function blocksInside(inner: readonly string[], outer: readonly string[]): boolean {
  const outerBlocks = outer.map(blockOf);
  return inner
    .map(blockOf)
    .every(([network, bits]) =>
      outerBlocks.some(
        ([o, oBits]) => o.kind() === network.kind() && bits >= oBits && network.match(o, oBits),
      ),
    );
}
