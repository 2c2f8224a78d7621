import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, purgeOldEvents } from '../src/webhooks/outbox.js';
import { createAgent, followCall, placeCall } from './helpers/calls.js';
import { call, createBusiness, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { startReceiver } from './helpers/receiver.js';
import { waitFor } from './helpers/wait.js';

let t: TestApp;
let owner: Session;
/** Every signing secret handed out, to prove none reaches the logs. */
const secrets: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ config: { webhookMaxAttempts: 3 }, captureLogs: true });
  owner = await signUp(t.app);
});

afterAll(async () => {
  await t?.close();
});

async function setUp(url: string, events?: string[]) {
  const businessId = await createBusiness(t.app, owner);
  const agentId = await createAgent(t.app, { session: owner }, businessId);
  const res = await call(t.app, {
    method: 'POST',
    url: `/api/v1/businesses/${businessId}/webhooks`,
    as: { session: owner },
    body: { url, ...(events ? { events } : {}) },
  });
  expect(res.statusCode, res.body).toBe(201);
  const endpoint = res.json() as { id: string; secret: string; events: string[] };
  secrets.push(endpoint.secret);
  const place = (to = '+15005550006') =>
    placeCall(t.app, { session: owner }, businessId, {
      agentId,
      to,
      variables: { patient: 'Sam' },
    });
  const deliveries = async () =>
    (
      await call(t.app, {
        url: `/api/v1/businesses/${businessId}/webhooks/${endpoint.id}/deliveries`,
        as: { session: owner },
      })
    ).json() as { data: Record<string, unknown>[] };
  return { businessId, endpoint, place, deliveries };
}

describe('webhook endpoints', () => {
  it('shows the secret once, stores it sealed, and lists without it', async () => {
    const { businessId, endpoint } = await setUp('https://example.com/hooks');
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    // Omitted events means every event of the catalogue.
    expect(endpoint.events).toEqual([...EVENT_TYPES]);
    const stored = await t.store.db
      .selectFrom('webhook_endpoints')
      .select('secret')
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain(endpoint.secret.slice(6, 20));
    for (const url of [
      `/api/v1/businesses/${businessId}/webhooks`,
      `/api/v1/businesses/${businessId}/webhooks/${endpoint.id}`,
    ]) {
      const res = await call(t.app, { url, as: { session: owner } });
      expect(res.body).not.toContain('whsec_');
      expect(res.body).toContain(endpoint.id);
    }
  });

  const invalid: [string, unknown, string][] = [
    ['a relative URL', { url: '/hooks' }, 'absolute URL'],
    ['a non-http URL', { url: 'ftp://example.com/hooks' }, 'http(s)'],
    ['credentials in the URL', { url: 'https://user:pw@example.com/hooks' }, 'credentials'],
    ['an unknown event', { url: 'https://example.com', events: ['call.exploded'] }, 'one of'],
    ['no events', { url: 'https://example.com', events: [] }, 'fewer than 1'],
  ];
  for (const [what, body, text] of invalid) {
    it(`refuses ${what} with a 400`, async () => {
      const businessId = await createBusiness(t.app, owner);
      const res = await call(t.app, {
        method: 'POST',
        url: `/api/v1/businesses/${businessId}/webhooks`,
        as: { session: owner },
        body,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().detail).toContain(text);
    });
  }

  it('refuses private and loopback addresses in production (SSRF)', async () => {
    const production = await startTestApp({ config: { env: 'production' } });
    try {
      const s = await signUp(production.app);
      const businessId = await createBusiness(production.app, s);
      for (const url of [
        'http://127.0.0.1:8080/hooks',
        'http://localhost/hooks',
        'http://10.1.2.3/hooks',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/hooks',
        'http://[::ffff:192.168.0.1]/hooks',
      ]) {
        const res = await call(production.app, {
          method: 'POST',
          url: `/api/v1/businesses/${businessId}/webhooks`,
          as: { session: s },
          body: { url },
        });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().detail).toMatch(/private address/);
      }
    } finally {
      await production.close();
    }
  });

  it('deletes an endpoint with its pending deliveries', async () => {
    const receiver = await startReceiver(() => 'hang');
    try {
      const { businessId, endpoint, place } = await setUp(receiver.url, ['call.queued']);
      await place();
      const res = await call(t.app, {
        method: 'DELETE',
        url: `/api/v1/businesses/${businessId}/webhooks/${endpoint.id}`,
        as: { session: owner },
      });
      expect(res.statusCode).toBe(204);
      const left = await t.store.db
        .selectFrom('webhook_deliveries')
        .select('event_id')
        .where('endpoint_id', '=', endpoint.id)
        .execute();
      expect(left).toEqual([]);
      const again = await call(t.app, {
        method: 'DELETE',
        url: `/api/v1/businesses/${businessId}/webhooks/${endpoint.id}`,
        as: { session: owner },
      });
      expect(again.statusCode).toBe(404);
    } finally {
      await receiver.close();
    }
  });
});

