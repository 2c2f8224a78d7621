import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { periodOf } from '../src/billing/service.js';
import { runCli } from '../src/cli.js';
import { createAgent, followCall, placeCall } from './helpers/calls.js';
import { call, createBusiness, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

let t: TestApp;
let owner: Session;
let businessId: string;
let agentId: string;

beforeAll(async () => {
  t = await startTestApp({ sqliteFile: true, config: { freeCreditMinutes: 5 } });
  owner = await signUp(t.app);
  businessId = await createBusiness(t.app, owner);
  agentId = await createAgent(t.app, { session: owner }, businessId);
});

afterAll(async () => {
  await t?.close();
});

const billing = async () =>
  (await call(t.app, { url: '/api/v1/user/billing', as: { session: owner } })).json();

/** Runs the operator CLI against this test's database, as an operator would. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const db = t.config.database;
  const url =
    db.kind === 'sqlite' ? `sqlite:${t.sqlitePath}` : `${db.url}?schema=${db.schema ?? ''}`;
  const env = {
    DATABASE_URL: url,
    IQRA_PEPPER: t.config.pepper,
    SESSION_SECRET: t.config.sessionSecret,
    FREE_CREDIT_MINUTES: '5',
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let out = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await runCli(args), out };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('billing', () => {
  it('starts a new account on the free plan with the configured free credit', async () => {
    const view = await billing();
    const period = periodOf(new Date());
    expect(view).toEqual({
      plan: 'free',
      creditMinutes: 5,
      heldMinutes: 0,
      currentPeriod: { start: period.start, end: period.end, calls: 0, minutes: 0, seconds: 0 },
    });
    expect(period.start).toMatch(/-01T00:00:00\.000Z$/);
  });

  it('draws the balance down by each completed call’s minutes, rounded up', async () => {
    const placed = await placeCall(t.app, { session: owner }, businessId, {
      agentId,
      to: '+15005550006',
      variables: { patient: 'Sam' },
    });
    const { call: ended } = await followCall(t.app, { session: owner }, businessId, placed.id);
    const minutes = Math.ceil(ended.durationSeconds / 60);
    const view = await billing();
    expect(view.creditMinutes).toBe(5 - minutes);
    expect(view.currentPeriod).toMatchObject({ calls: 1, minutes, seconds: ended.durationSeconds });
  });

  it('refuses calls with 402 once the credit is gone; an operator credit lets them through', async () => {
    await t.store.db
      .updateTable('billing_accounts')
      .set({ credit_minutes: 0 })
      .where('user_id', '=', owner.userId)
      .execute();
    const body = { agentId, to: '+15005550001', variables: { patient: 'Sam' } };
    const refused = await call(t.app, {
      method: 'POST',
      url: `/api/v1/businesses/${businessId}/calls`,
      as: { session: owner },
      body,
    });
    expect(refused.statusCode).toBe(402);
    expect(refused.json().detail).toContain('no call credit');

    const { code, out } = await cli([
      'billing',
      'credit',
      '--user',
      owner.email,
      '--minutes',
      '30',
    ]);
    expect(code).toBe(0);
    expect(out.trim()).toBe('30');
    expect(await billing()).toMatchObject({ plan: 'prepaid', creditMinutes: 30 });
    await placeCall(t.app, { session: owner }, businessId, body);
  });

  it('refuses a credit that is not a positive whole number of minutes', async () => {
    for (const minutes of ['0', '-5', '1.5', 'ten']) {
      const { code } = await cli([
        'billing',
        'credit',
        '--user',
        owner.userId,
        '--minutes',
        minutes,
      ]);
      expect(code, minutes).toBe(2);
    }
    expect(
      (await cli(['billing', 'credit', '--user', 'nobody@example.com', '--minutes', '3'])).code,
    ).toBe(2);
  });

  it('lists usage newest first, by business and time, page by page', async () => {
    const other = await createBusiness(t.app, owner, 'Other');
    const base = Date.parse('2026-03-10T10:00:00.000Z');
    await t.store.db
      .insertInto('usage_records')
      .values(
        Array.from({ length: 5 }, (_, i) => ({
          call_id: `call_0000000000000000000000000${i}`,
          user_id: owner.userId,
          business_id: i % 2 === 0 ? other : businessId,
          conversation_id: `conv_000000000000000000000000${i}`,
          duration_seconds: 61 + i,
          minutes: 2,
          ended_at: new Date(base + i * 60_000).toISOString(),
          created_at: new Date().toISOString(),
        })),
      )
      .execute();
    const get = async (query: string) => {
      const res = await call(t.app, { url: `/api/v1/user/usage?${query}`, as: { session: owner } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        data: { callId: string; businessId: string; endedAt: string }[];
        nextCursor: string | null;
      };
    };
    const window = 'from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z';
    const first = await get(`${window}&limit=2`);
    expect(first.data.map((r) => r.callId.at(-1))).toEqual(['4', '3']);
    const second = await get(
      `${window}&limit=2&cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
    );
    expect(second.data.map((r) => r.callId.at(-1))).toEqual(['2', '1']);
    const byBusiness = await get(`${window}&businessId=${other}`);
    expect(byBusiness.data.map((r) => r.callId.at(-1))).toEqual(['4', '2', '0']);
    const bad = await call(t.app, {
      url: '/api/v1/user/usage?from=last-week',
      as: { session: owner },
    });
    expect(bad.statusCode).toBe(400);
  });
});
