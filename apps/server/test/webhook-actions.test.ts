import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';
import { call, createBusiness, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { type Received, startReceiver } from './helpers/receiver.js';
import { waitFor } from './helpers/wait.js';

let t: TestApp;
let owner: Session;
let other: Session;
/** The deliverer's clock for secret expiry: moved forward to end a rotation's overlap. */
let clock = Date.now();

beforeAll(async () => {
  t = await startTestApp({
    config: { webhookMaxAttempts: 2 },
    background: { now: () => clock },
    captureLogs: true,
  });
  owner = await signUp(t.app);
  other = await signUp(t.app);
});

afterAll(async () => {
  await t?.close();
});

async function api(method: string, url: string, body?: unknown, as: Session = owner) {
  return call(t.app, {
    method: method as 'GET',
    url: `/api/v1/businesses/${url}`,
    as: { session: as },
    ...(body === undefined ? {} : { body }),
  });
}

async function endpoint(businessId: string, url: string, events = ['call.queued']) {
  const res = await api('POST', `${businessId}/webhooks`, { url, events });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string };
}

const verifies = (secret: string, r: Received) => {
  try {
    new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

describe('PATCH …/webhooks/:webhookId', () => {
  it('changes URL and events; a disabled endpoint receives nothing until enabled again', async () => {
    const receiver = await startReceiver();
    try {
      const businessId = await createBusiness(t.app, owner);
      const hook = await endpoint(businessId, 'https://example.com/old');
      const patched = await api('PATCH', `${businessId}/webhooks/${hook.id}`, {
        url: receiver.url,
        events: ['call.queued', 'call.completed'],
        enabled: false,
      });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json()).toMatchObject({
        url: receiver.url,
        events: ['call.queued', 'call.completed'],
        enabled: false,
      });
      expect(patched.body).not.toContain('whsec_');
      // A test event is refused; a delivery queued before it was disabled waits.
      const test = await api('POST', `${businessId}/webhooks/${hook.id}/test`);
      expect(test.statusCode).toBe(409);
      expect(test.json().detail).toContain('disabled');
      const eventId = newId('evt');
      const at = new Date().toISOString();
      await t.store.db
        .insertInto('webhook_events')
        .values({
          id: eventId,
          business_id: businessId,
          type: 'call.queued',
          payload: JSON.stringify({ type: 'call.queued', timestamp: at, data: {} }),
          created_at: at,
        })
        .execute();
      await t.store.db
        .insertInto('webhook_deliveries')
        .values({
          endpoint_id: hook.id,
          event_id: eventId,
          business_id: businessId,
          status: 'pending',
          attempts: 0,
          next_attempt_at: at,
          lease_until: null,
          last_status_code: null,
          last_error: null,
          delivered_at: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received).toHaveLength(0);
      const enabled = await api('PATCH', `${businessId}/webhooks/${hook.id}`, { enabled: true });
      expect(enabled.json().enabled).toBe(true);
      await waitFor(() => (receiver.received.length >= 1 ? true : undefined));
      expect(receiver.received[0]?.headers['webhook-id']).toBe(eventId);
    } finally {
      await receiver.close();
    }
  });

  it('refuses bad input with a 400 and other businesses’ endpoints with a 404', async () => {
    const businessId = await createBusiness(t.app, owner);
    const hook = await endpoint(businessId, 'https://example.com/a');
    for (const [body, text] of [
      [{}, 'fewer than 1'],
      [{ url: '/relative' }, 'absolute URL'],
      [{ events: ['call.exploded'] }, 'one of'],
      [{ enabled: 'yes' }, 'boolean'],
      [{ secret: 'whsec_mine' }, 'secret'],
    ] as const) {
      const res = await api('PATCH', `${businessId}/webhooks/${hook.id}`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().detail).toContain(text);
    }
    const otherBusiness = await createBusiness(t.app, owner);
    const cross = await api('PATCH', `${otherBusiness}/webhooks/${hook.id}`, { enabled: false });
    expect(cross.statusCode).toBe(404);
    const stranger = await api(
      'PATCH',
      `${businessId}/webhooks/${hook.id}`,
      { enabled: false },
      other,
    );
    expect([403, 404]).toContain(stranger.statusCode);
    expect((await api('GET', `${businessId}/webhooks/${hook.id}`)).json().enabled).toBe(true);
  });
});

describe('POST …/rotate-secret', () => {
  it('signs with both secrets for 24 hours, then with the new one only', async () => {
    const receiver = await startReceiver();
    try {
      const businessId = await createBusiness(t.app, owner);
      const hook = await endpoint(businessId, receiver.url);
      const res = await api('POST', `${businessId}/webhooks/${hook.id}/rotate-secret`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const rotated = res.json() as { secret: string; previousSecretExpiresAt: string };
      expect(rotated.secret).toMatch(/^whsec_/);
      expect(rotated.secret).not.toBe(hook.secret);
      expect(Date.parse(rotated.previousSecretExpiresAt) - clock).toBe(24 * 3600_000);
      const stored = await t.store.db
        .selectFrom('webhook_endpoints')
        .select(['secret', 'previous_secret'])
        .where('id', '=', hook.id)
        .executeTakeFirstOrThrow();
      for (const s of [hook.secret, rotated.secret]) {
        expect(JSON.stringify(stored)).not.toContain(s.slice(6, 26));
        expect(t.logs.join('\n')).not.toContain(s.slice(6));
      }
      expect((await api('GET', `${businessId}/webhooks/${hook.id}`)).body).not.toContain('whsec_');

      const sendTest = async () => {
        const n = receiver.received.length;
        expect((await api('POST', `${businessId}/webhooks/${hook.id}/test`)).statusCode).toBe(202);
        return waitFor(() => receiver.received[n]);
      };
      const during = await sendTest();
      expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verifies(hook.secret, during)).toBe(true);
      expect(verifies(rotated.secret, during)).toBe(true);

      clock += 24 * 3600_000 + 1000;
      const after = await sendTest();
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
      expect(verifies(hook.secret, after)).toBe(false);
      expect(verifies(rotated.secret, after)).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('two rotations at once never hand out a secret that does not sign', async () => {
    const receiver = await startReceiver();
    try {
      const businessId = await createBusiness(t.app, owner);
      const hook = await endpoint(businessId, receiver.url);
      const answers = await Promise.all(
        [1, 2, 3].map(() => api('POST', `${businessId}/webhooks/${hook.id}/rotate-secret`)),
      );
      const shown = answers.filter((a) => a.statusCode === 200).map((a) => a.json().secret);
      for (const a of answers) expect([200, 409]).toContain(a.statusCode);
      expect(shown.length).toBeGreaterThan(0);
      // Every secret shown signs (the last two: current and previous).
      expect((await api('POST', `${businessId}/webhooks/${hook.id}/test`)).statusCode).toBe(202);
      const got = await waitFor(() => receiver.received[0]);
      for (const secret of shown.slice(-2)) expect(verifies(secret, got)).toBe(true);
      if (shown.length === 1) expect(answers.some((a) => a.statusCode === 409)).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('rotates only the caller’s endpoints', async () => {
    const businessId = await createBusiness(t.app, owner);
    const hook = await endpoint(businessId, 'https://example.com/a');
    const elsewhere = await createBusiness(t.app, owner);
    expect((await api('POST', `${elsewhere}/webhooks/${hook.id}/rotate-secret`)).statusCode).toBe(
      404,
    );
    const stranger = await api(
      'POST',
      `${businessId}/webhooks/${hook.id}/rotate-secret`,
      undefined,
      other,
    );
    expect([403, 404]).toContain(stranger.statusCode);
    expect(
      (await api('GET', `${businessId}/webhooks/${hook.id}`)).json().previousSecretExpiresAt,
    ).toBeNull();
  });
});