describe('webhook delivery', () => {
  it('signs every event per Standard Webhooks; the receiver verifies each one', async () => {
    const receiver = await startReceiver();
    try {
      const { businessId, endpoint, place } = await setUp(receiver.url);
      const placed = await place('+15005550006');
      await followCall(t.app, { session: owner }, businessId, placed.id);
      await waitFor(() => (receiver.received.length >= 5 ? true : undefined), { what: '5 events' });
      const verifier = new Webhook(endpoint.secret);
      const types = receiver.received.map((r) => {
        const headers = r.headers as Record<string, string>;
        const event = verifier.verify(r.body, headers) as { type: string; data: { id: string } };
        expect(headers['webhook-id']).toMatch(/^evt_/);
        expect(headers['content-type']).toBe('application/json');
        return event.type;
      });
      expect([...types].sort()).toEqual(
        [
          'call.completed',
          'call.in_progress',
          'call.queued',
          'call.ringing',
          'conversation.ended',
        ].sort(),
      );
      // A forged or altered body does not verify.
      const first = receiver.received[0]!;
      expect(() =>
        verifier.verify(
          first.body.replace('call', 'calx'),
          first.headers as Record<string, string>,
        ),
      ).toThrow();
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(
          first.body,
          first.headers as Record<string, string>,
        ),
      ).toThrow();
    } finally {
      await receiver.close();
    }
  });

  it('retries with backoff: 500, 500, then 200 delivers on the third try', async () => {
    const receiver = await startReceiver((_r, i) => (i < 2 ? 500 : 200));
    try {
      const { place, deliveries } = await setUp(receiver.url, ['call.queued']);
      await place();
      const delivered = await waitFor(async () => {
        const d = (await deliveries()).data[0];
        return d?.status === 'delivered' ? d : undefined;
      });
      expect(delivered).toMatchObject({
        attempts: 3,
        lastStatusCode: 200,
        lastError: null,
        eventType: 'call.queued',
      });
      expect(receiver.received).toHaveLength(3);
      const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(1);
      const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i]!.at);
      // Base 50 ms, ×4, ±20 %: at least 40 then 160 ms apart (load can only add to that).
      expect(gaps[0]).toBeGreaterThanOrEqual(38);
      expect(gaps[1]).toBeGreaterThanOrEqual(125);
    } finally {
      await receiver.close();
    }
  });

  it('gives up after the last attempt and shows the delivery as failed', async () => {
    const receiver = await startReceiver(() => 503);
    try {
      const { place, deliveries } = await setUp(receiver.url, ['call.queued']);
      await place();
      const failed = await waitFor(async () => {
        const d = (await deliveries()).data[0];
        return d?.status === 'failed' ? d : undefined;
      });
      expect(failed).toMatchObject({
        attempts: 3,
        lastStatusCode: 503,
        lastError: 'HTTP 503',
        nextAttemptAt: null,
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });

  it('a receiver that never answers does not slow the API', async () => {
    const receiver = await startReceiver(() => 'hang');
    try {
      const { businessId, place, deliveries } = await setUp(receiver.url);
      const timings: number[] = [];
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        const placed = await place('+15005550001');
        await call(t.app, {
          url: `/api/v1/businesses/${businessId}/calls/${placed.id}`,
          as: { session: owner },
        });
        timings.push(performance.now() - started);
      }
      await waitFor(() => (receiver.received.length >= 5 ? true : undefined));
      // Had any request waited for a delivery, it would have taken the 1 s attempt timeout.
      expect(Math.max(...timings)).toBeLessThan(900);
      // The hanging attempts time out (1 s in tests) and are scheduled again.
      const timedOut = await waitFor(async () => {
        const d = (await deliveries()).data.find((x) => x.lastError === 'timeout');
        return d;
      });
      expect(timedOut).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    } finally {
      await receiver.close();
    }
  });
});

describe('secrets stay out of the logs', () => {
  it('never logs a webhook signing secret', () => {
    const logs = t.logs.join('\n');
    expect(secrets.length).toBeGreaterThan(3);
    for (const secret of secrets) expect(logs).not.toContain(secret.slice('whsec_'.length));
  });
});

describe('event retention', () => {
  it('purges events past 30 days unless a delivery still waits on them', async () => {
    const receiver = await startReceiver(() => 'hang');
    try {
      const { businessId, place } = await setUp(receiver.url, ['call.queued']);
      const placed = await place('+15005550003');
      await followCall(t.app, { session: owner }, businessId, placed.id);
      const old = new Date(Date.now() - 31 * 24 * 3600_000).toISOString();
      await t.store.db.updateTable('webhook_events').set({ created_at: old }).execute();
      await purgeOldEvents(t.store.db);
      const left = await t.store.db
        .selectFrom('webhook_events')
        .select(['id', 'type', 'payload'])
        .where('business_id', '=', businessId)
        .execute();
      // Only the events with a delivery still pending survive.
      expect(left.map((e) => e.type)).toEqual(['call.queued']);
      expect(left[0]?.payload).toContain(placed.id);
    } finally {
      await receiver.close();
    }
  });
});
