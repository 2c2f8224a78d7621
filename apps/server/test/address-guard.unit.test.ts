import { describe, expect, it } from 'vitest';
import { isPrivateAddress, webhookUrlProblem } from '../src/webhooks/address-guard.js';

describe('SSRF guard: every special-purpose form is refused', () => {
  it.each([
    // IPv4 special-purpose registry
    ['0.0.0.0', 'this network'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['172.16.0.1', 'private'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['192.168.0.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.1', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6 and the forms that embed an IPv4 address
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::7f00:1', 'IPv4-compatible loopback'],
    ['::a9fe:a9fe', 'IPv4-compatible metadata'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback (hex)'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata'],
    ['::ffff:0:a9fe:a9fe', 'SIIT-translated metadata'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 metadata'],
    ['64:ff9b::8.8.8.8', 'NAT64 even of a public address'],
    ['64:ff9b:1::a9fe:a9fe', 'local-use NAT64 metadata'],
    ['100::1', 'discard-only'],
    ['2001::a9fe:a9fe', 'Teredo'],
    ['2001:db8::1', 'documentation'],
    ['2001:2::1', 'benchmarking'],
    ['2002:a9fe:a9fe::', '6to4 of metadata'],
    ['2002:808:808::1', '6to4 even of a public address'],
    ['fc00::1', 'unique local'],
    ['fd00::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fec0::1', 'site-local (deprecated)'],
    ['ff02::1', 'multicast'],
    // not an address: never trusted
    ['not-an-ip', 'not an address'],
    ['127.1', 'a legacy short form'],
    ['0x7f.0.0.1', 'a legacy hex form'],
  ])('refuses %s (%s)', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it.each([
    'http://[::7f00:1]/x',
    'http://[::a9fe:a9fe]/x',
    'http://[::ffff:0:a9fe:a9fe]/x',
    'http://[2002:a9fe:a9fe::]/x',
    'http://[64:ff9b:1::a9fe:a9fe]/x',
    'http://[fec0::1]/x',
    'http://[100::1]/x',
    'http://[2001::1]/x',
    'http://192.88.99.1/x',
    'http://0x7f.1/x',
  ])('refuses the webhook URL %s in production', async (url) => {
    expect(await webhookUrlProblem(url, true)).toMatch(/private/);
  });
});
