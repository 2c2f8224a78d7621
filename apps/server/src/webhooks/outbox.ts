import type { Db } from '../db/schema.js';
import { newId } from '../ids.js';

export const EVENT_TYPES = [
  'call.queued',
  'call.ringing',
  'call.in_progress',
  'call.completed',
  'call.failed',
  'conversation.ended',
  'api_key.leaked',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface OutboxEvent {
  businessId: string;
  type: EventType;
  data: unknown;
}

/**
 * Writes an event to the outbox, and a pending delivery for every endpoint of the business that
 * listens to it, inside the caller's transaction: the event exists exactly when the change it
 * describes does, and delivering it never holds up the request that caused it.
 */
export async function recordEvent(db: Db, event: OutboxEvent, now = new Date()): Promise<string> {
  const id = newId('evt');
  const at = now.toISOString();
  const payload = JSON.stringify({ type: event.type, timestamp: at, data: event.data });
  await db
    .insertInto('webhook_events')
    .values({ id, business_id: event.businessId, type: event.type, payload, created_at: at })
    .execute();
  const endpoints = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'events'])
    .where('business_id', '=', event.businessId)
    .execute();
  const listening = endpoints.filter((e) =>
    (JSON.parse(e.events) as string[]).includes(event.type),
  );
  if (listening.length > 0) {
    await db
      .insertInto('webhook_deliveries')
      .values(
        listening.map((e) => ({
          endpoint_id: e.id,
          event_id: id,
          business_id: event.businessId,
          status: 'pending' as const,
          attempts: 0,
          next_attempt_at: at,
          lease_until: null,
          last_status_code: null,
          last_error: null,
          delivered_at: null,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
  }
  return id;
}

/** How long delivered and failed events stay visible in the deliveries log. */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** Drops events past retention that no delivery still waits on (their deliveries go with them). */
export async function purgeOldEvents(db: Db, now = Date.now()): Promise<void> {
  await db
    .deleteFrom('webhook_events')
    .where('created_at', '<', new Date(now - EVENT_RETENTION_MS).toISOString())
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_deliveries as d')
            .select('d.event_id')
            .whereRef('d.event_id', '=', 'webhook_events.id')
            .where('d.status', '=', 'pending'),
        ),
      ),
    )
    .execute();
}
