import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../src/auth/key-format.js';
import type { Access } from '../src/http/access.js';
import { newId } from '../src/ids.js';
import {
  type Credential,
  call,
  createBusiness,
  createKey,
  type Session,
  signUp,
} from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

/**
 * The permission suite: every `/api/v1` route in Fastify's route table × every kind of
 * credential → the status API.md §1 gives. The expectations below are written by hand; a route
 * that is added, removed or re-declared without updating them fails the suite.
 */

type CredentialKind =
  | 'none'
  | 'bearer'
  | 'malformed'
  | 'unknown'
  | 'revoked'
  | 'expired'
  | 'unrestricted'
  | 'restrictedInScope'
  | 'restrictedOutOfScope'
  | 'restrictedWithUserManagement'
  | 'anotherUsersKey'
  | 'withoutUserManagement'
  | 'withUserManagement'
  | 'session'
  | 'sessionWithoutCsrf';

const CREDENTIALS: CredentialKind[] = [
  'none',
  'bearer',
  'malformed',
  'unknown',
  'revoked',
  'expired',
  'unrestricted',
  'restrictedInScope',
  'restrictedOutOfScope',
  'restrictedWithUserManagement',
  'anotherUsersKey',
  'withoutUserManagement',
  'withUserManagement',
  'session',
  'sessionWithoutCsrf',
];

interface World {
  owner: Session;
  other: Session;
  bizIn: string;
  bizOut: string;
  bizOther: string;
  keys: Record<string, string>;
}

interface Target {
  /** The business the request is about (its `:businessId`). */
  businessId: string;
  /** A business the credential may name in a body (its own, in its scope). */
  homeBusinessId: string;
}

interface RouteExpectation {
  access: Access;
  /** The status of an allowed request. */
  ok: number;
  /** Path parameters besides `:businessId`; created fresh per request where the route destroys. */
  params?: (world: World, t: TestApp) => Promise<Record<string, string>>;
  /** The request body; `params` are the ones made for this request (an agent to call with…). */
  body?: (target: Target, params: Record<string, string>) => unknown;
  /** What a restricted user-management key gets instead of `ok` (API.md §5 containment). */
  restrictedKey?: number;
  /** What a session gets instead of `ok` (a route for API keys only). */
  session?: number;
}

const freshKeyOfOwner = async (world: World, t: TestApp) => ({
  keyId: (await createKey(t.app, world.owner, { name: 'target' })).id,
});

