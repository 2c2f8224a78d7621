import type { Store } from '../../src/db/connect.js';

export interface OutboxEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** The outbox events about one call (and its conversation), in the order they were written. */
export async function eventsOfCall(store: Store, callId: string): Promise<OutboxEvent[]> {
  const rows = await store.db
    .selectFrom('webhook_events')
    .select(['id', 'type', 'payload'])
    .orderBy('id')
    .execute();
  return rows
    .map((r) => ({ id: r.id, type: r.type, data: (JSON.parse(r.payload) as OutboxEvent).data }))
    .filter((e) => e.data.id === callId || e.data.callId === callId);
}
