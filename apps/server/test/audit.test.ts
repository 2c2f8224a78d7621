import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeAuditEvents } from '../src/audit/repo.js';
import {
  call,
  createBusiness,
  createKey,
  type Session,
  signUp,
  uniqueEmail,
} from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

interface Event {
  id: string;
  action: string;
  actor: { type: string; id: string | null };
  target: { type: string; id: string } | null;
  businessId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

/** API.md §5 "Audit log". */
describe('audit log', () => {
  let t: TestApp;
  let owner: Session;
  let biz: string;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await signUp(t.app);
    biz = await createBusiness(t.app, owner, 'Clinic');
  });
  afterAll(async () => t?.close());

  async function events(
    query = '',
    as: { key: string } | { session: Session } = { session: owner },
  ) {
    const res = await call(t.app, { url: `/api/v1/user/audit-events?limit=100${query}`, as });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { data: Event[] }).data;
  }
  const only = async (action: string, targetId?: string) => {
    const found = await events(`&action=${action}${targetId ? `&targetId=${targetId}` : ''}`);
    expect(found, action).toHaveLength(1);
    return found[0] as Event;
  };
  const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    call(t.app, {
      method,
      url,
      as: { session: owner },
      body,
      headers: { 'user-agent': 'audit-test/1' },
    });

  it('records each account action once, with the right actor, address and user agent', async () => {
    expect((await only('user.signed_up')).actor).toEqual({ type: 'user', id: owner.userId });
    const login = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: owner.email, password: 'correct horse battery' },
      remoteAddress: '203.0.113.9',
      headers: { 'user-agent': 'audit-test/1' },
    });
    expect(login.statusCode).toBe(200);
    expect(await only('user.logged_in')).toMatchObject({
      actor: { type: 'user', id: owner.userId },
      ip: '203.0.113.9',
      userAgent: 'audit-test/1',
    });
    expect((await send('PATCH', '/api/v1/user', { name: 'Renamed' })).statusCode).toBe(200);
    expect((await only('user.updated')).target).toEqual({ type: 'user', id: owner.userId });
    await send('PUT', '/api/v1/user/whitelabel', { brandName: 'Acme' });
    await only('whitelabel.updated');
    await send('PUT', '/api/v1/user/key-policy', { maxLifetimeDays: 365 });
    await only('key_policy.updated');
  });

  it('records business events with the business, including webhooks and telephony', async () => {
    const b = await createBusiness(t.app, owner, 'Second');
    await send('PATCH', `/api/v1/businesses/${b}`, { name: 'Second, renamed' });
    await send('PUT', `/api/v1/businesses/${b}/telephony`, { provider: 'simulator' });
    const hook = await send('POST', `/api/v1/businesses/${b}/webhooks`, {
      url: 'http://127.0.0.1:9/hook',
      events: ['call.completed'],
    });
    const { id: hookId, secret } = hook.json() as { id: string; secret: string };
    await send('DELETE', `/api/v1/businesses/${b}/webhooks/${hookId}`);
    await send('DELETE', `/api/v1/businesses/${b}`);
    const found = await events(`&businessId=${b}`);
    expect(found.map((e) => e.action).sort()).toEqual(
      [
        'business.created',
        'business.deleted',
        'business.updated',
        'telephony.updated',
        'webhook.created',
        'webhook.deleted',
      ].sort(),
    );
    expect(JSON.stringify(found)).not.toContain(secret);
  });

  it('names the maker of a key, and no event carries the key or its hash', async () => {
    const parent = await createKey(t.app, owner, { userManagement: true });
    const child = await call(t.app, {
      method: 'POST',
      url: '/api/v1/user/api-keys',
      as: { key: parent.key },
      body: { name: 'child' },
    });
    const childId = (child.json() as { id: string }).id;
    expect((await only('api_key.created', parent.id)).actor).toEqual({
      type: 'user',
      id: owner.userId,
    });
    expect((await only('api_key.created', childId)).actor).toEqual({
      type: 'api_key',
      id: parent.id,
    });
    const rolled = await send('POST', `/api/v1/user/api-keys/${parent.id}/roll`, {
      overlapSeconds: 0,
    });
    const newKey = (rolled.json() as { key: string; id: string }).key;
    await only('api_key.rolled', parent.id);
    await send('PATCH', `/api/v1/user/api-keys/${childId}`, { name: 'renamed' });
    await only('api_key.updated', childId);
    await send('DELETE', `/api/v1/user/api-keys/${childId}`);
    await only('api_key.revoked', childId);

    const hashes = await t.store.db.selectFrom('api_keys').select('key_hash').execute();
    const all = JSON.stringify(await events());
    for (const secret of [parent.key, newKey, ...hashes.map((h) => h.key_hash)]) {
      expect(all).not.toContain(secret);
    }
  });

  it('coalesces failed logins per email and address per minute', async () => {
    const victim = await signUp(t.app, uniqueEmail('victim'));
    const attempt = (remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email: victim.email, password: 'wrong password!' },
        remoteAddress,
      });
    for (let i = 0; i < 3; i++) expect((await attempt('198.51.100.1')).statusCode).toBe(401);
    await attempt('198.51.100.2');
    const failed = await events('&action=user.login_failed', { session: victim });
    expect(failed.map((e) => [e.ip, e.details.count]).sort()).toEqual([
      ['198.51.100.1', 3],
      ['198.51.100.2', 1],
    ]);
  });

  it('shows a restricted key its businesses and the keys it can see, never account events', async () => {
    const other = await createBusiness(t.app, owner, 'Other');
    const restricted = await createKey(t.app, owner, {
      userManagement: true,
      businessScope: { type: 'restricted', businessIds: [biz] },
    });
    await send('PATCH', `/api/v1/businesses/${biz}`, { name: 'Clinic, renamed' });
    await send('PATCH', `/api/v1/businesses/${other}`, { name: 'Other, renamed' });
    const seen = await events('', { key: restricted.key });
    expect(seen.length).toBeGreaterThan(0);
    for (const e of seen) {
      if (e.action.startsWith('api_key.')) continue;
      expect(e.businessId, e.action).toBe(biz);
    }
    expect(seen.some((e) => e.businessId === biz)).toBe(true);
    expect(seen.some((e) => e.target?.id === restricted.id)).toBe(true);
    // An unrestricted key's events are outside it.
    const wide = (await events('&action=api_key.created')).find(
      (e) => e.target?.id !== restricted.id,
    );
    expect(seen.some((e) => e.target?.id === wide?.target?.id)).toBe(false);
    expect(seen.some((e) => /^(user|key_policy|whitelabel)\./.test(e.action))).toBe(false);
    const denied = await call(t.app, {
      url: `/api/v1/user/audit-events?businessId=${other}`,
      as: { key: restricted.key },
    });
    expect(denied.statusCode).toBe(403);
  });

  it('filters by actor, time, and pages newest first', async () => {
    const mine = await events(`&actorId=${owner.userId}`);
    expect(mine.every((e) => e.actor.type === 'user')).toBe(true);
    expect(await events('&until=2000-01-01T00:00:00Z')).toEqual([]);
    const first = await call(t.app, {
      url: '/api/v1/user/audit-events?limit=2',
      as: { session: owner },
    });
    const page = first.json() as { data: Event[]; nextCursor: string };
    const next = await call(t.app, {
      url: `/api/v1/user/audit-events?limit=2&cursor=${page.nextCursor}`,
      as: { session: owner },
    });
    const ids = [...page.data, ...(next.json() as { data: Event[] }).data].map((e) => e.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const bad = await call(t.app, {
      url: '/api/v1/user/audit-events?since=yesterday',
      as: { session: owner },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('keeps failed logins 90 days and the rest a year', async () => {
    const day = 86_400_000;
    const count = async (action: string) =>
      (
        await t.store.db
          .selectFrom('audit_events')
          .select('id')
          .where('action', '=', action)
          .execute()
      ).length;
    await purgeAuditEvents(t.store.db, Date.now() + 89 * day);
    expect(await count('user.login_failed')).toBeGreaterThan(0);
    await purgeAuditEvents(t.store.db, Date.now() + 91 * day);
    expect(await count('user.login_failed')).toBe(0);
    expect(await count('business.created')).toBeGreaterThan(0);
    await purgeAuditEvents(t.store.db, Date.now() + 366 * day);
    expect(await count('business.created')).toBe(0);
  });

  // The origin travels with the actor now (no AsyncLocalStorage): requests in flight at once
  // must each record their own, whichever credential they carry.
  it('20 concurrent requests from different addresses and user agents each record their own', async () => {
    const key = await createKey(t.app, owner, { name: 'busy', userManagement: true });
    const origin = (i: number) => ({ ip: `198.51.100.${10 + i}`, userAgent: `client/${i}` });
    const renames = Array.from({ length: 20 }, (_, i) => {
      const credential: Record<string, string> =
        i % 2 === 0
          ? { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken }
          : { authorization: `Token ${key.key}` };
      return t.app.inject({
        method: 'PATCH',
        url: `/api/v1/user/api-keys/${key.id}`,
        headers: { ...credential, 'user-agent': origin(i).userAgent },
        remoteAddress: origin(i).ip,
        payload: { name: `rename-${i}` },
      });
    });
    const answers = await Promise.all(renames);
    expect(answers.map((r) => r.statusCode)).toEqual(answers.map(() => 200));
    const byName = (a: { name: unknown }, b: { name: unknown }) =>
      String(a.name).localeCompare(String(b.name));
    const recorded = (await events(`&action=api_key.updated&targetId=${key.id}`)).map((e) => ({
      name: e.details.name,
      actor: e.actor.type,
      ip: e.ip,
      userAgent: e.userAgent,
    }));
    const expected = Array.from({ length: 20 }, (_, i) => ({
      name: `rename-${i}`,
      actor: i % 2 === 0 ? 'user' : 'api_key',
      ...origin(i),
    }));
    expect(recorded.sort(byName)).toEqual(expected.sort(byName));
  });

  it('stores the first 512 characters of a user agent, on public routes too', async () => {
    const user = await signUp(t.app, uniqueEmail('agent'));
    const login = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: 'correct horse battery' },
      remoteAddress: '192.0.2.7',
      headers: { 'user-agent': `${'a'.repeat(512)}${'b'.repeat(100)}` },
    });
    expect(login.statusCode).toBe(200);
    const [event] = await events('&action=user.logged_in', { session: user });
    expect(event).toMatchObject({ ip: '192.0.2.7', userAgent: 'a'.repeat(512) });
  });
});