/** Creates something in the owner's in-scope business through the API and returns its id. */
async function made(world: World, t: TestApp, path: string, body: unknown): Promise<string> {
  const res = await call(t.app, {
    method: 'POST',
    url: `/api/v1/businesses/${world.bizIn}/${path}`,
    as: { session: world.owner },
    body,
  });
  if (res.statusCode !== 201) throw new Error(`POST ${path}: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

const freshAgent = async (world: World, t: TestApp) => ({
  agentId: await made(world, t, 'agents', { name: 'Target', greeting: 'Hello {{name}}!' }),
});

/** A call that stays unanswered for a while (the suite runs the simulator at real speed). */
const freshCall = async (world: World, t: TestApp) => {
  const { agentId } = await freshAgent(world, t);
  const res = await call(t.app, {
    method: 'POST',
    url: `/api/v1/businesses/${world.bizIn}/calls`,
    as: { session: world.owner },
    body: { agentId, to: '+15005550002', variables: { name: 'Sam' } },
  });
  const json = res.json() as { id: string; conversationId: string };
  return { agentId, callId: json.id, conversationId: json.conversationId };
};

/** A business holds a bounded number of endpoints, so the older ones go first. */
const freshWebhook = async (world: World, t: TestApp) => {
  await t.store.db.deleteFrom('webhook_endpoints').where('business_id', '=', world.bizIn).execute();
  return {
    webhookId: await made(world, t, 'webhooks', {
      url: 'http://127.0.0.1:9/hook',
      events: ['call.completed'],
    }),
  };
};

/** A delivery already attempted (to a closed port): one a retry may re-queue. */
const finishedDelivery = async (world: World, t: TestApp) => {
  const { webhookId } = await freshWebhook(world, t);
  const res = await call(t.app, {
    method: 'POST',
    url: `/api/v1/businesses/${world.bizIn}/webhooks/${webhookId}/test`,
    as: { session: world.owner },
  });
  const deliveryId = (res.json() as { id: string }).id;
  await t.store.db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', next_attempt_at: null })
    .where('event_id', '=', deliveryId)
    .execute();
  return { webhookId, deliveryId };
};

/** A notice of the owner's, written as the leak response writes it. */
const freshNoticeOfOwner = async (world: World, t: TestApp) => {
  const noticeId = newId('ntc');
  await t.store.db
    .insertInto('notices')
    .values({
      id: noticeId,
      user_id: world.owner.userId,
      kind: 'api_key_leaked',
      key_id: (await createKey(t.app, world.owner, { name: 'leaked' })).id,
      url: null,
      created_at: new Date().toISOString(),
      dismissed_at: null,
    })
    .execute();
  return { noticeId };
};

const EXPECTATIONS: Record<string, RouteExpectation> = {
  'GET /api/v1/user': { access: 'userManagement', ok: 200 },
  'PATCH /api/v1/user': { access: 'userManagement', ok: 200, body: () => ({ name: 'Renamed' }) },
  'GET /api/v1/user/whitelabel': { access: 'userManagement', ok: 200 },
  'PUT /api/v1/user/whitelabel': {
    access: 'userManagement',
    ok: 200,
    body: () => ({ brandName: 'Acme Voice', primaryColor: '#4f46e5' }),
  },
  'GET /api/v1/user/api-keys': { access: 'userManagement', ok: 200 },
  'POST /api/v1/user/api-keys': {
    access: 'userManagement',
    ok: 201,
    body: (t) => ({
      name: 'Made by the suite',
      businessScope: { type: 'restricted', businessIds: [t.homeBusinessId] },
    }),
  },
  // The target key is unrestricted: outside a restricted key, so hidden from it.
  'GET /api/v1/user/api-keys/:keyId': {
    access: 'userManagement',
    ok: 200,
    params: freshKeyOfOwner,
    restrictedKey: 404,
  },
  'DELETE /api/v1/user/api-keys/:keyId': {
    access: 'userManagement',
    ok: 200,
    params: freshKeyOfOwner,
    restrictedKey: 404,
  },
  'PATCH /api/v1/user/api-keys/:keyId': {
    access: 'userManagement',
    ok: 200,
    params: freshKeyOfOwner,
    body: () => ({ name: 'Renamed key' }),
    restrictedKey: 404,
  },
  'POST /api/v1/user/api-keys/:keyId/roll': {
    access: 'userManagement',
    ok: 201,
    params: freshKeyOfOwner,
    body: () => ({ overlapSeconds: 0 }),
    restrictedKey: 404,
  },
  'GET /api/v1/user/api-keys/:keyId/usage': {
    access: 'userManagement',
    ok: 200,
    params: freshKeyOfOwner,
    restrictedKey: 404,
  },
  'POST /api/v1/user/api-keys/:keyId/revoke-client-tokens': {
    access: 'userManagement',
    ok: 200,
    params: freshKeyOfOwner,
    restrictedKey: 404,
  },
  // Any key mints for a business in its scope; a session cannot (403 api_key_required).
  'POST /api/v1/client-tokens': {
    access: 'anyCredential',
    ok: 201,
    body: (t) => ({ businessId: t.homeBusinessId, permissions: { conversations: 'read' } }),
    session: 403,
  },
  'GET /api/v1/user/key-policy': { access: 'userManagement', ok: 200 },
  'GET /api/v1/user/audit-events': { access: 'userManagement', ok: 200 },
  'PUT /api/v1/user/key-policy': {
    access: 'session',
    ok: 200,
    body: () => ({ maxLifetimeDays: null }),
  },
  'GET /api/v1/businesses': { access: 'anyCredential', ok: 200 },
  'POST /api/v1/businesses': {
    access: 'unrestrictedScope',
    ok: 201,
    body: () => ({ name: 'New' }),
  },
  'GET /api/v1/businesses/:businessId': { access: 'businessIncludingDisabled', ok: 200 },
  'PATCH /api/v1/businesses/:businessId': {
    access: 'businessIncludingDisabled',
    ok: 200,
    body: () => ({ name: 'Renamed business' }),
  },
  'DELETE /api/v1/businesses/:businessId': { access: 'businessIncludingDisabled', ok: 204 },
  'GET /api/v1/businesses/:businessId/agents': { access: 'business', ok: 200 },
  'POST /api/v1/businesses/:businessId/agents': {
    access: 'business',
    ok: 201,
    body: () => ({ name: 'Front desk', greeting: 'Hello, this is Dental Clinic.' }),
  },
  'GET /api/v1/businesses/:businessId/agents/:agentId': {
    access: 'business',
    ok: 200,
    params: freshAgent,
  },
  'PATCH /api/v1/businesses/:businessId/agents/:agentId': {
    access: 'business',
    ok: 200,
    params: freshAgent,
    body: () => ({ name: 'Renamed agent' }),
  },
  'DELETE /api/v1/businesses/:businessId/agents/:agentId': {
    access: 'business',
    ok: 204,
    params: freshAgent,
  },
  'GET /api/v1/businesses/:businessId/calls': { access: 'business', ok: 200 },
  'POST /api/v1/businesses/:businessId/calls': {
    access: 'business',
    ok: 201,
    params: freshAgent,
    body: (_t, p) => ({ agentId: p.agentId, to: '+15005550002', variables: { name: 'Sam' } }),
  },
  'GET /api/v1/businesses/:businessId/calls/:callId': {
    access: 'business',
    ok: 200,
    params: freshCall,
  },
  'POST /api/v1/businesses/:businessId/calls/:callId/cancel': {
    access: 'business',
    ok: 200,
    params: freshCall,
  },
  'GET /api/v1/businesses/:businessId/conversations': { access: 'business', ok: 200 },
  'GET /api/v1/businesses/:businessId/conversations/:conversationId': {
    access: 'business',
    ok: 200,
    params: freshCall,
  },
  'GET /api/v1/businesses/:businessId/telephony': { access: 'business', ok: 200 },
  'PUT /api/v1/businesses/:businessId/telephony': {
    access: 'business',
    ok: 200,
    body: () => ({ provider: 'simulator' }),
  },
  'GET /api/v1/businesses/:businessId/webhooks': { access: 'business', ok: 200 },
  'POST /api/v1/businesses/:businessId/webhooks': {
    access: 'business',
    ok: 201,
    body: () => ({ url: 'http://127.0.0.1:9/hook', events: ['call.completed'] }),
  },
  'GET /api/v1/businesses/:businessId/webhooks/:webhookId': {
    access: 'business',
    ok: 200,
    params: freshWebhook,
  },
  'DELETE /api/v1/businesses/:businessId/webhooks/:webhookId': {
    access: 'business',
    ok: 204,
    params: freshWebhook,
  },
  'GET /api/v1/businesses/:businessId/webhooks/:webhookId/deliveries': {
    access: 'business',
    ok: 200,
    params: freshWebhook,
  },
  'PATCH /api/v1/businesses/:businessId/webhooks/:webhookId': {
    access: 'business',
    ok: 200,
    params: freshWebhook,
    body: () => ({ enabled: false }),
  },
  'POST /api/v1/businesses/:businessId/webhooks/:webhookId/rotate-secret': {
    access: 'business',
    ok: 200,
    params: freshWebhook,
  },
  'POST /api/v1/businesses/:businessId/webhooks/:webhookId/test': {
    access: 'business',
    ok: 202,
    params: freshWebhook,
  },
  'POST /api/v1/businesses/:businessId/webhooks/:webhookId/deliveries/:deliveryId/retry': {
    access: 'business',
    ok: 202,
    params: finishedDelivery,
  },
  // Deliveries and events: `webhooks:read` and `calls:read` once keys carry permissions (§5).
  'GET /api/v1/businesses/:businessId/events': { access: 'business', ok: 200 },
  'GET /api/v1/user/billing': { access: 'accountWide', ok: 200 },
  'GET /api/v1/user/usage': { access: 'userManagement', ok: 200 },
  'GET /api/v1/user/notices': { access: 'userManagement', ok: 200 },
  // Another user's notice (and a made-up id) answers 404, like every "not yours".
  'POST /api/v1/user/notices/:noticeId/dismiss': {
    access: 'userManagement',
    ok: 200,
    params: freshNoticeOfOwner,
  },
};

/** Routes whose request destroys its target get a fresh business per request. */
const DESTROYS_BUSINESS = new Set(['DELETE /api/v1/businesses/:businessId']);

interface KeyTraits {
  owner: 'owner' | 'other';
  restricted: boolean;
  userManagement: boolean;
}

const KEY_TRAITS: Partial<Record<CredentialKind, KeyTraits>> = {
  unrestricted: { owner: 'owner', restricted: false, userManagement: false },
  restrictedInScope: { owner: 'owner', restricted: true, userManagement: false },
  restrictedOutOfScope: { owner: 'owner', restricted: true, userManagement: false },
  restrictedWithUserManagement: { owner: 'owner', restricted: true, userManagement: true },
  anotherUsersKey: { owner: 'other', restricted: false, userManagement: true },
  withoutUserManagement: { owner: 'owner', restricted: false, userManagement: false },
  withUserManagement: { owner: 'owner', restricted: false, userManagement: true },
};

const DETAIL_401: Partial<Record<CredentialKind, string>> = {
  none: 'Authentication credentials were not provided.',
  bearer: 'Invalid token header. Use the "Token" prefix.',
  malformed: 'Invalid token.',
  unknown: 'Invalid token.',
  revoked: 'Invalid token.',
  expired: 'Invalid token.',
};

/** What API.md says this credential gets on a route with this access. */
function expectedStatus(kind: CredentialKind, route: string, e: RouteExpectation): number {
  if (DETAIL_401[kind]) return 401;
  const method = route.split(' ')[0];
  if (kind === 'sessionWithoutCsrf') return method === 'GET' ? e.ok : 403;
  if (kind === 'session') return e.session ?? e.ok;
  const traits = KEY_TRAITS[kind];
  if (!traits) throw new Error(`no traits for ${kind}`);
  switch (e.access) {
    case 'session':
      return 403;
    case 'anyCredential':
      return e.ok;
    case 'unrestrictedScope':
      return traits.restricted ? 403 : e.ok;
    case 'accountWide':
      return !traits.userManagement || traits.restricted ? 403 : e.ok;
    case 'userManagement':
      if (!traits.userManagement) return 403;
      if (traits.restricted && e.restrictedKey) return e.restrictedKey;
      return traits.owner === 'other' && e.params ? 404 : e.ok;
    case 'business':
    case 'businessIncludingDisabled':
      if (traits.owner === 'other') return 404;
      return kind === 'restrictedOutOfScope' ? 403 : e.ok;
    default:
      return e.ok;
  }
}

let t: TestApp;
let world: World;

beforeAll(async () => {
  // The simulator at real speed: calls made here stay unanswered (cancelable) for the test.
  t = await startTestApp({ config: { simulatorTimeScale: 1 } });
  const owner = await signUp(t.app);
  const other = await signUp(t.app);
  const bizIn = await createBusiness(t.app, owner, 'In scope');
  const bizOut = await createBusiness(t.app, owner, 'Out of scope');
  const bizOther = await createBusiness(t.app, other, 'Someone else');
  const restricted = { type: 'restricted' as const, businessIds: [bizIn] };
  const keys: Record<string, string> = {
    unrestricted: (await createKey(t.app, owner)).key,
    restricted: (await createKey(t.app, owner, { businessScope: restricted })).key,
    restrictedWithUserManagement: (
      await createKey(t.app, owner, { businessScope: restricted, userManagement: true })
    ).key,
    withUserManagement: (await createKey(t.app, owner, { userManagement: true })).key,
    other: (await createKey(t.app, other, { userManagement: true })).key,
  };
  const revoked = await createKey(t.app, owner, { userManagement: true });
  await call(t.app, {
    method: 'DELETE',
    url: `/api/v1/user/api-keys/${revoked.id}`,
    as: { session: owner },
  });
  keys.revoked = revoked.key;
  const expired = await createKey(t.app, owner, { userManagement: true });
  await t.store.db
    .updateTable('api_keys')
    .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
    .where('id', '=', expired.id)
    .execute();
  keys.expired = expired.key;
  world = { owner, other, bizIn, bizOut, bizOther, keys };
});

afterAll(async () => {
  await t?.close();
});

async function credentialFor(
  kind: CredentialKind,
  route: string,
): Promise<{ as: Credential; target: Target }> {
  const { keys, owner, other, bizIn, bizOut, bizOther } = world;
  const destroys = DESTROYS_BUSINESS.has(route);
  // A destroyed business is created fresh, and a restricted key made for it when needed.
  const fresh = destroys ? await createBusiness(t.app, owner, 'Doomed') : undefined;
  const inScope = fresh ?? bizIn;
  let target: Target = { businessId: inScope, homeBusinessId: bizIn };
  const restrictedKeyFor = async (userManagement: boolean) =>
    fresh
      ? (
          await createKey(t.app, owner, {
            businessScope: { type: 'restricted', businessIds: [fresh] },
            userManagement,
          })
        ).key
      : userManagement
        ? keys.restrictedWithUserManagement!
        : keys.restricted!;
  switch (kind) {
    case 'none':
      return { as: {}, target };
    case 'bearer':
      return { as: { authorization: `Bearer ${keys.unrestricted}` }, target };
    case 'malformed':
      return { as: { key: `${keys.unrestricted!.slice(0, -1)}x` }, target };
    case 'unknown':
      return { as: { key: generateKey() }, target };
    case 'revoked':
      return { as: { key: keys.revoked! }, target };
    case 'expired':
      return { as: { key: keys.expired! }, target };
    case 'unrestricted':
    case 'withoutUserManagement':
      return { as: { key: keys.unrestricted! }, target };
    case 'withUserManagement':
      return { as: { key: keys.withUserManagement! }, target };
    case 'restrictedInScope':
      return { as: { key: await restrictedKeyFor(false) }, target };
    case 'restrictedWithUserManagement':
      return { as: { key: await restrictedKeyFor(true) }, target };
    case 'restrictedOutOfScope':
      target = { businessId: fresh ?? bizOut, homeBusinessId: bizIn };
      return { as: { key: keys.restricted! }, target };
    case 'anotherUsersKey':
      return {
        as: { key: keys.other! },
        target: { businessId: inScope, homeBusinessId: bizOther },
      };
    case 'session':
      return { as: { session: owner }, target };
    case 'sessionWithoutCsrf':
      return { as: { session: owner, csrf: false }, target };
  }
  void other;
}

describe('permission suite', () => {
  it('covers exactly the /api/v1 routes of the route table, with the declared access', () => {
    const declared = Object.fromEntries(
      t.app.accessTable
        .filter((r) => r.url.startsWith('/api/v1') && r.method !== 'HEAD')
        .filter((r) => r.access !== 'public')
        .map((r) => [`${r.method} ${r.url}`, r.access]),
    );
    const expected = Object.fromEntries(
      Object.entries(EXPECTATIONS).map(([k, e]) => [k, e.access]),
    );
    expect(declared).toEqual(expected);
  });

  it('leaves only the OpenAPI document public under /api/v1', () => {
    const open = t.app.accessTable.filter(
      (r) => r.url.startsWith('/api/v1') && r.access === 'public',
    );
    expect(open.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /api/v1/openapi.json',
      'HEAD /api/v1/openapi.json',
      // Signed by the secret scanning partner instead (secret-scanning.test.ts).
      'POST /api/v1/secret-scanning/github',
    ]);
  });

  for (const [route, expectation] of Object.entries(EXPECTATIONS)) {
    describe(route, () => {
      for (const kind of CREDENTIALS) {
        const status = expectedStatus(kind, route, expectation);
        it(`${kind} → ${status}`, async () => {
          const [method, path] = route.split(' ') as [string, string];
          const { as, target } = await credentialFor(kind, route);
          const params = (await expectation.params?.(world, t)) ?? {};
          const url = path
            .replace(':businessId', target.businessId)
            .replace(/:(\w+)/g, (_m, name: string) => params[name] ?? `missing-${name}`);
          const res = await call(t.app, {
            method: method as 'GET',
            url,
            as,
            body: expectation.body?.(target, params),
          });
          expect(res.statusCode, res.body).toBe(status);
          if (status >= 400) {
            expect(res.headers['content-type']).toContain('application/problem+json');
            const problem = res.json() as { status: number; detail: string; code: string };
            expect(problem.status).toBe(status);
            if (status === 401) {
              expect(problem.detail).toBe(DETAIL_401[kind]);
              expect(res.headers['www-authenticate']).toBe('Token');
            }
            if (status === 404) expect(problem.detail).toBe('Not found.');
            if (status === 403 && kind !== 'sessionWithoutCsrf') {
              const traits = KEY_TRAITS[kind];
              const accountWide =
                (expectation.restrictedKey === 403 || expectation.access === 'accountWide') &&
                traits?.restricted &&
                traits.userManagement;
              const detail = accountWide
                ? expect.stringContaining('unrestricted')
                : kind === 'session'
                  ? 'Client tokens are minted with an API key.'
                  : expectation.access === 'session'
                    ? 'This endpoint is only for dashboard sessions.'
                    : expectation.access === 'userManagement' ||
                        expectation.access === 'accountWide'
                      ? 'This API key does not have user management access.'
                      : expectation.access === 'unrestrictedScope'
                        ? expect.stringContaining('unrestricted')
                        : 'This API key does not have access to this business.';
              expect(problem.detail).toEqual(detail);
            }
          }
          if (status !== 401) {
            expect(res.headers['x-ratelimit-limit']).toBeDefined();
            expect(res.headers['x-ratelimit-remaining']).toBeDefined();
            expect(res.headers['x-ratelimit-reset']).toBeDefined();
          }
        });
      }
    });
  }
});

/**
 * The permission dimension (API.md §5), generated from the route table: every business route ×
 * {none, read, write} on the resource(s) it declares, every other resource at write. GET needs
 * read, any other method write; a new business route is covered the moment it is registered.
 */
describe('permission suite: per-resource permissions', () => {
  const LEVELS = ['none', 'read', 'write'] as const;
  const keyCache = new Map<string, string>();
  async function keyWith(resources: readonly string[], level: (typeof LEVELS)[number]) {
    const name = `${resources.join('+')}:${level}`;
    let key = keyCache.get(name);
    if (!key) {
      const permissions: Record<string, 'none' | 'read' | 'write'> = {
        businesses: 'write',
        agents: 'write',
        calls: 'write',
        conversations: 'write',
        webhooks: 'write',
        telephony: 'write',
      };
      for (const r of resources) permissions[r] = level;
      key = (await createKey(t.app, world.owner, { permissions })).key;
      keyCache.set(name, key);
    }
    return key;
  }

  it('every business route declares a resource', () => {
    const business = t.app.accessTable.filter(
      (r) => r.access === 'business' || r.access === 'businessIncludingDisabled',
    );
    expect(business.length).toBeGreaterThan(10);
    for (const r of business) expect(r.resources.length, `${r.method} ${r.url}`).toBeGreaterThan(0);
  });

  for (const [route, expectation] of Object.entries(EXPECTATIONS)) {
    if (expectation.access !== 'business' && expectation.access !== 'businessIncludingDisabled') {
      continue;
    }
    const [method, path] = route.split(' ') as [string, string];
    const needed = method === 'GET' ? 'read' : 'write';
    for (const level of LEVELS) {
      const allowed = level === 'write' || (level === 'read' && needed === 'read');
      const status = allowed ? expectation.ok : 403;
      it(`${route} with its resource at ${level} → ${status}`, async () => {
        const row = t.app.accessTable.find((r) => r.method === method && r.url === path);
        const resources = row?.resources ?? [];
        expect(resources.length).toBeGreaterThan(0);
        const key = await keyWith(resources, level);
        const businessId = DESTROYS_BUSINESS.has(route)
          ? await createBusiness(t.app, world.owner, 'Doomed')
          : world.bizIn;
        const params = (await expectation.params?.(world, t)) ?? {};
        const url = path
          .replace(':businessId', businessId)
          .replace(/:(\w+)/g, (_m, name: string) => params[name] ?? `missing-${name}`);
        const res = await call(t.app, {
          method: method as 'GET',
          url,
          as: { key },
          body: expectation.body?.({ businessId, homeBusinessId: world.bizIn }, params),
        });
        expect(res.statusCode, res.body).toBe(status);
        if (status === 403) {
          expect(res.json()).toMatchObject({
            code: 'permission_denied',
            // Every named resource is at `level`: the first one is the one reported.
            detail: `This API key does not have the "${resources[0]}:${needed}" permission.`,
          });
          expect(res.headers['x-ratelimit-limit']).toBeDefined();
        }
      });
    }
  }
});
