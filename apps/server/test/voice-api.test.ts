import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, placeCall } from './helpers/calls.js';
import { call, createBusiness, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

let t: TestApp;
let owner: Session;

beforeAll(async () => {
  t = await startTestApp();
  owner = await signUp(t.app);
});

afterAll(async () => {
  await t?.close();
});

const get = (url: string) =>
  call(t.app, { url: `/api/v1/businesses/${url}`, as: { session: owner } });

async function twoCalls(businessId: string) {
  const agentId = await createAgent(t.app, { session: owner }, businessId);
  const body = { agentId, to: '+15005550002', variables: { patient: 'Sam' } };
  const first = await placeCall(t.app, { session: owner }, businessId, body);
  const old = '2026-01-01T10:00:00.000Z';
  await t.store.db
    .updateTable('calls')
    .set({ created_at: old })
    .where('id', '=', first.id)
    .execute();
  const second = await placeCall(t.app, { session: owner }, businessId, body);
  return { first, second, agentId };
}

describe('calls list: createdAfter / createdBefore', () => {
  it('filters by creation time, both bounds, with paging', async () => {
    const businessId = await createBusiness(t.app, owner);
    const { first, second } = await twoCalls(businessId);
    const ids = async (q: string) =>
      ((await get(`${businessId}/calls?${q}`)).json().data as { id: string }[]).map((c) => c.id);
    expect(await ids('createdAfter=2026-01-02T00:00:00Z')).toEqual([second.id]);
    expect(await ids('createdBefore=2026-01-02T00:00:00Z')).toEqual([first.id]);
    expect(
      await ids('createdAfter=2026-01-01T10:00:00Z&createdBefore=2026-01-01T10:00:01Z'),
    ).toEqual([first.id]);
    expect(await ids('createdAfter=2026-01-01T00:00:00%2B02:00')).toEqual([second.id, first.id]);
  });

  it('refuses a date that is not ISO-8601 with a 400 naming the parameter', async () => {
    const businessId = await createBusiness(t.app, owner);
    for (const q of ['createdAfter=yesterday', 'createdBefore=2026-13-45']) {
      const res = await get(`${businessId}/calls?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().detail).toContain(q.split('=')[0]);
    }
  });
});

describe('agent metadata', () => {
  it('is stored on create, replaced on patch, returned on read and list', async () => {
    const businessId = await createBusiness(t.app, owner);
    const agentId = await createAgent(t.app, { session: owner }, businessId, {
      metadata: { team: 'front-desk', crm: 'A-17' },
    });
    expect((await get(`${businessId}/agents/${agentId}`)).json().metadata).toEqual({
      team: 'front-desk',
      crm: 'A-17',
    });
    const patched = await call(t.app, {
      method: 'PATCH',
      url: `/api/v1/businesses/${businessId}/agents/${agentId}`,
      as: { session: owner },
      body: { metadata: { team: 'sales' } },
    });
    expect(patched.json().metadata).toEqual({ team: 'sales' });
    expect((await get(`${businessId}/agents`)).json().data[0].metadata).toEqual({ team: 'sales' });
    const plain = await createAgent(t.app, { session: owner }, businessId);
    expect((await get(`${businessId}/agents/${plain}`)).json().metadata).toEqual({});
  });

  it('holds the same limits as call metadata', async () => {
    const businessId = await createBusiness(t.app, owner);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    for (const [metadata, text] of [
      [{ ['k'.repeat(41)]: 'v' }, '1 to 40 characters'],
      [{ '': 'v' }, '1 to 40 characters'],
      [{ long: 'x'.repeat(501) }, 'more than 500'],
      [many, 'more than 20'],
      [{ n: 1 }, 'string'],
    ] as const) {
      const res = await call(t.app, {
        method: 'POST',
        url: `/api/v1/businesses/${businessId}/agents`,
        as: { session: owner },
        body: { name: 'A', greeting: 'Hi', metadata },
      });
      expect(res.statusCode, JSON.stringify(metadata).slice(0, 40)).toBe(400);
      expect(res.json().detail).toContain(text);
    }
  });
});

describe('GET …/events', () => {
  it('lists the business’s events newest first, filters by type, pages with a cursor', async () => {
    const businessId = await createBusiness(t.app, owner);
    const { first, second } = await twoCalls(businessId);
    const elsewhere = await createBusiness(t.app, owner);
    await twoCalls(elsewhere);
    const page = await get(`${businessId}/events?type=call.queued&limit=1`);
    expect(page.statusCode, page.body).toBe(200);
    const one = page.json() as {
      data: { type: string; data: { id: string } }[];
      nextCursor: string;
    };
    expect(one.data).toHaveLength(1);
    expect(one.data[0]).toMatchObject({ type: 'call.queued', data: { id: second.id } });
    const next = (
      await get(`${businessId}/events?type=call.queued&limit=1&cursor=${one.nextCursor}`)
    ).json();
    expect(next.data.map((e: { data: { id: string } }) => e.data.id)).toEqual([first.id]);
    const all = (await get(`${businessId}/events?limit=100`)).json().data as { data: unknown }[];
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const e of all) {
      // Call events carry the call; conversation.ended its conversation, which names the call.
      const text = JSON.stringify(e.data);
      expect(text.includes(first.id) || text.includes(second.id), text).toBe(true);
    }
  });

  it('refuses an unknown type with a 400 listing the known ones', async () => {
    const businessId = await createBusiness(t.app, owner);
    const res = await get(`${businessId}/events?type=call.exploded`);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('webhook.test');
  });
});
