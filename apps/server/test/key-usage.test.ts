import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyUsageCounter } from '../src/auth/key-usage.js';
import { addKeyUsage } from '../src/keys/repo.js';
import { call, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

describe('per-key usage', () => {
  let t: TestApp;
  let owner: Session;
  const queries: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ onQuery: (q) => queries.push(q), lastUsedFlushMs: 3_600_000 });
    owner = await signUp(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('N requests write nothing; the answer already counts them (requests, rejected)', async () => {
    const { key, id } = await createKey(t.app, owner, { permissions: { businesses: 'read' } });
    queries.length = 0;
    for (let i = 0; i < 5; i++) await call(t.app, { url: '/api/v1/businesses', as: { key } });
    await call(t.app, {
      method: 'POST',
      url: '/api/v1/businesses',
      as: { key },
      body: { name: 'x' },
    });
    expect(queries.filter((q) => /api_key_usage/.test(q))).toEqual([]);
    const res = await call(t.app, {
      url: `/api/v1/user/api-keys/${id}/usage?days=3`,
      as: { session: owner },
    });
    expect(res.statusCode).toBe(200);
    const days = res.json().data as { requests: number; rejected: number }[];
    expect(days).toHaveLength(3);
    expect(days[2]).toMatchObject({ requests: 6, rejected: 0 });
  });

  it('one batched additive write per flush; two nodes on one database sum', async () => {
    const { id } = await createKey(t.app, owner);
    const nodes = [0, 1].map(
      () =>
        new KeyUsageCounter((d) => addKeyUsage(t.store.db, t.store.engine, d), {
          intervalMs: 60_000,
          onError: () => {},
        }),
    );
    for (const node of nodes) {
      for (let i = 0; i < 4; i++) node.count(id, { rejected: i === 0, unauthorized: false });
    }
    queries.length = 0;
    await nodes[0]!.flush();
    expect(queries.filter((q) => /insert into "api_key_usage"/.test(q))).toHaveLength(1);
    await nodes[1]!.flush();
    const res = await call(t.app, {
      url: `/api/v1/user/api-keys/${id}/usage?days=1`,
      as: { session: owner },
    });
    expect(res.json().data[0]).toMatchObject({ requests: 8, rejected: 2, unauthorized: 0 });
  });

  it('days outside 1…90 is a 400', async () => {
    const { id } = await createKey(t.app, owner);
    const res = await call(t.app, {
      url: `/api/v1/user/api-keys/${id}/usage?days=91`,
      as: { session: owner },
    });
    expect(res.statusCode).toBe(400);
  });
});
