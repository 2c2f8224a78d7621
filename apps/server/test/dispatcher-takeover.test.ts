import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallDispatcher, type DispatcherOptions } from '../src/calls/dispatcher.js';
import { callLifecycle } from '../src/calls/lifecycle.js';
import type { DatabaseConfig } from '../src/config.js';
import { openStore, type Store } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations/index.js';
import { FINAL } from './helpers/calls.js';
import {
  type CountingProvider,
  countingProvider,
  seedBusiness,
  seedCalls,
} from './helpers/dispatch.js';
import { engine, testDatabase } from './helpers/harness.js';
import { waitFor } from './helpers/wait.js';

/**
 * Issue 12: "a call whose node died is taken over within 10 s, without ever dialling twice; a
 * graceful shutdown hands its calls back at once." Two dispatchers ("nodes"), each with its own
 * connection to one database, and a carrier that counts every dial.
 */

interface Node {
  store: Store;
  provider: CountingProvider;
  dispatcher: CallDispatcher;
  errors: unknown[];
  dead: boolean;
}

let database: DatabaseConfig;
let dispose: (store: Store) => Promise<void>;
let main: Store;
let businessId: string;
let nodes: Node[] = [];
/** Run before the nodes stop: whatever a test held up must go on, or stop() waits for it. */
let releases: (() => void)[] = [];

beforeEach(async () => {
  ({ database, dispose } = testDatabase({ sqliteFile: true }));
  main = openStore(database);
  await migrateToLatest(main);
  businessId = await seedBusiness(main.db);
});

