import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, followCall, getCall, placeCall } from './helpers/calls.js';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { waitFor } from './helpers/wait.js';

let t: TestApp;
let owner: Session;
let businessId: string;
let key: string;
let agentId: string;

beforeAll(async () => {
  // Real-speed simulator: calls stay ringing long enough to be seen and canceled.
  t = await startTestApp({ config: { simulatorTimeScale: 1, callConcurrencyPerBusiness: 2 } });
  owner = await signUp(t.app);
  businessId = await createBusiness(t.app, owner);
  key = (await createKey(t.app, owner)).key;
  agentId = await createAgent(t.app, { key }, businessId);
});

afterAll(async () => {
  await t?.close();
});

const post = (body: unknown, headers: Record<string, string> = {}, biz = businessId) =>
  call(t.app, {
    method: 'POST',
    url: `/api/v1/businesses/${biz}/calls`,
    as: { key },
    body,
    headers,
  });

const valid = () => ({ agentId, to: '+15005550002', variables: { patient: 'Sam' } });

describe('POST /calls validation', () => {
  const cases: [string, () => unknown, string, string][] = [
    ['a number not in E.164', () => ({ ...valid(), to: '555-0100' }), '/to', 'E.164'],
    ['a number with a leading 0', () => ({ ...valid(), to: '+05005550006' }), '/to', 'E.164'],
    ['a bad caller id', () => ({ ...valid(), from: '+1 500 555' }), '/from', 'E.164'],
    [
      'a missing variable',
      () => ({ agentId, to: '+15005550006' }),
      '/variables/patient',
      '{{patient}}',
    ],
    ['an unknown agent', () => ({ ...valid(), agentId: 'agt_nope' }), '/agentId', 'not an agent'],
    [
      'an unknown field',
      () => ({ ...valid(), priority: 'high' }),
      '/priority',
      'not a known field',
    ],
    [
      'a non-string variable',
      () => ({ ...valid(), variables: { patient: 7 } }),
      '/variables/patient',
      'string',
    ],
    [
      'a bad variable name',
      () => ({ ...valid(), variables: { patient: 'x', 'a-b': 'y' } }),
      '/variables/a-b',
      'variable name',
    ],
  ];
  for (const [what, body, path, text] of cases) {
    it(`refuses ${what} with a 400 naming ${path}`, async () => {
      const res = await post(body());
      expect(res.statusCode, res.body).toBe(400);
      const problem = res.json() as { detail: string; errors: { path: string }[] };
      expect(problem.errors[0]?.path).toBe(path);
      expect(problem.detail).toContain(text);
    });
  }

  it("refuses another business's agent as if it did not exist", async () => {
    const other = await createBusiness(t.app, owner, 'Other');
    const foreign = await createAgent(t.app, { key }, other, { greeting: 'Hi' });
    const res = await post({ ...valid(), agentId: foreign });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('/agentId');
  });

  it('answers 404 for a call of another business, or a malformed id', async () => {
    const other = await createBusiness(t.app, owner, 'Other 2');
    const created = await placeCall(t.app, { key }, businessId, valid());
    for (const url of [
      `/api/v1/businesses/${other}/calls/${created.id}`,
      `/api/v1/businesses/${businessId}/calls/call_x`,
    ]) {
      const res = await call(t.app, { url, as: { key } });
      expect(res.statusCode).toBe(404);
      expect(res.json().detail).toBe('Not found.');
    }
  });
});

