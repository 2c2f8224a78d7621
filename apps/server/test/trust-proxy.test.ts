import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseTrustProxy, type TrustProxy } from '../src/config.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

describe('TRUST_PROXY parsing', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, 127.0.0.1,::1', ['10.0.0.0/8', '127.0.0.1', '::1']],
    ['loopback,fd00::/8', ['loopback', 'fd00::/8']],
  ])('reads %j', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });

  it.each(['true', 'TRUE', 'yes', '*'])('refuses "%s": a client could choose its address', (v) => {
    expect(() => parseTrustProxy(v)).toThrow(ConfigError);
    expect(() => parseTrustProxy(v)).toThrow(/number of proxies .* choose its own address/);
  });

  it.each(['maybe', '10.0.0.1/33', '0.0.0.0/0', '::/0', '10.0.0.1/8/1', 'proxy.example.com', '11'])(
    'refuses "%s" and says what it wants',
    (value) => {
      expect(() => parseTrustProxy(value)).toThrow(/TRUST_PROXY must be the number of proxies/);
    },
  );
});

const BAD_KEY = `Token iqra_sk_${'x'.repeat(40)}`;
const FAILURES = 3;

async function appTrusting(trustProxy: TrustProxy): Promise<TestApp> {
  return startTestApp({ config: { trustProxy, authFailuresPerMinute: FAILURES } });
}

/** A failed authentication, as the proxy at `remoteAddress` forwards it. */
function badAuth(app: TestApp, remoteAddress: string, forwardedFor?: string) {
  return app.app.inject({
    method: 'GET',
    url: '/api/v1/businesses',
    headers: {
      authorization: BAD_KEY,
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    remoteAddress,
  });
}

const forged = () => `198.51.100.${randomBytes(1)[0]}`;

describe('TRUST_PROXY=1: one load balancer appends the real client', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appTrusting(1);
  });
  afterAll(async () => t?.close());

  it('a forged leftmost X-Forwarded-For cannot choose the client IP (failed-auth throttle still hits)', async () => {
    const statuses = [];
    for (let i = 0; i < FAILURES + 2; i++) {
      // The client sends "X-Forwarded-For: <anything>"; the balancer appends the real address.
      statuses.push((await badAuth(t, '10.0.0.1', `${forged()}, 203.0.113.7`)).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // The real address of another client, through the same balancer, is its own budget.
    expect((await badAuth(t, '10.0.0.1', `${forged()}, 203.0.113.8`)).statusCode).toBe(401);
  });
});

describe('TRUST_PROXY=<list>: only a listed proxy is believed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appTrusting(['10.0.0.1', '10.1.0.0/16']);
  });
  afterAll(async () => t?.close());

  it('a request from an unlisted address has its X-Forwarded-For ignored', async () => {
    const statuses = [];
    for (let i = 0; i < FAILURES + 1; i++) {
      statuses.push((await badAuth(t, '192.0.2.9', forged())).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('a request from a listed proxy (address or CIDR) has its X-Forwarded-For honoured', async () => {
    for (const proxy of ['10.0.0.1', '10.1.2.3']) {
      // Each forwarded client is a different address, with a budget of its own.
      for (let i = 0; i < FAILURES + 1; i++) {
        expect((await badAuth(t, proxy, forged())).statusCode).toBe(401);
      }
    }
    const statuses = [];
    for (let i = 0; i < FAILURES + 1; i++) {
      statuses.push((await badAuth(t, '10.0.0.1', `${forged()}, 203.0.113.20`)).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
