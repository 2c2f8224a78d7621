import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Invalidation, recordInvalidation } from '../src/cache/invalidation.js';
import { InvalidationListener } from '../src/cache/pg-listener.js';
import { invalidationChannel } from '../src/cache/pg-notify.js';
import { call, createKey, type Session, signUp } from './helpers/client.js';
import {
  engine,
  postgresUrl,
  startPeerApp,
  startTestApp,
  type TestApp,
} from './helpers/harness.js';
import { waitFor } from './helpers/wait.js';

/**
 * Several nodes on PostgreSQL without Redis: a revocation reaches the others through
 * LISTEN/NOTIFY at commit. The database poll is set to a minute throughout, so anything that
 * arrives within a second came by NOTIFY (or by the listener's catch-up read on reconnect).
 * SQLite has no NOTIFY and serves one node; its cross-process path is the poll (revocation.test).
 */
describe.runIf(engine === 'postgres')('revocations across nodes through LISTEN/NOTIFY', () => {
  let a: TestApp;
  let b: TestApp;
  let owner: Session;
  let channel: string;

  /** Backends LISTENing for this schema's invalidations: one per node. */
  const listeners = async (): Promise<number[]> => {
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity
      where application_name = 'iqra-invalidations' and query = ${`LISTEN "${channel}"`}`.execute(
      a.store.db,
    );
    return rows.map((r) => r.pid).sort();
  };

  /** Kills every listener connection of both nodes and waits until their backends are gone. */
  const terminateListeners = async (): Promise<number[]> => {
    const pids = await listeners();
    for (const pid of pids) {
      await sql`select pg_terminate_backend(${pid}::int, 5000)`.execute(a.store.db);
    }
    return pids;
  };

  const bothListening = (except: number[] = []) =>
    waitFor(
      async () => {
        const pids = await listeners();
        return pids.length === 2 && pids.every((p) => !except.includes(p)) ? pids : undefined;
      },
      { timeoutMs: 15_000, what: 'both nodes to LISTEN' },
    );

  const status = async (node: TestApp, key: string) =>
    (await call(node.app, { url: '/api/v1/businesses', as: { key } })).statusCode;

  /** A key both nodes have verified (and cached), revoked through node A. */
  const revokeOnA = async (): Promise<{ key: string; revokedAt: number }> => {
    const { key, id } = await createKey(a.app, owner);
    expect(await status(a, key)).toBe(200);
    expect(await status(b, key)).toBe(200);
    const res = await call(a.app, {
      method: 'DELETE',
      url: `/api/v1/user/api-keys/${id}`,
      as: { session: owner },
    });
    expect(res.statusCode).toBe(200);
    return { key, revokedAt: performance.now() };
  };

  /** Milliseconds from node A's answer until node B refuses the key too (or the deadline). */
  const untilRefusedOnB = async (key: string, from: number, deadlineMs: number) => {
    for (;;) {
      const code = await status(b, key);
      const elapsed = performance.now() - from;
      if (code === 401) return elapsed;
      expect(code).toBe(200);
      if (elapsed > deadlineMs) throw new Error(`node B still served the key after ${elapsed} ms`);
      await new Promise((r) => setImmediate(r));
    }
  };

  beforeAll(async () => {
    a = await startTestApp({ invalidationPollMs: 60_000 });
    b = await startPeerApp(a, { invalidationPollMs: 60_000 });
    owner = await signUp(a.app);
    channel = invalidationChannel(a.store.schema ?? 'public');
    await bothListening();
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a key revoked on node A is refused by node B within a second while the poll is a minute', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 30; i++) {
      const { key, revokedAt } = await revokeOnA();
      latencies.push(await untilRefusedOnB(key, revokedAt, 1000));
    }
    latencies.sort((x, y) => x - y);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
    console.log(
      `NOTIFY revocation latency, node A answered → node B refuses, ${latencies.length} keys: ` +
        `p50 ${at(0.5)?.toFixed(1)} ms, p99 ${at(0.99)?.toFixed(1)} ms, max ${at(1)?.toFixed(1)} ms`,
    );
    expect(latencies.at(-1)).toBeLessThan(1000);
  });

  it('notifies when the transaction commits, and never for one rolled back', async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      const heard: string[] = [];
      client.on('notification', (m) => {
        if (m.channel === channel && m.payload) heard.push(m.payload);
      });
      await client.query(`LISTEN "${channel}"`);
      await a.store.db
        .transaction()
        .execute(async (trx) => {
          await recordInvalidation(trx, { keyId: 'key_rolled_back' });
          throw new Error('roll back');
        })
        .catch(() => {});
      await a.store.db.transaction().execute(async (trx) => {
        await recordInvalidation(trx, { keyId: 'key_committed' });
        await new Promise((r) => setTimeout(r, 100));
        expect(heard).toEqual([]);
      });
      await waitFor(() => (heard.length > 0 ? true : undefined), { what: 'the notification' });
      // Delivered in commit order: had the rolled-back one been sent, it would be first.
      expect(heard.map((p) => JSON.parse(p))).toEqual([
        { keyId: 'key_committed', userId: null, businessId: null },
      ]);
    } finally {
      await client.end();
    }
  });

  it('a revocation written by any process (the CLI, a script) is announced by the database itself', async () => {
    const { key, id } = await createKey(a.app, owner);
    expect(await status(b, key)).toBe(200);
    // What `iqra keys revoke` does: its own connection, its own transaction, no listener.
    const other = new pg.Client({ connectionString: postgresUrl });
    await other.connect();
    try {
      await other.query(`set search_path = "${a.store.schema}"`);
      await other.query('begin');
      await other.query(
        `update api_keys set status = 'revoked', revoked_at = now() where id = $1`,
        [id],
      );
      await other.query(
        'insert into cache_invalidations (key_id, user_id, business_id, created_at) values ($1, null, null, now())',
        [id],
      );
      await other.query('commit');
    } finally {
      await other.end();
    }
    const ms = await untilRefusedOnB(key, performance.now(), 1000);
    console.log(
      `a revocation by another process: node B refused the key ${ms.toFixed(1)} ms later`,
    );
  });

  it('after its connection is terminated the listener reconnects, and the next revocation arrives without the poll', async () => {
    const old = await terminateListeners();
    expect(old).toHaveLength(2);
    await bothListening(old);
    const { key, revokedAt } = await revokeOnA();
    const ms = await untilRefusedOnB(key, revokedAt, 1000);
    console.log(`after a reconnect: node B refused the revoked key ${ms.toFixed(1)} ms later`);
  });

  it('a revocation committed while no listener was connected is applied by the catch-up read on reconnect', async () => {
    // Retried if node B reconnects before the revocation commits: then NOTIFY, not the
    // catch-up, would carry it, and this test would prove nothing.
    for (let attempt = 1; ; attempt++) {
      const old = await terminateListeners();
      const { key, revokedAt } = await revokeOnA();
      const missed = (await listeners()).length === 0;
      if (!missed && attempt < 5) {
        await bothListening(old);
        continue;
      }
      expect(missed).toBe(true);
      // Its NOTIFY reached nobody; the reconnect (0.25–0.5 s of backoff) reads the table.
      const ms = await untilRefusedOnB(key, revokedAt, 5000);
      console.log(`caught up on reconnect: node B refused the key ${ms.toFixed(1)} ms later`);
      await bothListening(old);
      return;
    }
  });

  it("closing a node's app ends its LISTEN connection, so nothing of it outlives the app", async () => {
    const c = await startPeerApp(a, { invalidationPollMs: 60_000 });
    await waitFor(async () => ((await listeners()).length === 3 ? true : undefined), {
      what: 'the third node to LISTEN',
    });
    await c.close();
    // The backend leaves pg_stat_activity a moment after the client has hung up.
    await waitFor(async () => ((await listeners()).length === 2 ? true : undefined), {
      timeoutMs: 2000,
      what: "the closed node's listener to go",
    });
  });
});

describe.runIf(engine === 'postgres')('the invalidation listener', () => {
  const channel = `iqra_listener_test_${process.pid}_${Date.now()}`;
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
  });

  it('applies the notices it hears, reads the table for one without ids, and closes cleanly', async () => {
    const applied: Invalidation[] = [];
    let polls = 0;
    const errors: unknown[] = [];
    const listener = new InvalidationListener({
      client: () => new pg.Client({ connectionString: postgresUrl }),
      channelOf: async () => channel,
      feed: {
        apply: (i) => applied.push(i),
        poll: async () => {
          polls++;
        },
      },
      onError: (error) => errors.push(error),
    });
    listener.start();
    // Every connect reads the table once, after LISTEN.
    await waitFor(() => (polls === 1 ? true : undefined), { what: 'the catch-up read' });
    const notify = (payload: string) => admin.query('select pg_notify($1, $2)', [channel, payload]);
    await notify('{"keyId":"key_other","userId":null,"businessId":null}');
    await notify('{}');
    await notify('not json');
    await waitFor(() => (polls === 2 && errors.length === 1 ? true : undefined), {
      what: 'the notice without ids to trigger a read',
    });
    expect(applied).toEqual([{ keyId: 'key_other', userId: null, businessId: null }]);
    expect(String(errors[0])).toContain('unreadable');
    await listener.close();
    const left = await admin.query(
      `select count(*)::int as n from pg_stat_activity where query = $1`,
      [`LISTEN "${channel}"`],
    );
    expect(left.rows[0].n).toBe(0);
  });

  it('keeps retrying while the database refuses it, and connects once it can', async () => {
    let attempts = 0;
    let polls = 0;
    const listener = new InvalidationListener({
      client: () => {
        attempts++;
        // The first two attempts go to a port nobody listens on.
        const url = attempts <= 2 ? 'postgres://postgres@127.0.0.1:1/test' : postgresUrl;
        return new pg.Client({ connectionString: url });
      },
      channelOf: async () => channel,
      feed: {
        apply: () => {},
        poll: async () => {
          polls++;
        },
      },
      onError: () => {},
      firstRetryMs: 20,
    });
    listener.start();
    await waitFor(() => (polls === 1 ? true : undefined), { what: 'the third attempt to connect' });
    expect(attempts).toBe(3);
    await listener.close();
  });
});
