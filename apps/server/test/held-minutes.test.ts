import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations/index.js';
import { createAgent } from './helpers/calls.js';
import { call, createBusiness, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp, testDatabase } from './helpers/harness.js';
import { waitFor } from './helpers/wait.js';

/** What the account says it holds, next to what its hold rows add up to. */
async function heldAndSum(store: Store, userId: string) {
  const account = await store.db
    .selectFrom('billing_accounts')
    .select('held_minutes')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const holds = await store.db
    .selectFrom('credit_holds')
    .select('minutes')
    .where('user_id', '=', userId)
    .execute();
  return { held: account?.held_minutes, sum: holds.reduce((n, h) => n + h.minutes, 0) };
}

// Issue 12: a call's credit check read the sum of every hold of the account, so each accepted
// call got slower the more were in flight; the sum now lives on the account, kept by triggers.
describe('held minutes on the account', () => {
  let t: TestApp;
  let owner: Session;
  let businessId: string;
  let agentId: string;

  beforeAll(async () => {
    t = await startTestApp({
      config: { freeCreditMinutes: 100, callMaxMinutes: 5, simulatorTimeScale: 0.05 },
    });
    owner = await signUp(t.app);
    businessId = await createBusiness(t.app, owner);
    agentId = await createAgent(t.app, { session: owner }, businessId);
  });
  afterAll(async () => t?.close());

  const place = (to: string) =>
    call(t.app, {
      method: 'POST',
      url: `/api/v1/businesses/${businessId}/calls`,
      as: { session: owner },
      body: { agentId, to, variables: { patient: 'Sam' } },
    });

  it('always equals the sum of the holds: through concurrent accepts, calls ending, a cancel and a business deleted', async () => {
    // The first call opens the account with the free credit.
    const answers = await Promise.all(Array.from({ length: 30 }, () => place('+15005550006')));
    expect(answers.filter((r) => r.statusCode === 201)).toHaveLength(20);
    expect(answers.filter((r) => r.statusCode === 402)).toHaveLength(10);
    expect(await heldAndSum(t.store, owner.userId)).toEqual({ held: 100, sum: 100 });

    const cancel = answers.find((r) => r.statusCode === 201)?.json().id;
    await call(t.app, {
      method: 'POST',
      url: `/api/v1/businesses/${businessId}/calls/${cancel}/cancel`,
      as: { session: owner },
    });
    const midway = await heldAndSum(t.store, owner.userId);
    expect(midway.held).toBe(midway.sum);

    // Deleting the business removes its calls, and their holds with them (a cascade).
    const res = await call(t.app, {
      method: 'DELETE',
      url: `/api/v1/businesses/${businessId}`,
      as: { session: owner },
    });
    expect(res.statusCode, res.body).toBe(204);
    await waitFor(async () => {
      const now = await heldAndSum(t.store, owner.userId);
      return now.sum === 0 ? now : undefined;
    });
    expect(await heldAndSum(t.store, owner.userId)).toEqual({ held: 0, sum: 0 });
    const billing = await call(t.app, { url: '/api/v1/user/billing', as: { session: owner } });
    expect(billing.json()).toMatchObject({ heldMinutes: 0 });
  });
});

describe('migration 0012 starts held_minutes from the holds already open', () => {
  it('backfills each account with the sum of its holds, and the triggers keep it from there', async () => {
    const { database, dispose } = testDatabase({ sqliteFile: true });
    const store = openStore(database);
    try {
      await migrateToLatest(store, { upTo: '0011_client_tokens' });
      // The old schema: typed loosely, since the app's types describe the new one.
      const db = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      const now = new Date().toISOString();
      const user = (id: string) => ({
        id,
        email: `${id}@example.com`,
        name: id,
        password_hash: null,
        disabled: 0,
        created_at: now,
        updated_at: now,
      });
      await db
        .insertInto('users')
        .values([user('usr_1'), user('usr_2')])
        .execute();
      await db
        .insertInto('businesses')
        .values({
          id: 'biz_1',
          owner_id: 'usr_1',
          name: 'B',
          default_language: 'en',
          timezone: 'UTC',
          disabled: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const account = (userId: string) => ({
        user_id: userId,
        plan: 'free',
        credit_minutes: 60,
        created_at: now,
        updated_at: now,
      });
      await db
        .insertInto('billing_accounts')
        .values([account('usr_1'), account('usr_2')])
        .execute();
      const callRow = (id: string) => ({
        id,
        business_id: 'biz_1',
        agent_id: 'agt_1',
        conversation_id: `conv_${id}`,
        direction: 'outbound',
        to_number: '+15005550006',
        from_number: '+15005550006',
        status: 'queued',
        ended_reason: null,
        variables: '{}',
        metadata: '{}',
        agent_snapshot: '{}',
        provider: 'simulator',
        provider_call_id: null,
        dial_attempts: 0,
        claimed_by: null,
        lease_until: null,
        created_at: now,
        updated_at: now,
        dialed_at: null,
        answered_at: null,
        ended_at: null,
        duration_seconds: 0,
      });
      await db
        .insertInto('calls')
        .values([callRow('call_1'), callRow('call_2'), callRow('call_3')])
        .execute();
      const hold = (callId: string, minutes: number) => ({
        call_id: callId,
        user_id: 'usr_1',
        minutes,
        created_at: now,
      });
      await db
        .insertInto('credit_holds')
        .values([hold('call_1', 5), hold('call_2', 7)])
        .execute();

      await migrateToLatest(store);

      expect(await heldAndSum(store, 'usr_1')).toEqual({ held: 12, sum: 12 });
      expect(await heldAndSum(store, 'usr_2')).toEqual({ held: 0, sum: 0 });
      await store.db
        .insertInto('credit_holds')
        .values({ call_id: 'call_3', user_id: 'usr_1', minutes: 3, created_at: now })
        .execute();
      await store.db.deleteFrom('credit_holds').where('call_id', '=', 'call_1').execute();
      expect(await heldAndSum(store, 'usr_1')).toEqual({ held: 10, sum: 10 });
      await store.db.deleteFrom('calls').where('id', '=', 'call_2').execute();
      expect(await heldAndSum(store, 'usr_1')).toEqual({ held: 3, sum: 3 });
      await dispose(store);
    } finally {
      await store.close();
    }
  });
});
