import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBusiness,
  createKey,
  type Session,
  signUp,
} from '../../../apps/server/test/helpers/client.js';
import { startTestApp, type TestApp } from '../../../apps/server/test/helpers/harness.js';
import {
  clientTokenHandler,
  iqraProxy,
  toExpress,
  toFastify,
  toNodeHandler,
} from '../src/index.js';

let t: TestApp;
let iqraUrl: string;
let owner: Session;
let key: string;
let mine: string;
let other: string;

/** Raw HTTP, so `..`, `%2F` and `//` reach the server exactly as written. */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ROUTES = [
  'GET /businesses/:businessId/conversations',
  'GET /businesses/:businessId/agents',
  'POST /businesses/:businessId/agents',
];

/** The visitor's business comes from the app's own session: here, a header the test sets. */
const authorize = (request: Request) =>
  request.headers.get('x-visitor') === 'alice' ? mine : false;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  iqraUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  owner = await signUp(t.app);
  mine = await createBusiness(t.app, owner, 'Mine');
  other = await createBusiness(t.app, owner, 'Other');
  ({ key } = await createKey(t.app, owner));
});

afterAll(async () => {
  await t?.close();
});

const alice = { 'x-visitor': 'alice' };

function proxySuite(name: string, start: () => Promise<{ base: string; close(): Promise<void> }>) {
  describe(`${name}: iqraProxy against a real Iqra server`, () => {
    let app: { base: string; close(): Promise<void> };
    beforeAll(async () => {
      app = await start();
    });
    afterAll(async () => {
      await app?.close();
    });

    it('proxies a listed route for the authorized business, with the rate-limit headers', async () => {
      const res = await send(
        app.base,
        'GET',
        `/iqra/businesses/${mine}/conversations?limit=5`,
        alice,
      );
      expect(res.status, res.body).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ data: [], nextCursor: null });
      expect(res.headers['x-ratelimit-limit']).toBeDefined();
      expect(res.headers['x-ratelimit-remaining']).toBeDefined();
      expect(res.body).not.toContain(key);
      expect(JSON.stringify(res.headers)).not.toContain('iqra_sk_');
    });

    it('passes a JSON body and the answer status through (201, then 400 with the problem)', async () => {
      const created = await send(
        app.base,
        'POST',
        `/iqra/businesses/${mine}/agents`,
        { ...alice, 'content-type': 'application/json' },
        JSON.stringify({ name: 'Front desk', greeting: 'Hello!' }),
      );
      expect(created.status, created.body).toBe(201);
      expect(JSON.parse(created.body)).toMatchObject({ name: 'Front desk' });
      const invalid = await send(
        app.base,
        'POST',
        `/iqra/businesses/${mine}/agents`,
        { ...alice, 'content-type': 'application/json' },
        JSON.stringify({ name: '' }),
      );
      expect(invalid.status).toBe(400);
      expect(invalid.headers['content-type']).toContain('application/problem+json');
    });

    it.each([
      ['an unlisted route', 'GET', () => `/iqra/businesses/${mine}/calls`],
      ['an unlisted method', 'DELETE', () => `/iqra/businesses/${mine}/agents`],
      [
        'a business authorize did not return',
        'GET',
        () => `/iqra/businesses/${other}/conversations`,
      ],
      ['..', 'GET', () => `/iqra/businesses/${mine}/../${other}/conversations`],
      ['encoded ..', 'GET', () => `/iqra/businesses/${mine}/%2e%2e/${other}/conversations`],
      ['%2F', 'GET', () => `/iqra/businesses/${mine}%2Fconversations%2F..%2F/conversations`],
      ['%2f in an id', 'GET', () => `/iqra/businesses/${other}%2f/conversations`],
      ['%5C', 'GET', () => `/iqra/businesses/${mine}%5C..%5C${other}/conversations`],
      ['//', 'GET', () => `/iqra/businesses//${mine}/conversations`],
      [
        'double encoding',
        'GET',
        () => `/iqra/businesses/${mine}%252F..%252F${other}/conversations`,
      ],
      ['a route outside businesses', 'GET', () => '/iqra/user/api-keys'],
    ])('refuses %s with 403', async (_label, method, path) => {
      const res = await send(app.base, method, path(), alice);
      expect(res.status, res.body).toBe(403);
      expect(res.body).not.toContain('iqra_sk_');
    });

    it('refuses a visitor authorize turns away (403)', async () => {
      const res = await send(app.base, 'GET', `/iqra/businesses/${mine}/conversations`, {
        'x-visitor': 'mallory',
      });
      expect(res.status).toBe(403);
    });
  });
}

proxySuite('Express', async () => {
  const app = express();
  app.use(
    '/iqra',
    toExpress(iqraProxy({ apiKey: key, baseUrl: iqraUrl, routes: ROUTES, authorize })),
  );
  const server = createServer(app);
  const base = await listen(server);
  return { base, close: () => new Promise((resolve) => server.close(() => resolve())) };
});

