import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCall } from '../src/calls/repo.js';
import type { CallRow } from '../src/calls/views.js';
import { insertConversation } from '../src/conversations/repo.js';
import { newId } from '../src/ids.js';
import { call, createBusiness, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

const AGENT = 'agt_00000000000000000000000000';
let t: TestApp;
let owner: Session;
let businessId: string;

/** A finished call and its conversation, written straight to the store (fixtures, not traffic). */
function finished(status: 'completed' | 'busy', agentId: string, at: Date) {
  const iso = at.toISOString();
  const row: CallRow = {
    id: newId('call'),
    business_id: businessId,
    agent_id: agentId,
    conversation_id: newId('conv'),
    direction: 'outbound',
    to_number: '+15005550006',
    from_number: '+15005550006',
    status,
    ended_reason: status === 'completed' ? 'agent_hangup' : 'busy',
    variables: '{}',
    metadata: '{}',
    agent_snapshot: '{}',
    provider: 'simulator',
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
  };
  return {
    call: row,
    conversation: {
      id: row.conversation_id,
      business_id: businessId,
      call_id: row.id,
      agent_id: agentId,
      direction: 'outbound' as const,
      status,
      started_at: iso,
      answered_at: null,
      ended_at: iso,
      duration_seconds: 0,
      ended_reason: row.ended_reason,
      updated_at: iso,
    },
  };
}

async function insertFinished(status: 'completed' | 'busy', agentId: string, at: Date) {
  const { call: row, conversation } = finished(status, agentId, at);
  await t.store.db.transaction().execute(async (trx) => {
    await insertCall(trx, row);
    await insertConversation(trx, conversation);
  });
  return row.conversation_id;
}

beforeAll(async () => {
  t = await startTestApp();
  owner = await signUp(t.app);
  businessId = await createBusiness(t.app, owner);
});

afterAll(async () => {
  await t?.close();
});

async function page(query: string) {
  const res = await call(t.app, {
    url: `/api/v1/businesses/${businessId}/conversations?${query}`,
    as: { session: owner },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    data: { id: string; status: string; startedAt: string }[];
    nextCursor: string | null;
  };
}

describe('conversation pagination', () => {
  it('pages 1,000 conversations 50 at a time: each once, in order, while new ones arrive', async () => {
    const start = Date.now() - 3600_000;
    const fixtures = Array.from({ length: 1000 }, (_, i) =>
      finished(i % 3 === 0 ? 'busy' : 'completed', AGENT, new Date(start + i * 1000)),
    );
    for (let i = 0; i < fixtures.length; i += 200) {
      const chunk = fixtures.slice(i, i + 200);
      await t.store.db
        .insertInto('calls')
        .values(chunk.map((f) => f.call))
        .execute();
      await t.store.db
        .insertInto('conversations')
        .values(chunk.map((f) => f.conversation))
        .execute();
    }
    const ids = fixtures.map((f) => f.conversation.id);
    const expected = [...ids].reverse();

    let inserting = true;
    const added: string[] = [];
    const writer = (async () => {
      while (inserting) {
        added.push(await insertFinished('completed', AGENT, new Date()));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    // The first page is taken before anything new arrives; the new ones are newer than all.
    const first = await page('limit=50');
    seen.push(...first.data.map((c) => c.id));
    cursor = first.nextCursor;
    pages++;
    while (cursor) {
      const next = await page(`limit=50&cursor=${encodeURIComponent(cursor)}`);
      seen.push(...next.data.map((c) => c.id));
      cursor = next.nextCursor;
      pages++;
    }
    inserting = false;
    await writer;

    expect(added.length).toBeGreaterThan(0);
    const fromFixtures = seen.filter((id) => !added.includes(id));
    expect(fromFixtures).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThanOrEqual(20);
  });

  it('filters by status, agent and start time, and pages the filtered list', async () => {
    const busy = await page('status=busy&limit=100');
    expect(busy.data.length).toBe(100);
    expect(busy.data.every((c) => c.status === 'busy')).toBe(true);
    const rest = await page(
      `status=busy&limit=100&cursor=${encodeURIComponent(busy.nextCursor ?? '')}`,
    );
    expect(rest.data.every((c) => c.status === 'busy')).toBe(true);
    expect(busy.data.length + rest.data.length + (rest.nextCursor ? 1 : 0)).toBeGreaterThanOrEqual(
      200,
    );

    const cut = busy.data[10]!.startedAt;
    const after = await page(`status=busy&startedAfter=${encodeURIComponent(cut)}&limit=100`);
    expect(after.data.map((c) => c.id)).toEqual(busy.data.slice(0, 11).map((c) => c.id));
    const before = await page(`status=busy&startedBefore=${encodeURIComponent(cut)}&limit=5`);
    expect(before.data[0]!.id).toBe(busy.data[11]!.id);

    const none = await page('agentId=agt_11111111111111111111111111');
    expect(none.data).toEqual([]);
  });

  it('refuses bad filters and tampered cursors with a 400', async () => {
    for (const query of [
      'status=done',
      'startedAfter=yesterday',
      'direction=inbound',
      'limit=0',
      'limit=101',
      'cursor=abc.def',
    ]) {
      const res = await call(t.app, {
        url: `/api/v1/businesses/${businessId}/conversations?${query}`,
        as: { session: owner },
      });
      expect(res.statusCode, query).toBe(400);
    }
  });
});