afterEach(async () => {
  for (const release of releases) release();
  releases = [];
  for (const node of nodes) {
    node.provider.endAll();
    await node.dispatcher.stop();
    if (!node.dead) await node.store.close();
  }
  nodes = [];
  await dispose(main);
  await main.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startNode(
  o: {
    leaseMs: number;
    pollMs?: number;
    lifecycle?: (l: DispatcherOptions['lifecycle']) => DispatcherOptions['lifecycle'];
    maintenance?: () => Promise<void>;
  } = { leaseMs: 1000 },
): Promise<Node> {
  const store = openStore(database);
  const provider = countingProvider();
  const errors: unknown[] = [];
  const lifecycle = callLifecycle({ db: store.db, freeCreditMinutes: 60 });
  const dispatcher = new CallDispatcher({
    db: store.db,
    engine: store.engine,
    lifecycle: o.lifecycle ? o.lifecycle(lifecycle) : lifecycle,
    providers: { simulator: provider, twilio: provider },
    perBusiness: 5,
    leaseMs: o.leaseMs,
    pollMs: o.pollMs ?? 25,
    maintenance: o.maintenance,
    onError: (error) => errors.push(error),
  });
  const node = { store, provider, dispatcher, errors, dead: false };
  nodes.push(node);
  await dispatcher.start();
  return node;
}

/** The node dies: its connection goes, and with it every renewal and release. */
async function kill(node: Node): Promise<void> {
  node.dead = true;
  await node.store.close();
}

/** Resolves just after the holder's heartbeat renewed this call's lease. */
async function afterRenewal(callId: string): Promise<void> {
  const lease = () =>
    main.db
      .selectFrom('calls')
      .select('lease_until')
      .where('id', '=', callId)
      .executeTakeFirstOrThrow();
  const before = (await lease()).lease_until;
  await waitFor(async () => ((await lease()).lease_until !== before ? true : undefined), {
    intervalMs: 5,
    what: 'a lease renewal',
  });
}

async function everyCallFinal(ids: string[]): Promise<void> {
  await waitFor(async () => {
    const rows = await main.db
      .selectFrom('calls')
      .select('status')
      .where('id', 'in', ids)
      .execute();
    return rows.every((r) => FINAL.includes(r.status)) ? true : undefined;
  });
}

/** One dial, one `call.ringing`, one `call.completed`, one usage record: per call. */
async function expectEachDialledAndEndedOnce(ids: string[]): Promise<void> {
  const placed = nodes.flatMap((n) => n.provider.placed);
  expect([...placed].sort()).toEqual([...ids].sort());
  const rows = await main.db
    .selectFrom('calls')
    .select(['id', 'status', 'dial_attempts'])
    .where('id', 'in', ids)
    .execute();
  for (const r of rows) {
    expect(r.status, r.id).toBe('completed');
    expect(r.dial_attempts, r.id).toBe(1);
  }
  const events = await main.db.selectFrom('webhook_events').select(['type', 'payload']).execute();
  const usage = await main.db.selectFrom('usage_records').select('call_id').execute();
  for (const id of ids) {
    const types = events
      .filter((e) => (JSON.parse(e.payload) as { data: { id?: string } }).data.id === id)
      .map((e) => e.type);
    expect(types.filter((t) => t === 'call.ringing').length, id).toBe(1);
    expect(types.filter((t) => t === 'call.completed').length, id).toBe(1);
    expect(usage.filter((u) => u.call_id === id).length, id).toBe(1);
  }
}

describe('takeover of a dead node', () => {
  it('a node that dies mid-call: its calls are taken over within the lease, each dialled once and ended once', async () => {
    const leaseMs = 1500;
    const ids = await seedCalls(main.db, businessId, 8);
    const a = await startNode({ leaseMs });
    await waitFor(() => (a.provider.placed.length === 5 ? true : undefined));

    let b: Node | undefined;
    if (engine === 'postgres') {
      // A live peer polls all along and takes nothing: the heartbeat keeps the leases.
      b = await startNode({ leaseMs });
      await sleep(leaseMs * 1.5);
      expect(b.dispatcher.stats.takeovers).toBe(0);
      expect([...b.provider.placed, ...b.provider.resumed]).toEqual([]);
    }

    await kill(a);
    const died = Date.now();
    // SQLite has one node per database: the next process takes over as it starts.
    b ??= await startNode({ leaseMs });
    const peer = b;
    await waitFor(() => (peer.provider.resumed.length === 5 ? true : undefined), {
      timeoutMs: leaseMs * 4,
      intervalMs: 5,
      what: 'the dead node’s calls to be resumed',
    });
    const tookMs = Date.now() - died;
    // Within the lease, plus a poll and a round.
    expect(tookMs).toBeLessThan(leaseMs + 1000);
    // …and not before the lease, renewed until the node died, ran out.
    if (engine === 'postgres') expect(tookMs).toBeGreaterThan(leaseMs / 3);
    expect([...peer.provider.resumed].sort()).toEqual([...a.provider.placed].sort());
    expect(peer.dispatcher.stats.takeovers).toBe(5);

    // The dead node, cut off from its database, let go of its calls once its leases ran out.
    await waitFor(() => (a.provider.aborted.length === 5 ? true : undefined), {
      timeoutMs: leaseMs * 3,
    });
    peer.provider.endAll();
    await everyCallFinal(ids);
    await expectEachDialledAndEndedOnce(ids);
    expect(peer.errors).toEqual([]);
  });

  it('a worker whose lease lapsed mid-call stops driving it once another took it over; the carrier placed it once', async () => {
    const leaseMs = 3000;
    const ids = await seedCalls(main.db, businessId, 3);
    // Rounds only when woken: it would otherwise claim its own lapsed calls back, as it may.
    const a = await startNode({ leaseMs, pollMs: 60_000 });
    await waitFor(() => (a.provider.placed.length === 3 ? true : undefined));
    // Right after a renewal: the next is a third of a lease away.
    const b = engine === 'postgres' ? await startNode({ leaseMs, pollMs: 10 }) : undefined;
    await afterRenewal(ids[0] ?? '');
    let peer: Node;
    if (b) {
      // As if the node had stalled past its lease (a pause, a slow database).
      await main.db
        .updateTable('calls')
        .set({ lease_until: new Date(Date.now() - 1).toISOString() })
        .where('id', 'in', ids)
        .execute();
      peer = b;
    } else {
      peer = await startNode({ leaseMs });
    }
    await waitFor(() => (peer.provider.resumed.length === 3 ? true : undefined));
    expect(peer.dispatcher.stats.takeovers).toBe(3);

    // The next heartbeat finds the calls in another's hands and stops driving them.
    await waitFor(() => (a.provider.aborted.length === 3 ? true : undefined), {
      timeoutMs: leaseMs,
    });
    expect(a.dispatcher.stats.leasesLost).toBe(3);
    expect(a.dispatcher.activeCalls).toBe(0);

    peer.provider.endAll();
    await everyCallFinal(ids);
    expect(peer.provider.placed).toEqual([]);
    await expectEachDialledAndEndedOnce(ids);
  });

  it('a claim that lapsed before its call was dialled is dialled by the worker that took it over, never by both', async () => {
    const leaseMs = 3000;
    const [id = ''] = await seedCalls(main.db, businessId, 1);
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    releases.push(() => open());
    let entered = false;
    const a = await startNode({
      leaseMs,
      pollMs: 60_000,
      // Claimed, and held up just before the intent to dial is recorded.
      lifecycle: (l) => ({
        ...l,
        markDialing: async (callId, workerId) => {
          entered = true;
          await gate;
          return l.markDialing(callId, workerId);
        },
      }),
    });
    await waitFor(() => (entered ? true : undefined));
    const b = engine === 'postgres' ? await startNode({ leaseMs, pollMs: 10 }) : undefined;
    await afterRenewal(id);
    let peer: Node;
    if (b) {
      await main.db
        .updateTable('calls')
        .set({ lease_until: new Date(Date.now() - 1).toISOString() })
        .where('id', '=', id)
        .execute();
      peer = b;
    } else {
      peer = await startNode({ leaseMs });
    }
    await waitFor(() => (peer.provider.placed.length === 1 ? true : undefined));
    expect(peer.dispatcher.stats.takeovers).toBe(1);

    // The first worker gets going again: its intent to dial is refused, it dials nothing.
    open();
    await waitFor(() => (a.dispatcher.activeCalls === 0 ? true : undefined));
    expect(a.provider.placed).toEqual([]);

    peer.provider.endAll();
    await everyCallFinal([id]);
    await expectEachDialledAndEndedOnce([id]);
  });
});

describe('leases under load and at shutdown', () => {
  it('a round stuck for three leases does not cost the worker its calls: the heartbeat renews them', async () => {
    const leaseMs = 900;
    const ids = await seedCalls(main.db, businessId, 3);
    let unstick = () => {};
    const stuck = new Promise<void>((resolve) => {
      unstick = resolve;
    });
    releases.push(() => unstick());
    // The first round claims, then runs maintenance, which here does not return for a while.
    const a = await startNode({ leaseMs, maintenance: () => stuck });
    await waitFor(() => (a.provider.placed.length === 3 ? true : undefined));
    const b = engine === 'postgres' ? await startNode({ leaseMs, pollMs: 20 }) : undefined;

    await sleep(leaseMs * 3);
    expect(a.dispatcher.stats.ticks).toBe(1);
    const rows = await main.db
      .selectFrom('calls')
      .select(['claimed_by', 'lease_until'])
      .where('id', 'in', ids)
      .execute();
    for (const r of rows) {
      expect(r.claimed_by).toBe(a.dispatcher.workerId);
      expect(Date.parse(r.lease_until ?? '')).toBeGreaterThan(Date.now());
    }
    expect(a.dispatcher.stats.leasesLost).toBe(0);
    if (b) expect([...b.provider.placed, ...b.provider.resumed]).toEqual([]);

    unstick();
    a.provider.endAll();
    await everyCallFinal(ids);
    await expectEachDialledAndEndedOnce(ids);
  });

  it('stop() hands every held call back at once: another dispatcher resumes them on its first round', async () => {
    // Far longer than the test: nothing here waits for a lease to run out.
    const leaseMs = 60_000;
    const ids = await seedCalls(main.db, businessId, 3);
    const a = await startNode({ leaseMs });
    await waitFor(() => (a.provider.placed.length === 3 ? true : undefined));
    await a.dispatcher.stop();

    const rows = await main.db
      .selectFrom('calls')
      .select(['status', 'claimed_by', 'lease_until'])
      .where('id', 'in', ids)
      .execute();
    expect(rows).toEqual(
      ids.map(() => ({ status: 'ringing', claimed_by: null, lease_until: null })),
    );
    expect([...a.provider.aborted].sort()).toEqual([...ids].sort());

    // No polling: only the round a start runs.
    const b = await startNode({ leaseMs, pollMs: 60_000 });
    await waitFor(() => (b.provider.resumed.length === 3 ? true : undefined), { timeoutMs: 2000 });
    expect(b.dispatcher.stats).toMatchObject({ ticks: 1, resumed: 3, takeovers: 0, active: 3 });
    expect(b.provider.placed).toEqual([]);

    b.provider.endAll();
    await everyCallFinal(ids);
    await expectEachDialledAndEndedOnce(ids);
  });
});
