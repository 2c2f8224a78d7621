import { CompiledQuery as Compiled, type CompiledQuery, type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimQueuedCalls, claimStalledCalls } from '../src/calls/claim.js';
import { CallDispatcher } from '../src/calls/dispatcher.js';
import { renewLeases } from '../src/calls/leases.js';
import { callLifecycle } from '../src/calls/lifecycle.js';
import { openStore, type Store } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations/index.js';
import type { Database } from '../src/db/schema.js';
import { countingProvider, seedBusiness, seedCalls } from './helpers/dispatch.js';
import { engine, testDatabase } from './helpers/harness.js';
import { waitFor } from './helpers/wait.js';

/**
 * Issue 12: under load every accepted call wakes the dispatcher, so a round must be cheap and
 * rounds few. A store like the measured one: a business with 10,000 ended calls and a backlog.
 */
const { database, dispose } = testDatabase();
let store: Store;
let statements = 0;
let businessId: string;

beforeAll(async () => {
  store = openStore(database, { onQuery: () => statements++ });
  await migrateToLatest(store);
  businessId = await seedBusiness(store.db);
  await seedCalls(store.db, businessId, 10_000, { status: 'completed' });
  await seedCalls(store.db, businessId, 5_000);
  // Another business's history, accepted after the backlog: a walk in id order would meet it.
  await seedCalls(store.db, await seedBusiness(store.db, 'Other'), 3_000, { status: 'completed' });
  if (engine === 'postgres') await sql`analyze`.execute(store.db);
}, 120_000);

