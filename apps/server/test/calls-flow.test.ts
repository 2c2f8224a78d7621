import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, followCall, placeCall } from './helpers/calls.js';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { eventsOfCall } from './helpers/events.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

/**
 * The story: a key restricted to one business, without user management, creates an agent,
 * triggers a call, follows it to its end and reads the conversation — for every outcome the
 * simulator has.
 */
let t: TestApp;
let owner: Session;
let businessId: string;
let key: string;
let agentId: string;

beforeAll(async () => {
  t = await startTestApp();
  owner = await signUp(t.app);
  businessId = await createBusiness(t.app, owner, 'Dental Clinic');
  key = (
    await createKey(t.app, owner, {
      businessScope: { type: 'restricted', businessIds: [businessId] },
    })
  ).key;
  agentId = await createAgent(t.app, { key }, businessId);
});

afterAll(async () => {
  await t?.close();
});

const OUTCOMES = [
  {
    to: '+15005550006',
    status: 'completed',
    endedReason: 'agent_hangup',
    seen: ['queued', 'ringing', 'in_progress', 'completed'],
    events: [
      'call.queued',
      'call.ringing',
      'call.in_progress',
      'call.completed',
      'conversation.ended',
    ],
  },
  {
    to: '+15005550001',
    status: 'busy',
    endedReason: 'busy',
    seen: ['queued', 'ringing', 'busy'],
    events: ['call.queued', 'call.ringing', 'call.failed', 'conversation.ended'],
  },
  {
    to: '+15005550002',
    status: 'no_answer',
    endedReason: 'no_answer',
    seen: ['queued', 'ringing', 'no_answer'],
    events: ['call.queued', 'call.ringing', 'call.failed', 'conversation.ended'],
  },
  {
    to: '+15005550003',
    status: 'failed',
    endedReason: 'carrier_error',
    seen: ['queued', 'ringing', 'failed'],
    events: ['call.queued', 'call.ringing', 'call.failed', 'conversation.ended'],
  },
] as const;

describe('the full flow with a restricted key and no user management', () => {
  for (const outcome of OUTCOMES) {
    it(`${outcome.to} → ${outcome.status}: call, follow, read the conversation`, async () => {
      const as = { key };
      const created = await placeCall(
        t.app,
        as,
        businessId,
        { agentId, to: outcome.to, variables: { patient: 'Sam' }, metadata: { ref: 'A-1' } },
        { 'idempotency-key': `flow-${outcome.to}` },
      );
      expect(created).toMatchObject({
        status: 'queued',
        agentId,
        to: outcome.to,
        from: '+15005550006',
        direction: 'outbound',
        variables: { patient: 'Sam' },
        metadata: { ref: 'A-1' },
        provider: 'simulator',
      });
      expect(created.id).toMatch(/^call_/);
      expect(created.conversationId).toMatch(/^conv_/);

      const { call: ended, seen } = await followCall(t.app, as, businessId, created.id);
      expect(ended.status).toBe(outcome.status);
      expect(ended.endedReason).toBe(outcome.endedReason);
      // Polling may miss a short-lived status, but never sees them out of order.
      expect(outcome.seen.filter((s) => seen.includes(s))).toEqual(seen);
      const events = await eventsOfCall(t.store, created.id);
      expect(events.map((e) => e.type)).toEqual(outcome.events);

      const list = await call(t.app, {
        url: `/api/v1/businesses/${businessId}/conversations?status=${outcome.status}&limit=20`,
        as,
      });
      expect(list.statusCode).toBe(200);
      const page = list.json() as { data: Record<string, unknown>[] };
      const summary = page.data.find((c) => c.id === created.conversationId);
      expect(summary).toMatchObject({ callId: created.id, agentId, status: outcome.status });
      expect(summary).not.toHaveProperty('messages');

      const detail = await call(t.app, {
        url: `/api/v1/businesses/${businessId}/conversations/${created.conversationId}`,
        as,
      });
      expect(detail.statusCode).toBe(200);
      const conversation = detail.json() as {
        status: string;
        durationSeconds: number;
        endedAt: string;
        messages: { role: string; text: string; at: string }[];
      };
      expect(conversation.status).toBe(outcome.status);
      const times = conversation.messages.map((m) => m.at);
      expect([...times].sort()).toEqual(times);
      expect(conversation.messages.at(-1)?.role).toBe('system');
      if (outcome.status === 'completed') {
        expect(conversation.messages[0]).toMatchObject({
          role: 'agent',
          text: 'Hello Sam, this is Dental Clinic calling about your appointment.',
        });
        expect(conversation.messages.some((m) => m.role === 'user')).toBe(true);
        expect(conversation.durationSeconds).toBeGreaterThan(10);
        expect(ended.durationSeconds).toBe(conversation.durationSeconds);
      } else {
        expect(conversation.messages).toHaveLength(1);
        expect(conversation.durationSeconds).toBe(0);
      }
    });
  }

  it('bills each completed call once: a usage record and the balance drawn down', async () => {
    const billing = await call(t.app, { url: '/api/v1/user/billing', as: { session: owner } });
    expect(billing.statusCode).toBe(200);
    const body = billing.json() as {
      plan: string;
      creditMinutes: number;
      currentPeriod: { calls: number; minutes: number; seconds: number };
    };
    expect(body.plan).toBe('free');
    expect(body.currentPeriod.calls).toBe(1);
    expect(body.creditMinutes).toBe(60 - body.currentPeriod.minutes);
    const usage = await call(t.app, { url: '/api/v1/user/usage', as: { session: owner } });
    const records = (usage.json() as { data: { minutes: number; businessId: string }[] }).data;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ businessId, minutes: body.currentPeriod.minutes });
    // A key without user management cannot read billing.
    const refused = await call(t.app, { url: '/api/v1/user/billing', as: { key } });
    expect(refused.statusCode).toBe(403);
  });
});
