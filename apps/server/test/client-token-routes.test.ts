import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientTokenCodec } from '../src/auth/client-token.js';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { asToken, mintToken, tamperClaims, tamperSignature } from './helpers/client-tokens.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

/**
 * Client tokens × every route of the route table (API.md §7), generated from Fastify's table so a
 * new route is covered the day it is added: for each route, a token for this business, another
 * business, expired, parent revoked, parent rolled past its overlap, tampered, and one that lacks
 * the permission → the answer §7 gives.
 */

type State =
  | 'thisBusiness'
  | 'otherBusiness'
  | 'expired'
  | 'parentRevoked'
  | 'parentRolled'
  | 'tamperedSignature'
  | 'tamperedClaims'
  | 'permissionMissing';
const STATES: State[] = [
  'thisBusiness',
  'otherBusiness',
  'expired',
  'parentRevoked',
  'parentRolled',
  'tamperedSignature',
  'tamperedClaims',
  'permissionMissing',
];
const TOKEN_RESOURCES = ['agents', 'calls', 'conversations'];
/** The most a token may hold. */
const FULL = { agents: 'read', calls: 'write', conversations: 'read' } as const;
/** What the `permissionMissing` token holds. */
const NARROW = { conversations: 'read' } as const;

let t: TestApp;
let owner: Session;
let bizA: string;
let bizB: string;
const tokens = {} as Record<State, string>;
const ids: Record<string, string> = {};

async function makeCall(): Promise<{ callId: string; conversationId: string }> {
  const res = await call(t.app, {
    method: 'POST',
    url: `/api/v1/businesses/${bizA}/calls`,
    as: { session: owner },
    body: { agentId: ids.agentId, to: '+15005550002', variables: { name: 'Sam' } },
  });
  const json = res.json() as { id: string; conversationId: string };
  return { callId: json.id, conversationId: json.conversationId };
}

beforeAll(async () => {
  // The simulator at real speed: a call made here stays cancelable while the test runs.
  t = await startTestApp({ config: { simulatorTimeScale: 1 } });
  owner = await signUp(t.app);
  bizA = await createBusiness(t.app, owner, 'A');
  bizB = await createBusiness(t.app, owner, 'B');
  const agent = await call(t.app, {
    method: 'POST',
    url: `/api/v1/businesses/${bizA}/agents`,
    as: { session: owner },
    body: { name: 'Front desk', greeting: 'Hello {{name}}!' },
  });
  ids.agentId = (agent.json() as { id: string }).id;

  const key = (await createKey(t.app, owner, { userManagement: true })).key;
  tokens.thisBusiness = await mintToken(t.app, key, { businessId: bizA, permissions: FULL });
  tokens.otherBusiness = await mintToken(t.app, key, { businessId: bizB, permissions: FULL });
  tokens.permissionMissing = await mintToken(t.app, key, { businessId: bizA, permissions: NARROW });
  tokens.tamperedSignature = tamperSignature(tokens.thisBusiness);
  tokens.tamperedClaims = tamperClaims(tokens.otherBusiness, bizA);
  // Signed with the server's real secret, expired a second ago.
  const keyId = (
    JSON.parse(
      Buffer.from(tokens.thisBusiness.slice(8).split('.')[0] ?? '', 'base64url').toString(),
    ) as { k: string }
  ).k;
  tokens.expired = new ClientTokenCodec(t.config.pepper).mint({
    keyId,
    businessId: bizA,
    permissions: FULL,
    issuedAt: Date.now() - 61_000,
    expiresAt: Date.now() - 1000,
  }).token;

  const revoked = await createKey(t.app, owner);
  tokens.parentRevoked = await mintToken(t.app, revoked.key, {
    businessId: bizA,
    permissions: FULL,
  });
  await call(t.app, {
    method: 'DELETE',
    url: `/api/v1/user/api-keys/${revoked.id}`,
    as: { session: owner },
  });
  const rolled = await createKey(t.app, owner);
  tokens.parentRolled = await mintToken(t.app, rolled.key, { businessId: bizA, permissions: FULL });
  const roll = await call(t.app, {
    method: 'POST',
    url: `/api/v1/user/api-keys/${rolled.id}/roll`,
    as: { session: owner },
    body: { overlapSeconds: 0 },
  });
  expect(roll.statusCode).toBe(201);
});