describe('Idempotency-Key', () => {
  it('replays the first call for the same key and body: 200 and Idempotent-Replayed', async () => {
    const first = await post(valid(), { 'idempotency-key': 'same-1' });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The same body with its fields in another order is the same request.
    const { to, variables, agentId: a } = valid();
    const again = await post({ variables, to, agentId: a }, { 'idempotency-key': 'same-1' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
  });

  it('answers 422 for the same key with another body', async () => {
    await post(valid(), { 'idempotency-key': 'same-2' });
    const res = await post({ ...valid(), to: '+15005550001' }, { 'idempotency-key': 'same-2' });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('idempotency_mismatch');
  });

  it('scopes keys per business', async () => {
    const other = await createBusiness(t.app, owner, 'Idem other');
    const otherAgent = await createAgent(t.app, { key }, other);
    const a = await post(valid(), { 'idempotency-key': 'shared' });
    const b = await post(
      { ...valid(), agentId: otherAgent },
      { 'idempotency-key': 'shared' },
      other,
    );
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
  });

  it('forgets a key after 24 hours: the same key places a new call', async () => {
    const first = await post(valid(), { 'idempotency-key': 'old-key' });
    await t.store.db
      .updateTable('idempotency_keys')
      .set({ created_at: new Date(Date.now() - 25 * 3600_000).toISOString() })
      .where('key', '=', 'old-key')
      .execute();
    const second = await post(valid(), { 'idempotency-key': 'old-key' });
    expect(second.statusCode).toBe(201);
    expect(second.json().id).not.toBe(first.json().id);
  });

  it('20 concurrent POSTs with one key make exactly one call', async () => {
    const before = await t.store.db.selectFrom('calls').select('id').execute();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post(valid(), { 'idempotency-key': 'stampede' })),
    );
    const statuses = answers.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(new Set(answers.map((r) => r.json().id)).size).toBe(1);
    const after = await t.store.db.selectFrom('calls').select('id').execute();
    expect(after.length - before.length).toBe(1);
  });

  it('refuses a key longer than 255 characters', async () => {
    const res = await post(valid(), { 'idempotency-key': 'k'.repeat(256) });
    expect(res.statusCode).toBe(400);
  });
});

