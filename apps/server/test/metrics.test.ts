import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, placeCall } from './helpers/calls.js';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { freePort } from './helpers/ports.js';
import { startReceiver } from './helpers/receiver.js';
import { waitFor } from './helpers/wait.js';

const token = 'metrics-token-0123456789';

describe('GET /metrics', () => {
  it('is not there unless METRICS_TOKEN or METRICS_PORT is set (404)', async () => {
    const t = await startTestApp();
    try {
      expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });

  describe('behind METRICS_TOKEN', () => {
    let t: TestApp;
    let owner: Session;
    beforeAll(async () => {
      t = await startTestApp({ config: { metricsToken: token } });
      owner = await signUp(t.app);
    });
    afterAll(async () => {
      await t?.close();
    });
    const scrape = (authorization?: string) =>
      t.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });

    it('answers 401 without the token, with a wrong one, and with it as an API key', async () => {
      for (const header of [undefined, 'Bearer wrong', `Bearer ${token}x`, `Token ${token}`]) {
        const res = await scrape(header);
        expect(res.statusCode).toBe(401);
        expect(res.body).not.toContain('iqra_http_request_duration_seconds');
      }
    });

    it('labels requests by route template (unmatched as `unmatched`) and counts auth outcomes', async () => {
      const { key } = await createKey(t.app, owner);
      const biz = (
        await call(t.app, {
          method: 'POST',
          url: '/api/v1/businesses',
          as: { key },
          body: { name: 'M' },
        })
      ).json();
      expect(
        (await call(t.app, { url: `/api/v1/businesses/${biz.id}`, as: { key } })).statusCode,
      ).toBe(200);
      await t.app.inject({
        url: '/api/v1/businesses',
        headers: { authorization: 'Token iqra_sk_nope' },
      });
      await t.app.inject({ url: '/no/such/path/biz_123' });

      const res = await scrape(`Bearer ${token}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      const text = res.body;
      expect(text).toMatch(
        /iqra_http_request_duration_seconds_count\{route="\/api\/v1\/businesses\/:businessId",method="GET",status="200"\} 1/,
      );
      expect(text).toMatch(
        /iqra_http_request_duration_seconds_count\{route="unmatched",method="GET",status="404"\} 1/,
      );
      expect(text).not.toContain(biz.id);
      expect(text).not.toContain('biz_123');
      expect(text).toMatch(/iqra_auth_outcomes_total\{outcome="valid"\} [1-9]/);
      expect(text).toMatch(/iqra_auth_outcomes_total\{outcome="invalid"\} [1-9]/);
      expect(text).toMatch(/iqra_key_cache_hit_ratio 0\.\d+/);
      expect(text).toContain('nodejs_eventloop_lag_seconds');
    });

    it('reports the call queue, lease takeovers, and webhook attempts with their lag', async () => {
      const receiver = await startReceiver();
      try {
        const businessId = await createBusiness(t.app, owner);
        const hook = await call(t.app, {
          method: 'POST',
          url: `/api/v1/businesses/${businessId}/webhooks`,
          as: { session: owner },
          body: { url: receiver.url, events: ['call.queued'] },
        });
        expect(hook.statusCode, hook.body).toBe(201);
        const agentId = await createAgent(t.app, { session: owner }, businessId);
        await placeCall(t.app, { session: owner }, businessId, {
          agentId,
          to: '+15005550006',
          variables: { patient: 'Sam' },
        });
        await waitFor(async () => (receiver.received.length > 0 ? true : undefined));
        const text = await waitFor(async () => {
          const body = (await scrape(`Bearer ${token}`)).body;
          return /iqra_webhook_attempts_total\{outcome="delivered"\} [1-9]/.test(body)
            ? body
            : undefined;
        });
        expect(text).toMatch(/iqra_webhook_delivery_lag_seconds_count [1-9]/);
        expect(text).toMatch(/iqra_dispatcher_queue_depth \d+/);
        expect(text).toMatch(/iqra_dispatcher_active_calls \d+/);
        expect(text).toMatch(/iqra_dispatcher_lease_takeovers_total 0/);
        expect(text).toMatch(/iqra_dispatcher_leases_lost_total 0/);
      } finally {
        await receiver.close();
      }
    });
  });

  it('on METRICS_PORT it has a loopback listener of its own, with no token', async () => {
    const port = await freePort();
    const t = await startTestApp({ config: { metricsPort: port } });
    try {
      expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(404);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('iqra_http_request_duration_seconds');
    } finally {
      await t.close();
    }
  });
});
