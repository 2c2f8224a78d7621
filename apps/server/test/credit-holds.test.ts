import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, followCall, placeCall } from './helpers/calls.js';
import { call, createBusiness, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { waitFor } from './helpers/wait.js';

const HOLD = 5;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    // A call rings 0.2 s and talks about 1.6 s: none ends while a burst of requests is answered.
    // Following twelve calls polls the API for seconds; on a fast path that is more than the
    // default budget of the harness, and rate limits are not what this suite is about.
    config: {
      freeCreditMinutes: 60,
      callMaxMinutes: HOLD,
      simulatorTimeScale: 0.05,
      rateLimitPerMinute: 100_000,
    },
  });
});

afterAll(async () => {
  await t?.close();
});

/** A new account (60 free minutes) with a business and an agent. */
async function account() {
  const owner = await signUp(t.app);
  const businessId = await createBusiness(t.app, owner);
  const agentId = await createAgent(t.app, { session: owner }, businessId);
  const body = (to: string) => ({ agentId, to, variables: { patient: 'Sam' } });
  return { owner, businessId, body };
}

async function billing(owner: Session) {
  const res = await call(t.app, { url: '/api/v1/user/billing', as: { session: owner } });
  return res.json() as { creditMinutes: number; heldMinutes: number };
}

async function openHolds(userId: string) {
  return t.store.db.selectFrom('credit_holds').selectAll().where('user_id', '=', userId).execute();
}

describe('credit holds', () => {
  it('80 concurrent POSTs with 60 minutes and a 5-minute hold: 12 accepted, the rest 402, never below zero', async () => {
    const { owner, businessId, body } = await account();
    const answers = await Promise.all(
      Array.from({ length: 80 }, () =>
        call(t.app, {
          method: 'POST',
          url: `/api/v1/businesses/${businessId}/calls`,
          as: { session: owner },
          body: body('+15005550006'),
        }),
      ),
    );
    const accepted = answers.filter((r) => r.statusCode === 201);
    const refused = answers.filter((r) => r.statusCode === 402);
    expect(accepted).toHaveLength(60 / HOLD);
    expect(refused).toHaveLength(80 - 60 / HOLD);
    for (const r of refused) {
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json()).toMatchObject({ code: 'insufficient_credit', status: 402 });
    }
    expect((await billing(owner)).heldMinutes).toBe(60);

    for (const r of accepted) {
      await followCall(t.app, { session: owner }, businessId, r.json().id, 20_000);
    }
    const usage = await t.store.db
      .selectFrom('usage_records')
      .select('minutes')
      .where('user_id', '=', owner.userId)
      .execute();
    const billed = usage.reduce((sum, u) => sum + u.minutes, 0);
    expect(usage).toHaveLength(60 / HOLD);
    expect(await billing(owner)).toMatchObject({ creditMinutes: 60 - billed, heldMinutes: 0 });
    expect(60 - billed).toBeGreaterThanOrEqual(0);
    expect(await openHolds(owner.userId)).toEqual([]);
  });

  it('releases the hold of a call that ends busy, unanswered, failed or canceled, drawing nothing', async () => {
    const { owner, businessId, body } = await account();
    const as = { session: owner };
    const placed = [];
    for (const to of ['+15005550001', '+15005550002', '+15005550003']) {
      placed.push(await placeCall(t.app, as, businessId, body(to)));
    }
    // Unanswered calls ring for a while: this one is canceled long before that.
    const canceled = await placeCall(t.app, as, businessId, body('+15005550002'));
    expect((await billing(owner)).heldMinutes).toBeGreaterThan(0);
    const res = await call(t.app, {
      method: 'POST',
      url: `/api/v1/businesses/${businessId}/calls/${canceled.id}/cancel`,
      as,
    });
    expect(res.statusCode, res.body).toBe(200);

    const ended = [];
    for (const c of [...placed, canceled]) {
      ended.push((await followCall(t.app, as, businessId, c.id)).call.status);
    }
    expect(ended).toEqual(['busy', 'no_answer', 'failed', 'canceled']);
    expect(await billing(owner)).toMatchObject({ creditMinutes: 60, heldMinutes: 0 });
    expect(await openHolds(owner.userId)).toEqual([]);
  });

  it('a completed call draws the minutes it used, not its hold', async () => {
    const { owner, businessId, body } = await account();
    const placed = await placeCall(t.app, { session: owner }, businessId, body('+15005550006'));
    expect(await openHolds(owner.userId)).toMatchObject([{ call_id: placed.id, minutes: HOLD }]);
    const { call: ended } = await followCall(t.app, { session: owner }, businessId, placed.id);
    const used = Math.ceil(ended.durationSeconds / 60);
    expect(used).toBeLessThan(HOLD);
    expect(await billing(owner)).toMatchObject({ creditMinutes: 60 - used, heldMinutes: 0 });
  });

  it('an account whose balance less its holds is under one hold gets 402; the minutes come back when calls end', async () => {
    const { owner, businessId, body } = await account();
    await billing(owner); // the account exists from its first use on
    await t.store.db
      .updateTable('billing_accounts')
      .set({ credit_minutes: HOLD * 2 - 1 })
      .where('user_id', '=', owner.userId)
      .execute();
    const first = await placeCall(t.app, { session: owner }, businessId, body('+15005550006'));
    const second = await call(t.app, {
      method: 'POST',
      url: `/api/v1/businesses/${businessId}/calls`,
      as: { session: owner },
      body: body('+15005550001'),
    });
    expect(second.statusCode).toBe(402);
    await followCall(t.app, { session: owner }, businessId, first.id);
    await placeCall(t.app, { session: owner }, businessId, body('+15005550001'));
  });

  it('deleting a business with calls in flight gives their held minutes back', async () => {
    const { owner, businessId, body } = await account();
    await placeCall(t.app, { session: owner }, businessId, body('+15005550006'));
    const res = await call(t.app, {
      method: 'DELETE',
      url: `/api/v1/businesses/${businessId}`,
      as: { session: owner },
    });
    expect(res.statusCode, res.body).toBe(204);
    await waitFor(async () => ((await openHolds(owner.userId)).length === 0 ? true : undefined));
    expect((await billing(owner)).heldMinutes).toBe(0);
  });
});