afterAll(async () => {
  if (!store) return;
  await dispose(store);
  await store.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('dispatcher rounds under a burst of wakes', () => {
  it('with 10,000 ended and 5,000 queued calls, 200 wakes in a burst run at most 2 rounds of 2 statements', async () => {
    const provider = countingProvider();
    const errors: unknown[] = [];
    const dispatcher = new CallDispatcher({
      db: store.db,
      engine: store.engine,
      lifecycle: callLifecycle({ db: store.db, freeCreditMinutes: 60 }),
      providers: { simulator: provider, twilio: provider },
      perBusiness: 5,
      leaseMs: 30_000,
      // No polling: every round here is one a wake asked for.
      pollMs: 60_000,
      onError: (error) => errors.push(error),
    });
    try {
      await dispatcher.start();
      await waitFor(() => (provider.placed.length === 5 ? true : undefined));
      await sleep(100);
      const before = { ...dispatcher.stats, statements };

      // As 200 accepted calls do, each waking the dispatcher; the business is at its limit.
      for (let i = 0; i < 200; i++) dispatcher.wake();
      await sleep(150);
      const rounds = dispatcher.stats.ticks - before.ticks;
      expect(rounds).toBeGreaterThanOrEqual(1);
      expect(rounds).toBeLessThanOrEqual(2);
      // A saturated round: stalled calls due (none) and the businesses with a backlog.
      expect(statements - before.statements).toBeLessThanOrEqual(2 * rounds);

      // Spread out, one wake a millisecond: one round per 20 ms gap at most.
      const spreadFrom = { ticks: dispatcher.stats.ticks, at: Date.now() };
      for (let i = 0; i < 200; i++) {
        dispatcher.wake();
        await sleep(1);
      }
      const elapsed = Date.now() - spreadFrom.at;
      expect(dispatcher.stats.ticks - spreadFrom.ticks).toBeLessThanOrEqual(
        Math.ceil(elapsed / 20) + 1,
      );
      expect(provider.placed).toHaveLength(5);
      expect(await dispatcher.queueDepth()).toBe(4_995);
    } finally {
      provider.endAll();
      await waitFor(() => (dispatcher.activeCalls === 0 ? true : undefined));
      await dispatcher.stop();
    }
    expect(errors).toEqual([]);
  });
});

describe('query plans of a round', () => {
  it('every statement of a round reads index ranges: no scan of calls, a few rows read however many ended', async () => {
    // A round's worth of state: calls in progress, three a dead worker held, a backlog.
    const live = new Date(Date.now() + 60_000).toISOString();
    const lapsed = new Date(Date.now() - 1_000).toISOString();
    await seedCalls(store.db, businessId, 4, {
      status: 'in_progress',
      claimedBy: 'live',
      leaseUntil: live,
    });
    await seedCalls(store.db, businessId, 3, {
      status: 'ringing',
      claimedBy: 'dead',
      leaseUntil: lapsed,
    });
    const captured: CompiledQuery[] = [];
    const spy = spying(store.db, captured);
    const now = Date.now();
    const base = {
      engine: store.engine,
      workerId: 'plans',
      now: new Date(now).toISOString(),
      leaseUntil: new Date(now + 8_000).toISOString(),
    };
    const stalled = await claimStalledCalls(spy, { ...base, limit: 50 });
    const queued = await claimQueuedCalls(spy, { ...base, perBusiness: 20, businesses: 100 });
    expect(stalled.calls).toHaveLength(3);
    expect(stalled.takeovers).toBe(3);
    expect(queued.calls).toHaveLength(20 - 4 - 3);
    await renewLeases(
      spy,
      'plans',
      [...stalled.calls, ...queued.calls].map((c) => c.id),
      base.leaseUntil,
    );

    const explained = captured.filter((q) => /\bcalls\b/.test(q.sql));
    expect(explained.length).toBeGreaterThanOrEqual(6);
    for (const query of explained) {
      if (engine === 'sqlite') {
        const plan = await store.db.executeQuery<{ detail: string }>(
          Compiled.raw(`explain query plan ${query.sql}`, [...query.parameters]),
        );
        const details = plan.rows.map((r) => r.detail);
        const about = `${query.sql}\n${details.join('\n')}`;
        // SCAN walks the whole table or index; SEARCH reads a range of an index.
        expect(
          details.filter((d) => /^SCAN (calls|c)\b/.test(d)),
          about,
        ).toEqual([]);
        // A range of one status is every call in it (the backlog, or every call in flight),
        // except the skip scan's first probe: a min(), which reads one entry.
        const wholeStatus = details.filter((d) => /^SEARCH (calls|c) .*\(status=\?\)$/.test(d));
        expect(wholeStatus, about).toHaveLength(query.sql.includes('with recursive') ? 1 : 0);
      } else {
        const read = await rowsRead(store.db, query);
        // Rows of calls looked at (returned or filtered out), counting every loop.
        expect(read.seqScans, query.sql).toBe(0);
        expect(read.rows, query.sql).toBeLessThanOrEqual(60);
      }
    }
  });
});

/** The same database, recording every statement with its parameters as it is compiled. */
function spying(db: Kysely<Database>, captured: CompiledQuery[]): Kysely<Database> {
  const executor = db.getExecutor();
  return db.withPlugin({
    transformQuery: ({ node, queryId }) => {
      captured.push(executor.compileQuery(node, queryId));
      return node;
    },
    transformResult: async ({ result }) => result,
  });
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Runs the statement under EXPLAIN ANALYZE in a transaction that is rolled back. */
async function rowsRead(
  db: Kysely<Database>,
  query: CompiledQuery,
): Promise<{ rows: number; seqScans: number }> {
  return db.connection().execute(async (conn) => {
    await sql`begin`.execute(conn);
    try {
      const { rows } = await conn.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
        Compiled.raw(`explain (analyze, format json) ${query.sql}`, [...query.parameters]),
      );
      const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
      let read = 0;
      let seqScans = 0;
      const walk = (node: PlanNode) => {
        if (node['Relation Name'] === 'calls') {
          if (node['Node Type'] === 'Seq Scan') seqScans++;
          const perLoop =
            (node['Actual Rows'] ?? 0) +
            (node['Rows Removed by Filter'] ?? 0) +
            (node['Rows Removed by Index Recheck'] ?? 0);
          read += perLoop * (node['Actual Loops'] ?? 1);
        }
        for (const child of node.Plans ?? []) walk(child);
      };
      if (plan) walk(plan);
      return { rows: read, seqScans };
    } finally {
      await sql`rollback`.execute(conn);
    }
  });
}
