import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

/** API.md §5: key create and roll honour Idempotency-Key; /user/usage needs calls:read. */
describe('key idempotency', () => {
  let t: TestApp;
  let owner: Session;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await signUp(t.app);
  });
  afterAll(async () => t?.close());

  const create = (
    idem: string,
    body: Record<string, unknown>,
    as: { key: string } | { session: Session } = { session: owner },
  ) =>
    call(t.app, {
      method: 'POST',
      url: '/api/v1/user/api-keys',
      as,
      headers: { 'idempotency-key': idem },
      body: { businessScope: { type: 'unrestricted' }, ...body },
    });
  const keysNamed = async (name: string) =>
    t.store.db.selectFrom('api_keys').select('id').where('name', '=', name).execute();

  it('replays the first answer, key included, and stores it sealed', async () => {
    const first = await create('idem-a', { name: 'replayed' });
    expect(first.statusCode).toBe(201);
    const again = await create('idem-a', { name: 'replayed' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await keysNamed('replayed')).toHaveLength(1);
    const stored = await t.store.db.selectFrom('key_idempotency').select('response').execute();
    const secret = (first.json() as { key: string }).key;
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) expect(row.response).not.toContain(secret.slice(8));
  });

  it('refuses the same key with another body, or from another caller, with 422', async () => {
    await create('idem-b', { name: 'first body' });
    const other = await create('idem-b', { name: 'second body' });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_mismatch');
    // Another credential of the account cannot collect the secret with a replay.
    const { key } = await createKey(t.app, owner, { userManagement: true });
    const stolen = await create('idem-b', { name: 'first body' }, { key });
    expect(stolen.statusCode).toBe(422);
    expect(stolen.body).not.toContain('iqra_sk_');
  });

  it('10 concurrent creates with one key make exactly one key and one audit event', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => create('idem-race', { name: 'raced' })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    const made = await keysNamed('raced');
    expect(made).toHaveLength(1);
    expect(new Set(answers.map((a) => (a.json() as { key: string }).key)).size).toBe(1);
    // The losers minted inside a transaction that rolled back: no event of theirs survived.
    const created = await t.store.db
      .selectFrom('audit_events')
      .select('target_id')
      .where('action', '=', 'api_key.created')
      .where('data', 'like', '%"raced"%')
      .execute();
    expect(created.map((e) => e.target_id)).toEqual([made[0]?.id]);
  });

  it('replays a roll; another overlap is a different request', async () => {
    const { id } = await createKey(t.app, owner, { name: 'to roll' });
    const roll = (overlapSeconds: number) =>
      call(t.app, {
        method: 'POST',
        url: `/api/v1/user/api-keys/${id}/roll`,
        as: { session: owner },
        headers: { 'idempotency-key': 'idem-roll' },
        body: { overlapSeconds },
      });
    const first = await roll(60);
    expect(first.statusCode).toBe(201);
    const again = await roll(60);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().key).toBe(first.json().key);
    expect((await roll(0)).statusCode).toBe(422);
    expect(await keysNamed('to roll')).toHaveLength(2);
  });

  it('/user/usage needs calls:read from a key', async () => {
    const biz = await createBusiness(t.app, owner);
    const scope = { type: 'restricted' as const, businessIds: [biz] };
    const blind = await createKey(t.app, owner, {
      userManagement: true,
      businessScope: scope,
      permissions: { businesses: 'read' },
    });
    const res = await call(t.app, { url: '/api/v1/user/usage', as: { key: blind.key } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      code: 'permission_denied',
      detail: 'This API key does not have the "calls:read" permission.',
    });
    const reader = await createKey(t.app, owner, {
      userManagement: true,
      businessScope: scope,
      permissions: { calls: 'read' },
    });
    expect(
      (await call(t.app, { url: '/api/v1/user/usage', as: { key: reader.key } })).statusCode,
    ).toBe(200);
  });
});
