import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKey } from '../../../apps/server/test/helpers/client.js';
import { startReceiver } from '../../../apps/server/test/helpers/receiver.js';
import { waitFor } from '../../../apps/server/test/helpers/wait.js';
import { Iqra, IqraConnectionError, IqraError, WebhookVerificationError } from '../src/index.js';
import { type LiveServer, recordingFetch, startDroppingProxy, startLiveServer } from './helpers.js';

let s: LiveServer;
let iqra: Iqra;

beforeAll(async () => {
  s = await startLiveServer();
  iqra = new Iqra({ apiKey: s.key, baseUrl: s.baseUrl });
});

afterAll(async () => {
  await s?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function businessWithAgent(name = 'Dental Clinic') {
  const business = await iqra.businesses.create({ name });
  const agent = await iqra.agents.create(business.id, {
    name: 'Reminders',
    greeting: 'Hi {{patient}}, this is a reminder of your appointment tomorrow.',
  });
  return { business, agent };
}

describe('@iqra/sdk against a real server', () => {
  it("README's calls in five lines: business, agent with {{patient}}, call, conversation", async () => {
    const { business, agent } = await businessWithAgent();
    const call = await iqra.calls.create(business.id, {
      agentId: agent.id,
      to: '+15005550006',
      variables: { patient: 'Sam' },
    });
    expect(call).toMatchObject({ status: 'queued', to: '+15005550006', agentId: agent.id });

    const done = await waitFor(async () => {
      const now = await iqra.calls.retrieve(business.id, call.id);
      return now.status === 'completed' ? now : undefined;
    });
    expect(done.conversationId).toBe(call.conversationId);

    const listed = [];
    for await (const c of iqra.conversations.list(business.id, { status: 'completed' })) {
      listed.push(c);
    }
    expect(listed.map((c) => c.id)).toEqual([call.conversationId]);
    const conversation = await iqra.conversations.retrieve(business.id, call.conversationId);
    expect(conversation.messages[0]?.text).toContain('Hi Sam');
  });

  it('pagination over 250 conversations yields each exactly once, newest first', async () => {
    const { business, agent } = await businessWithAgent('Busy Clinic');
    const ids = await seedConversations(business.id, agent.id, 250);
    const seen: string[] = [];
    const recorder = recordingFetch();
    const paging = new Iqra({ apiKey: s.key, baseUrl: s.baseUrl, fetch: recorder.fetch });
    for await (const c of paging.conversations.list(business.id, { limit: 100 })) seen.push(c.id);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen).toEqual([...ids].reverse());
    expect(recorder.attempts).toHaveLength(3);

    const first = await paging.conversations.list(business.id, { limit: 10 }).page();
    expect(first.data).toHaveLength(10);
    const second = await paging.conversations
      .list(business.id, { limit: 10 })
      .page(first.nextCursor);
    expect(second.data[0]?.id).toBe(seen[10]);
  });

  it('a 429 is retried after Retry-After, then succeeds', async () => {
    const { key, id } = await createKey(s.t.app, s.owner);
    await s.t.store.db
      .updateTable('api_keys')
      .set({ rate_limit: 2 })
      .where('id', '=', id)
      .execute();
    const recorder = recordingFetch();
    const limited = new Iqra({ apiKey: key, baseUrl: s.baseUrl, fetch: recorder.fetch });
    await limited.businesses.list().page();
    await limited.businesses.list().page();
    // Move the clock to 1.5 s before the key's window ends, so Retry-After is short.
    const realNow = Date.now.bind(Date);
    const offset = 58_500;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);

    const page = await limited.businesses.list().page();
    expect(Array.isArray(page.data)).toBe(true);
    const [throttled, retried] = recorder.attempts.slice(2);
    expect(throttled?.status).toBe(429);
    expect(retried?.status).toBe(200);
    // Retry-After said 2 (whole seconds): the SDK waited for it.
    expect((retried?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(1900);
  });

  it('a dropped connection during calls.create is retried with the same Idempotency-Key and places exactly one call', async () => {
    const { business, agent } = await businessWithAgent('Flaky Network Clinic');
    const { port } = new URL(s.baseUrl);
    const proxy = await startDroppingProxy(Number(port), 1);
    try {
      const flaky = new Iqra({ apiKey: s.key, baseUrl: proxy.url, retryBaseDelayMs: 50 });
      const call = await flaky.calls.create(business.id, {
        agentId: agent.id,
        to: '+15005550006',
        variables: { patient: 'Ada' },
      });
      expect(proxy.connections()).toBe(2);
      const calls = await iqra.calls.list(business.id).toArray();
      expect(calls.map((c) => c.id)).toEqual([call.id]);
    } finally {
      await proxy.close();
    }
  });

  it('a POST without an Idempotency-Key is never retried (a dropped connection surfaces)', async () => {
    const { port } = new URL(s.baseUrl);
    const proxy = await startDroppingProxy(Number(port), 1);
    try {
      const flaky = new Iqra({ apiKey: s.key, baseUrl: proxy.url, retryBaseDelayMs: 50 });
      const failure = await flaky.businesses.create({ name: 'Once Only' }).catch((e) => e);
      expect(failure).toBeInstanceOf(IqraConnectionError);
      expect(proxy.connections()).toBe(1);
      // The server did create it once; the SDK did not make a second.
      const names = (await iqra.businesses.list().toArray()).map((b) => b.name);
      expect(names.filter((n) => n === 'Once Only')).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('a POST without an Idempotency-Key is not retried on a 5xx either', async () => {
    let attempts = 0;
    const failing = new Iqra({
      apiKey: s.key,
      baseUrl: s.baseUrl,
      retryBaseDelayMs: 1,
      fetch: async () => {
        attempts++;
        return new Response('{}', { status: 503 });
      },
    });
    await expect(failing.businesses.create({ name: 'x' })).rejects.toMatchObject({ status: 503 });
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(failing.businesses.list().page()).rejects.toMatchObject({ status: 503 });
    expect(attempts).toBe(3);
  });

  it('a 401 is never retried and surfaces as IqraError with the problem details', async () => {
    const recorder = recordingFetch();
    const bad = new Iqra({
      apiKey: 'iqra_sk_000000000000000000000000000000000000000',
      baseUrl: s.baseUrl,
      fetch: recorder.fetch,
    });
    const error = await bad.businesses
      .list()
      .page()
      .catch((e) => e);
    expect(error).toBeInstanceOf(IqraError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_token', detail: 'Invalid token.' });
    expect(error.requestId).toMatch(/^req_/);
    expect(recorder.attempts).toHaveLength(1);
  });

  it('a 400 carries every field error', async () => {
    const { business } = await businessWithAgent('Validation Clinic');
    const error = await iqra.calls
      .create(business.id, { agentId: 'agt_missing', to: 'not a number' })
      .catch((e) => e);
    expect(error).toMatchObject({ status: 400 });
    expect(error.errors.length).toBeGreaterThan(0);
  });

  it('Iqra.webhooks.verify accepts a real delivery and rejects a tampered one', async () => {
    const receiver = await startReceiver();
    try {
      const { business, agent } = await businessWithAgent('Webhook Clinic');
      const endpoint = await iqra.webhooks.create(business.id, {
        url: receiver.url,
        events: ['call.completed'],
      });
      expect(endpoint.secret).toMatch(/^whsec_/);
      await iqra.calls.create(business.id, {
        agentId: agent.id,
        to: '+15005550006',
        variables: { patient: 'Sam' },
      });
      const delivery = await waitFor(() => receiver.received[0], { what: 'a webhook delivery' });

      const event = await Iqra.webhooks.verify(delivery.body, delivery.headers, endpoint.secret);
      expect(event.type).toBe('call.completed');
      if (event.type === 'call.completed') expect(event.data.status).toBe('completed');

      const tampered = delivery.body.replace('completed', 'failed');
      await expect(
        Iqra.webhooks.verify(tampered, delivery.headers, endpoint.secret),
      ).rejects.toBeInstanceOf(WebhookVerificationError);
      const headers = new Headers(delivery.headers as Record<string, string>);
      await expect(
        Iqra.webhooks.verify(delivery.body, headers, endpoint.secret, {
          now: Date.now() + 6 * 60_000,
        }),
      ).rejects.toThrow(/timestamp/);
      await expect(
        Iqra.webhooks.verify(delivery.body, headers, `whsec_${btoa('another secret')}`),
      ).rejects.toThrow(/signature/);
    } finally {
      await receiver.close();
    }
  });

  it('rotate, test, retry and the event log: both secrets verify during the overlap', async () => {
    const receiver = await startReceiver();
    try {
      const business = await iqra.businesses.create({ name: 'Rotation Clinic' });
      const endpoint = await iqra.webhooks.create(business.id, { url: receiver.url });
      const rotated = await iqra.webhooks.rotateSecret(business.id, endpoint.id);
      expect(rotated.previousSecretExpiresAt).not.toBeNull();
      const queued = await iqra.webhooks.sendTest(business.id, endpoint.id);
      const got = await waitFor(() => receiver.received[0], { what: 'a test delivery' });
      for (const secret of [endpoint.secret, rotated.secret]) {
        const event = await Iqra.webhooks.verify(got.body, got.headers, secret);
        expect(event.type).toBe('webhook.test');
      }
      await waitFor(async () => {
        for await (const d of iqra.webhooks.deliveries(business.id, endpoint.id)) {
          if (d.status === 'delivered') return true;
        }
        return undefined;
      });
      const again = await iqra.webhooks.retryDelivery(business.id, endpoint.id, queued.id);
      expect(again.status).toBe('pending');
      const disabled = await iqra.webhooks.update(business.id, endpoint.id, { enabled: false });
      expect(disabled.enabled).toBe(false);
      const types: string[] = [];
      for await (const e of iqra.webhooks.events(business.id, { type: 'webhook.test' })) {
        types.push(e.type);
      }
      expect(types).toEqual(['webhook.test']);
    } finally {
      await receiver.close();
    }
  });
});

/** 250 finished calls and their conversations, written straight to the store (fixtures). */
async function seedConversations(businessId: string, agentId: string, count: number) {
  const { newId } = await import('../../../apps/server/src/ids.js');
  const start = Date.now() - 3_600_000;
  const ids: string[] = [];
  const calls = [];
  const conversations = [];
  for (let i = 0; i < count; i++) {
    const iso = new Date(start + i * 1000).toISOString();
    const callId = newId('call');
    const conversationId = newId('conv');
    ids.push(conversationId);
    calls.push({
      id: callId,
      business_id: businessId,
      agent_id: agentId,
      conversation_id: conversationId,
      direction: 'outbound' as const,
      to_number: '+15005550006',
      from_number: '+15005550006',
      status: 'completed' as const,
      ended_reason: 'agent_hangup',
      variables: '{}',
      metadata: '{}',
      agent_snapshot: '{}',
      provider: 'simulator' as const,
      provider_call_id: null,
      dial_attempts: 1,
      claimed_by: null,
      lease_until: null,
      created_at: iso,
      updated_at: iso,
      dialed_at: iso,
      answered_at: null,
      ended_at: iso,
      duration_seconds: 0,
    });
    conversations.push({
      id: conversationId,
      business_id: businessId,
      call_id: callId,
      agent_id: agentId,
      direction: 'outbound' as const,
      status: 'completed' as const,
      started_at: iso,
      answered_at: null,
      ended_at: iso,
      duration_seconds: 0,
      ended_reason: 'agent_hangup',
      updated_at: iso,
    });
  }
  for (let i = 0; i < count; i += 100) {
    await s.t.store.db
      .insertInto('calls')
      .values(calls.slice(i, i + 100))
      .execute();
    await s.t.store.db
      .insertInto('conversations')
      .values(conversations.slice(i, i + 100))
      .execute();
  }
  return ids;
}