describe('cancel', () => {
  it('cancels a ringing call; the conversation says so', async () => {
    // A business of its own, so no earlier call holds its concurrency slots.
    const biz = await createBusiness(t.app, owner, 'Cancel');
    const agent = await createAgent(t.app, { key }, biz);
    const created = await placeCall(t.app, { key }, biz, { ...valid(), agentId: agent });
    await waitFor(async () =>
      (await getCall(t.app, { key }, biz, created.id)).status === 'ringing' ? true : undefined,
    );
    const res = await call(t.app, {
      method: 'POST',
      url: `/api/v1/businesses/${biz}/calls/${created.id}/cancel`,
      as: { key },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'canceled', endedReason: 'canceled' });
    const conversation = await call(t.app, {
      url: `/api/v1/businesses/${biz}/conversations/${created.conversationId}`,
      as: { key },
    });
    expect(conversation.json()).toMatchObject({
      status: 'canceled',
      messages: [{ role: 'system', text: 'The call was canceled before it was answered.' }],
    });
    const again = await call(t.app, {
      method: 'POST',
      url: `/api/v1/businesses/${biz}/calls/${created.id}/cancel`,
      as: { key },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain('already ended');
  });

  it('refuses to cancel an answered call with 409', async () => {
    const fast = await startTestApp();
    try {
      const s = await signUp(fast.app);
      const biz = await createBusiness(fast.app, s);
      const agent = await createAgent(fast.app, { session: s }, biz);
      const created = await placeCall(fast.app, { session: s }, biz, {
        agentId: agent,
        to: '+15005550006',
        variables: { patient: 'Sam' },
      });
      await waitFor(async () =>
        (await getCall(fast.app, { session: s }, biz, created.id)).status === 'in_progress'
          ? true
          : undefined,
      );
      const res = await call(fast.app, {
        method: 'POST',
        url: `/api/v1/businesses/${biz}/calls/${created.id}/cancel`,
        as: { session: s },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toContain('already answered');
      const { call: ended } = await followCall(fast.app, { session: s }, biz, created.id);
      expect(ended.status).toBe('completed');
    } finally {
      await fast.close();
    }
  });
});

describe('concurrency and credit', () => {
  it('never has more calls in flight per business than the limit; the rest wait queued', async () => {
    const biz = await createBusiness(t.app, owner, 'Busy business');
    const agent = await createAgent(t.app, { key }, biz);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await placeCall(t.app, { key }, biz, {
            agentId: agent,
            to: '+15005550002',
            variables: { patient: 'A' },
          })
        ).id,
      );
    }
    await waitFor(async () => {
      const rows = await t.store.db
        .selectFrom('calls')
        .select('status')
        .where('business_id', '=', biz)
        .execute();
      return rows.filter((r) => r.status === 'ringing').length === 2 ? true : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rows = await t.store.db
      .selectFrom('calls')
      .select(['id', 'status'])
      .where('business_id', '=', biz)
      .execute();
    expect(rows.filter((r) => r.status === 'ringing')).toHaveLength(2);
    expect(rows.filter((r) => r.status === 'queued')).toHaveLength(3);
    // Canceling a ringing call frees its slot for the oldest queued one.
    await call(t.app, {
      method: 'POST',
      url: `/api/v1/businesses/${biz}/calls/${ids[0]}/cancel`,
      as: { key },
    });
    await waitFor(async () =>
      (await getCall(t.app, { key }, biz, ids[2]!)).status === 'ringing' ? true : undefined,
    );
  });

  it('holds the queued calls of a disabled business until it is enabled again', async () => {
    const quick = await startTestApp({
      config: { simulatorTimeScale: 0.05, callConcurrencyPerBusiness: 2 },
    });
    try {
      const s = await signUp(quick.app);
      const biz = await createBusiness(quick.app, s, 'Paused');
      const agent = await createAgent(quick.app, { session: s }, biz);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const body = { agentId: agent, to: '+15005550002', variables: { patient: 'A' } };
        ids.push((await placeCall(quick.app, { session: s }, biz, body)).id);
      }
      const patch = {
        method: 'PATCH' as const,
        url: `/api/v1/businesses/${biz}`,
        as: { session: s },
      };
      const statusOf = async (id: string) =>
        (
          await quick.store.db
            .selectFrom('calls')
            .select('status')
            .where('id', '=', id)
            .executeTakeFirstOrThrow()
        ).status;
      // Both slots taken before the business is disabled: wakes are coalesced (a round at most
      // every 20 ms), so the second call may still be queued a moment after it was accepted.
      await waitFor(async () => ((await statusOf(ids[1]!)) === 'ringing' ? true : undefined));
      await call(quick.app, { ...patch, body: { disabled: true } });
      // The two ringing calls end (no answer); the queued one stays queued while disabled.
      await waitFor(async () => ((await statusOf(ids[1]!)) === 'no_answer' ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await statusOf(ids[2]!)).toBe('queued');
      await call(quick.app, { ...patch, body: { disabled: false } });
      await waitFor(async () => ((await statusOf(ids[2]!)) === 'no_answer' ? true : undefined));
    } finally {
      await quick.close();
    }
  });

  it('answers 402 when the credit is exhausted', async () => {
    await t.store.db
      .updateTable('billing_accounts')
      .set({ credit_minutes: 0 })
      .where('user_id', '=', owner.userId)
      .execute();
    const res = await post(valid());
    expect(res.statusCode).toBe(402);
    expect(res.json()).toMatchObject({ code: 'insufficient_credit', status: 402 });
    await t.store.db
      .updateTable('billing_accounts')
      .set({ credit_minutes: 60 })
      .where('user_id', '=', owner.userId)
      .execute();
  });
});

describe('GET /calls', () => {
  it('filters by status and pages newest first', async () => {
    const res = await call(t.app, {
      url: `/api/v1/businesses/${businessId}/calls?status=canceled&limit=1`,
      as: { key },
    });
    expect(res.statusCode).toBe(200);
    const page = res.json() as { data: { status: string }[]; nextCursor: string | null };
    expect(page.data.every((c) => c.status === 'canceled')).toBe(true);
    const bad = await call(t.app, {
      url: `/api/v1/businesses/${businessId}/calls?status=done`,
      as: { key },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('must be one of');
  });
});