afterAll(async () => {
  await t?.close();
});

interface Route {
  method: string;
  url: string;
  access: string;
  resources: readonly string[];
}

const INVALID: State[] = [
  'expired',
  'parentRevoked',
  'parentRolled',
  'tamperedSignature',
  'tamperedClaims',
];

/** API.md §7's answer: [status, code]. */
function expected(route: Route, state: State): [number, string | undefined] {
  if (INVALID.includes(state)) return [401, 'invalid_token'];
  const reachable =
    route.access.startsWith('business') &&
    route.resources.every((r) => TOKEN_RESOURCES.includes(r));
  if (!reachable) return [403, 'client_token_not_allowed'];
  if (state === 'otherBusiness') return [403, 'business_access_denied'];
  const needed = route.method === 'GET' ? 'read' : 'write';
  const held: Record<string, string> = state === 'permissionMissing' ? NARROW : FULL;
  const rank = (level = 'none') => ['none', 'read', 'write'].indexOf(level);
  const allowed = route.resources.every((r) => rank(held[r]) >= rank(needed));
  return allowed ? [200, undefined] : [403, 'permission_denied'];
}

async function paramsFor(url: string): Promise<Record<string, string>> {
  if (url.includes(':callId') || url.includes(':conversationId')) return makeCall();
  return { agentId: ids.agentId ?? '' };
}

const BODIES: Record<string, unknown> = {
  'POST /api/v1/businesses/:businessId/calls': {
    to: '+15005550002',
    variables: { name: 'Sam' },
  },
};

describe('client tokens × the route table', () => {
  it('covers the routes the token may reach', () => {
    const reachable = t.app.accessTable
      .filter((r) => r.url.startsWith('/api/v1/businesses/:businessId'))
      .filter((r) => r.resources.every((x) => TOKEN_RESOURCES.includes(x)));
    expect(reachable.length).toBeGreaterThanOrEqual(8);
  });

  it('answers every /api/v1 route and state as API.md §7 says', async () => {
    const routes = t.app.accessTable.filter(
      (r) => r.url.startsWith('/api/v1') && r.access !== 'public' && r.method !== 'HEAD',
    );
    const failures: string[] = [];
    for (const route of routes) {
      for (const state of STATES) {
        const [status, code] = expected(route, state);
        const params = await paramsFor(route.url);
        const url = route.url
          .replace(':businessId', bizA)
          .replace(/:(\w+)/g, (_m, name: string) => params[name] ?? `missing-${name}`);
        const key = `${route.method} ${route.url}`;
        const body =
          route.method === 'GET' || route.method === 'DELETE'
            ? undefined
            : key in BODIES
              ? { ...(BODIES[key] as object), agentId: ids.agentId }
              : {};
        const res = await call(t.app, {
          method: route.method as 'GET',
          url,
          as: asToken(tokens[state]),
          body,
        });
        const got = res.statusCode;
        const ok = status === 200 ? got >= 200 && got < 300 : got === status;
        const problem = got >= 400 ? (res.json() as { code: string; detail: string }) : undefined;
        if (!ok || (code && problem?.code !== code)) {
          failures.push(`${key} [${state}] → ${got} ${problem?.code} (want ${status} ${code})`);
        }
        if (status === 401) expect(problem?.detail).toBe('Invalid token.');
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses a client token on /auth/* (403 client_token_not_allowed)', async () => {
    for (const [method, url] of [
      ['GET', '/auth/session'],
      ['POST', '/auth/logout'],
      ['POST', '/auth/login'],
    ] as const) {
      const res = await call(t.app, {
        method,
        url,
        as: asToken(tokens.thisBusiness),
        body:
          method === 'POST' ? { email: owner.email, password: 'correct horse battery' } : undefined,
      });
      expect(res.statusCode, url).toBe(403);
      expect((res.json() as { code: string }).code).toBe('client_token_not_allowed');
    }
  });
});