proxySuite('Express behind express.json()', async () => {
  const app = express();
  app.use(express.json());
  app.use(
    '/iqra',
    toExpress(iqraProxy({ apiKey: key, baseUrl: iqraUrl, routes: ROUTES, authorize })),
  );
  const server = createServer(app);
  const base = await listen(server);
  return { base, close: () => new Promise((resolve) => server.close(() => resolve())) };
});

proxySuite('Fastify', async () => {
  const app: FastifyInstance = Fastify();
  await app.register(
    toFastify(iqraProxy({ apiKey: key, baseUrl: iqraUrl, routes: ROUTES, authorize })),
    {
      prefix: '/iqra',
    },
  );
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { base, close: () => app.close() };
});

proxySuite('Node http', async () => {
  const server = createServer(
    toNodeHandler(
      iqraProxy({ apiKey: key, baseUrl: iqraUrl, routes: ROUTES, authorize, prefix: '/iqra' }),
    ),
  );
  const base = await listen(server);
  return { base, close: () => new Promise((resolve) => server.close(() => resolve())) };
});

/** An upstream that records what it was sent and answers like Iqra would. */
async function recordingUpstream(status = 200, answer: unknown = { data: [], nextCursor: null }) {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-ratelimit-limit': '60',
        'x-ratelimit-remaining': '59',
        'x-ratelimit-reset': '60',
        'retry-after': '7',
        'set-cookie': 'upstream=1',
      });
      res.end(JSON.stringify(answer));
    });
  });
  const base = await listen(server);
  return { base, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('what reaches Iqra', () => {
  it('the incoming Authorization and Cookie never reach Iqra; the key goes as Token, only there', async () => {
    const upstream = await recordingUpstream(429);
    const app = express();
    app.use(
      '/iqra',
      toExpress(
        iqraProxy({ apiKey: 'iqra_sk_secret', baseUrl: upstream.base, routes: ROUTES, authorize }),
      ),
    );
    const server = createServer(app);
    const base = await listen(server);
    try {
      const res = await send(
        base,
        'GET',
        `/iqra/businesses/${mine}/conversations?status=completed`,
        {
          ...alice,
          authorization: 'Token iqra_sk_visitor_supplied',
          cookie: 'session=visitor',
        },
      );
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.headers['x-ratelimit-remaining']).toBe('59');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(JSON.stringify(res)).not.toContain('iqra_sk_secret');
      const [request] = upstream.seen;
      expect(request?.url).toBe(`/api/v1/businesses/${mine}/conversations?status=completed`);
      expect(request?.headers.authorization).toBe('Token iqra_sk_secret');
      expect(request?.headers.cookie).toBeUndefined();
      expect(request?.headers['x-visitor']).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
    }
  });

  it('authorize is required and routes are checked at startup', () => {
    expect(() =>
      // @ts-expect-error: authorize is required
      iqraProxy({ apiKey: 'iqra_sk_x', baseUrl: 'http://localhost', routes: ROUTES }),
    ).toThrow(/authorize/);
    expect(() =>
      iqraProxy({ apiKey: 'k', baseUrl: 'http://localhost', routes: ['GET nope'], authorize }),
    ).toThrow(/route/);
  });
});

describe('clientTokenHandler (POST /api/v1/client-tokens is not served yet: a recording fake)', () => {
  it('mints a token for the authorized business with the configured permissions', async () => {
    const minted = {
      token: 'iqra_ct_abc',
      expiresAt: '2026-11-28T17:00:00.000Z',
      businessId: 'biz_1',
      permissions: { conversations: 'read' },
    };
    const upstream = await recordingUpstream(201, minted);
    const handler = clientTokenHandler({
      apiKey: 'iqra_sk_secret',
      baseUrl: upstream.base,
      authorize: (request) => (request.headers.get('x-visitor') === 'alice' ? 'biz_1' : false),
      permissions: { conversations: 'read' },
      ttlSeconds: 300,
    });
    const server = createServer(toNodeHandler(handler));
    const base = await listen(server);
    try {
      const res = await send(base, 'POST', '/token', { ...alice, cookie: 'session=alice' });
      expect(res.status).toBe(201);
      expect(JSON.parse(res.body)).toEqual(minted);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).not.toContain('iqra_sk_');
      const [request] = upstream.seen;
      expect(request).toMatchObject({ method: 'POST', url: '/api/v1/client-tokens' });
      expect(request?.headers.authorization).toBe('Token iqra_sk_secret');
      expect(request?.headers.cookie).toBeUndefined();
      expect(request?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(request?.body ?? '')).toEqual({
        businessId: 'biz_1',
        permissions: { conversations: 'read' },
        ttlSeconds: 300,
      });

      expect((await send(base, 'POST', '/token', { 'x-visitor': 'mallory' })).status).toBe(403);
      expect((await send(base, 'GET', '/token', alice)).status).toBe(405);
      expect(upstream.seen).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
    }
  });
});
