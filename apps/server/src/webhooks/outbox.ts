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

/** Sent by `POST …/webhooks/:webhookId/test` to that endpoint only; no endpoint subscribes to it. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** Every type the event log of a business may hold. */
export const LOGGED_EVENT_TYPES = [...EVENT_TYPES, TEST_EVENT_TYPE] as const;

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
    .where('enabled', '=', 1)
    .execute();
  const listening = endpoints.filter((e) =>
    (JSON.parse(e.events) as string[]).includes(event.type),
  );
  await queueDeliveries(
    db,
    event.businessId,
    id,
    listening.map((e) => e.id),
    at,
  );
  return id;
}

async function queueDeliveries(
  db: Db,
  businessId: string,
  eventId: string,
  endpointIds: string[],
  at: string,
): Promise<void> {
  if (endpointIds.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(
      endpointIds.map((endpointId) => ({
        endpoint_id: endpointId,
        event_id: eventId,
        business_id: businessId,
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

/** A `webhook.test` event, logged like any other, delivered to one endpoint only. */
export async function recordTestEvent(
  db: Db,
  o: { businessId: string; endpointId: string },
  now = new Date(),
): Promise<string> {
  const id = newId('evt');
  const at = now.toISOString();
  const payload = JSON.stringify({
    type: TEST_EVENT_TYPE,
    timestamp: at,
    data: { webhookId: o.endpointId, message: 'A test event from Iqra: your endpoint works.' },
  });
  await db
    .insertInto('webhook_events')
    .values({ id, business_id: o.businessId, type: TEST_EVENT_TYPE, payload, created_at: at })
    .execute();
  await queueDeliveries(db, o.businessId, id, [o.endpointId], at);
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
