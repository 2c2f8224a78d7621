import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/db/connect.js';
import { FINAL } from './helpers/calls.js';
import { engine, postgresUrl } from './helpers/harness.js';
import { freePort } from './helpers/ports.js';
import { startReceiver } from './helpers/receiver.js';
import { type ServerProcess, sessionClient, startServerProcess } from './helpers/server-process.js';
import { waitFor } from './helpers/wait.js';

/**
 * Crash safety, with the real server process: SIGKILL it while calls are queued and in progress,
 * start it again, and every accepted call reaches exactly one final status — one final event,
 * one `conversation.ended`, one usage record per completed call — and none is dialled twice.
 */
const schema = `iqra_crash_${randomBytes(5).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'iqra-crash-'));
const databaseUrl =
  engine === 'postgres' ? `${postgresUrl}?schema=${schema}` : `sqlite:${join(dir, 'iqra.db')}`;
const env = {
  DATABASE_URL: databaseUrl,
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  IQRA_PEPPER: randomBytes(32).toString('base64url'),
  SESSION_SECRET: randomBytes(32).toString('base64url'),
  RATE_LIMIT_PER_MINUTE: '100000',
  // An answered call rings 0.2 s and talks about 1.6 s: long enough to be caught mid-call.
  SIMULATOR_TIME_SCALE: '0.05',
  CALL_CONCURRENCY_PER_BUSINESS: '4',
  // Ten calls in flight at once, each holding its credit: two minutes each fits in 60.
  CALL_MAX_MINUTES: '2',
  // On PostgreSQL the dead process's leases must run out before another worker takes over.
  CALL_LEASE_SECONDS: '2',
};

const processes: ServerProcess[] = [];
let store: Store | undefined;

afterAll(async () => {
  for (const p of processes) await p.kill('SIGKILL');
  if (store) {
    if (engine === 'postgres')
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
    await store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

const NUMBERS = [
  '+15005550006',
  '+15005550006',
  '+15005550006',
  '+15005550001',
  '+15005550006',
  '+15005550002',
  '+15005550003',
  '+14155550123',
  '+15005550006',
  '+15005550006',
];

describe('crash safety', () => {
  it('SIGKILL with calls queued and in progress: after a restart each ends exactly once', {
    timeout: 120_000,
  }, async () => {
    const receiver = await startReceiver();
    try {
      const first = await startServerProcess(env, await freePort());
      processes.push(first);
      const api = await sessionClient(first.url);
      const biz = await api.request('POST', '/api/v1/businesses', { name: 'Crash Clinic' });
      expect(biz.status).toBe(201);
      const businessId = biz.json.id as string;
      const base = `/api/v1/businesses/${businessId}`;
      const agent = await api.request('POST', `${base}/agents`, {
        name: 'Front desk',
        greeting: 'Hello {{patient}}, this is Crash Clinic.',
      });
      const hook = await api.request('POST', `${base}/webhooks`, { url: receiver.url });
      expect(hook.status).toBe(201);

      const accepted: string[] = [];
      for (const [i, to] of NUMBERS.entries()) {
        const res = await api.request('POST', `${base}/calls`, {
          agentId: agent.json.id,
          to,
          variables: { patient: `P${i}` },
        });
        expect(res.status).toBe(201);
        accepted.push(res.json.id as string);
      }

      const before = await waitFor(
        async () => {
          const list = await api.request('GET', `${base}/calls?limit=100`);
          const statuses = (list.json.data as { status: string }[]).map((c) => c.status);
          return statuses.includes('in_progress') && statuses.includes('queued')
            ? statuses
            : undefined;
        },
        { intervalMs: 10, what: 'a call in progress while others wait' },
      );
      await first.kill('SIGKILL');

      const second = await startServerProcess(env, await freePort());
      processes.push(second);
      api.use(second.url);
      const after = await waitFor(
        async () => {
          const list = await api.request('GET', `${base}/calls?limit=100`);
          const calls = list.json.data as { id: string; status: string }[];
          return calls.every((c) => FINAL.includes(c.status)) ? calls : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 100, what: 'every call to end' },
      );
      expect(after.map((c) => c.id).sort()).toEqual([...accepted].sort());
      expect(before.filter((s) => s === 'in_progress').length).toBeGreaterThan(0);

      store = openStore(
        engine === 'postgres'
          ? { kind: 'postgres', url: postgresUrl, schema }
          : { kind: 'sqlite', path: join(dir, 'iqra.db') },
      );
      const calls = await store.db
        .selectFrom('calls')
        .select(['id', 'status', 'dial_attempts'])
        .execute();
      expect(calls).toHaveLength(NUMBERS.length);
      for (const c of calls) expect(c.dial_attempts, c.id).toBe(1);
      const expected: Record<string, string> = {
        '+15005550006': 'completed',
        '+15005550001': 'busy',
        '+15005550002': 'no_answer',
        '+15005550003': 'failed',
        '+14155550123': 'completed',
      };
      for (const [i, id] of accepted.entries()) {
        expect(calls.find((c) => c.id === id)?.status, id).toBe(expected[NUMBERS[i]!]);
      }

      const events = await store.db
        .selectFrom('webhook_events')
        .select(['id', 'type', 'payload'])
        .execute();
      const about = (id: string) =>
        events.filter((e) => {
          const data = (JSON.parse(e.payload) as { data: { id?: string; callId?: string } }).data;
          return data.id === id || data.callId === id;
        });
      const usage = await store.db.selectFrom('usage_records').selectAll().execute();
      for (const c of calls) {
        const types = about(c.id).map((e) => e.type);
        expect(
          types.filter((x) => x === 'call.ringing'),
          c.id,
        ).toHaveLength(1);
        expect(
          types.filter((x) => x === 'call.completed' || x === 'call.failed'),
          c.id,
        ).toHaveLength(1);
        expect(
          types.filter((x) => x === 'conversation.ended'),
          c.id,
        ).toHaveLength(1);
        expect(
          usage.filter((u) => u.call_id === c.id),
          c.id,
        ).toHaveLength(c.status === 'completed' ? 1 : 0);
      }

      // The receiver hears each call's end (deduplicated by webhook-id, as receivers should).
      await waitFor(
        () => {
          const finals = new Set(
            receiver.received
              .map((r) => JSON.parse(r.body) as { type: string; data: { id: string } })
              .filter((e) => e.type === 'call.completed' || e.type === 'call.failed')
              .map((e) => e.data.id),
          );
          return accepted.every((id) => finals.has(id)) ? true : undefined;
        },
        { timeoutMs: 20_000, what: 'every final event delivered' },
      );

      const billing = await api.request('GET', '/api/v1/user/billing');
      const billed = usage.reduce((sum, u) => sum + u.minutes, 0);
      expect(billing.json.creditMinutes).toBe(60 - billed);
      await second.kill('SIGTERM');
    } finally {
      await receiver.close();
    }
  });
});
