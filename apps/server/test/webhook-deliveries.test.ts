import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, placeCall } from './helpers/calls.js';
import { call, createBusiness, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { startReceiver } from './helpers/receiver.js';
import { waitFor } from './helpers/wait.js';

let t: TestApp;
let owner: Session;

beforeAll(async () => {
  t = await startTestApp({ config: { webhookMaxAttempts: 2 } });
  owner = await signUp(t.app);
});

afterAll(async () => {
  await t?.close();
});

async function api(method: string, url: string, body?: unknown) {
  return call(t.app, {
    method: method as 'GET',
    url: `/api/v1/businesses/${url}`,
    as: { session: owner },
    ...(body === undefined ? {} : { body }),
  });
}

async function endpoint(businessId: string, url: string, events = ['call.queued']) {
  const res = await api('POST', `${businessId}/webhooks`, { url, events });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

type Delivery = {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
};

const deliveries = async (businessId: string, hook: string) =>
  (await api('GET', `${businessId}/webhooks/${hook}/deliveries`)).json().data as Delivery[];

describe('POST …/webhooks/:webhookId/test', () => {
  it('sends a webhook.test event to that endpoint only', async () => {
    const receiver = await startReceiver();
    const bystander = await startReceiver();
    try {
      const businessId = await createBusiness(t.app, owner);
      const hook = await endpoint(businessId, receiver.url);
      const quiet = await endpoint(businessId, bystander.url, ['call.queued', 'call.completed']);
      const res = await api('POST', `${businessId}/webhooks/${hook}/test`);
      expect(res.statusCode, res.body).toBe(202);
      const queued = res.json() as Delivery;
      expect(queued).toMatchObject({ eventType: 'webhook.test', status: 'pending' });
      expect(queued.id).toBe(queued.eventId);
      const got = await waitFor(() => receiver.received[0]);
      expect(JSON.parse(got.body)).toMatchObject({
        type: 'webhook.test',
        data: { webhookId: hook },
      });
      expect(got.headers['webhook-id']).toBe(queued.id);
      await waitFor(async () =>
        (await deliveries(businessId, hook))[0]?.status === 'delivered' ? true : undefined,
      );
      expect(bystander.received).toHaveLength(0);
      expect(await deliveries(businessId, quiet)).toEqual([]);
      const elsewhere = await createBusiness(t.app, owner);
      expect((await api('POST', `${elsewhere}/webhooks/${hook}/test`)).statusCode).toBe(404);
    } finally {
      await receiver.close();
      await bystander.close();
    }
  });

  it('a disabled endpoint gets no delivery for a real event', async () => {
    const businessId = await createBusiness(t.app, owner);
    const hook = await endpoint(businessId, 'http://127.0.0.1:9/hook');
    await api('PATCH', `${businessId}/webhooks/${hook}`, { enabled: false });
    const agentId = await createAgent(t.app, { session: owner }, businessId);
    await placeCall(t.app, { session: owner }, businessId, {
      agentId,
      to: '+15005550002',
      variables: { patient: 'Sam' },
    });
    expect(await deliveries(businessId, hook)).toEqual([]);
    const events = (await api('GET', `${businessId}/events?type=call.queued`)).json().data;
    expect(events).toHaveLength(1);
  });
});

describe('POST …/deliveries/:deliveryId/retry', () => {
  it('re-queues a failed delivery and a delivered one; refuses a pending one', async () => {
    let answer = 503;
    const receiver = await startReceiver(() => answer);
    try {
      const businessId = await createBusiness(t.app, owner);
      const hook = await endpoint(businessId, receiver.url);
      const { id } = (await api('POST', `${businessId}/webhooks/${hook}/test`)).json() as Delivery;
      const failed = await waitFor(async () =>
        (await deliveries(businessId, hook)).find((d) => d.id === id && d.status === 'failed'),
      );
      expect(failed.attempts).toBe(2);
      answer = 200;
      const retried = await api('POST', `${businessId}/webhooks/${hook}/deliveries/${id}/retry`);
      expect(retried.statusCode, retried.body).toBe(202);
      expect(retried.json()).toMatchObject({ id, status: 'pending' });
      const delivered = await waitFor(async () =>
        (await deliveries(businessId, hook)).find((d) => d.status === 'delivered'),
      );
      expect(delivered).toMatchObject({ id, attempts: 3 });
      expect(receiver.received).toHaveLength(3);
      // Delivered: once more on request, with the same webhook-id so receivers can dedupe.
      const receiver2Count = receiver.received.length;
      const again = await api('POST', `${businessId}/webhooks/${hook}/deliveries/${id}/retry`);
      expect(again.statusCode).toBe(202);
      const pendingRetry = await api(
        'POST',
        `${businessId}/webhooks/${hook}/deliveries/${id}/retry`,
      );
      if (pendingRetry.statusCode !== 409) {
        // The deliverer was faster than the second request: it must have delivered already.
        expect(pendingRetry.statusCode).toBe(202);
      } else {
        expect(pendingRetry.json().detail).toContain('already pending');
      }
      await waitFor(() => (receiver.received.length > receiver2Count ? true : undefined));
      expect(receiver.received.at(-1)?.headers['webhook-id']).toBe(id);
    } finally {
      await receiver.close();
    }
  });

  it('a pending delivery is refused with 409', async () => {
    const receiver = await startReceiver(() => 'hang');
    try {
      const businessId = await createBusiness(t.app, owner);
      const hook = await endpoint(businessId, receiver.url);
      const { id } = (await api('POST', `${businessId}/webhooks/${hook}/test`)).json() as Delivery;
      const res = await api('POST', `${businessId}/webhooks/${hook}/deliveries/${id}/retry`);
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toContain('already pending');
    } finally {
      await receiver.close();
    }
  });

  it('404 for another endpoint’s or another business’s delivery, and for garbage', async () => {
    const receiver = await startReceiver(() => 500);
    try {
      const businessId = await createBusiness(t.app, owner);
      const hook = await endpoint(businessId, receiver.url);
      const sibling = await endpoint(businessId, receiver.url);
      const elsewhere = await createBusiness(t.app, owner);
      const foreign = await endpoint(elsewhere, receiver.url);
      const { id } = (await api('POST', `${businessId}/webhooks/${hook}/test`)).json() as Delivery;
      await waitFor(async () =>
        (await deliveries(businessId, hook))[0]?.status === 'failed' ? true : undefined,
      );
      for (const path of [
        `${businessId}/webhooks/${sibling}/deliveries/${id}/retry`,
        `${elsewhere}/webhooks/${foreign}/deliveries/${id}/retry`,
        `${elsewhere}/webhooks/${hook}/deliveries/${id}/retry`,
        `${businessId}/webhooks/${hook}/deliveries/evt_nope/retry`,
        `${businessId}/webhooks/${hook}/deliveries/${'x'.repeat(65)}/retry`,
      ]) {
        const res = await api('POST', path);
        expect([400, 404], path).toContain(res.statusCode);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect((await deliveries(businessId, hook))[0]?.status).toBe('failed');
      // Retries at once: exactly one re-queues it, the others are told it is pending.
      const raced = await Promise.all(
        [1, 2, 3, 4].map(() =>
          api('POST', `${businessId}/webhooks/${hook}/deliveries/${id}/retry`),
        ),
      );
      expect(raced.map((r) => r.statusCode).sort()).toEqual([202, 409, 409, 409]);
      await waitFor(async () =>
        (await deliveries(businessId, hook))[0]?.status === 'failed' ? true : undefined,
      );
      expect((await deliveries(businessId, hook))[0]?.attempts).toBe(3);
    } finally {
      await receiver.close();
    }
  });
});
