import { type Selectable, sql, type Updateable } from 'kysely';
import type { Engine } from '../db/connect.js';
import { limitOf } from '../db/limit.js';
import type {
  Db,
  DeliveryStatus,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
} from '../db/schema.js';

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

export async function insertEndpoint(db: Db, row: EndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

export async function findEndpoint(
  db: Db,
  businessId: string,
  id: string,
): Promise<EndpointRow | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function countEndpoints(db: Db, businessId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select(sql<number>`count(*)`.as('n'))
    .where('business_id', '=', businessId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listEndpoints(
  db: Db,
  q: { businessId: string; before?: string; limit: number },
): Promise<EndpointRow[]> {
  let query = db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('business_id', '=', q.businessId)
    .orderBy('id', 'desc')
    .limit(limitOf(q.limit));
  if (q.before) query = query.where('id', '<', q.before);
  return query.execute();
}

/** Its pending deliveries go with it (foreign key cascade). */
export async function deleteEndpoint(db: Db, businessId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhook_endpoints')
    .where('business_id', '=', businessId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export type DeliveryListRow = DeliveryRow & { type: string };

export async function listDeliveries(
  db: Db,
  q: { endpointId: string; status?: DeliveryStatus; before?: string; limit: number },
): Promise<DeliveryListRow[]> {
  let query = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type')
    .where('d.endpoint_id', '=', q.endpointId)
    .orderBy('d.event_id', 'desc')
    .limit(limitOf(q.limit));
  if (q.status) query = query.where('d.status', '=', q.status);
  if (q.before) query = query.where('d.event_id', '<', q.before);
  return query.execute();
}

/** A delivery due now, with what sending it needs. */
export interface DueDelivery {
  endpoint_id: string;
  event_id: string;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  payload: string;
  /** When the event happened: a delivery's lag is measured from it. */
  event_created_at: string;
}

/**
 * Leases deliveries that are due. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several servers
 * share the work; a delivery whose sender died is due again when its lease ends.
 */
export async function claimDueDeliveries(
  db: Db,
  o: { engine: Engine; now: string; leaseUntil: string; limit: number },
): Promise<DueDelivery[]> {
  return db.transaction().execute(async (trx) => {
    let pick = trx
      .selectFrom('webhook_deliveries')
      .select(['endpoint_id', 'event_id'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', o.now)
      // A disabled endpoint's deliveries wait until it is enabled again.
      .where('endpoint_id', 'in', (eb) =>
        eb.selectFrom('webhook_endpoints').select('id').where('enabled', '=', 1),
      )
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', o.now)]))
      .orderBy('next_attempt_at')
      .limit(o.limit);
    if (o.engine === 'postgres') pick = pick.forUpdate().skipLocked();
    const keys = await pick.execute();
    if (keys.length === 0) return [];
    await trx
      .updateTable('webhook_deliveries')
      .set({ lease_until: o.leaseUntil })
      .where((eb) =>
        eb.or(
          keys.map((k) =>
            eb.and([eb('endpoint_id', '=', k.endpoint_id), eb('event_id', '=', k.event_id)]),
          ),
        ),
      )
      .execute();
    return trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .select([
        'd.endpoint_id',
        'd.event_id',
        'd.attempts',
        'w.url',
        'w.secret',
        'w.previous_secret',
        'w.previous_secret_expires_at',
        'e.payload',
        'e.created_at as event_created_at',
      ])
      .where((eb) =>
        eb.or(
          keys.map((k) =>
            eb.and([eb('d.endpoint_id', '=', k.endpoint_id), eb('d.event_id', '=', k.event_id)]),
          ),
        ),
      )
      .execute();
  });
}

/** Records one attempt's result; ignored if the delivery is gone (endpoint deleted). */
export async function recordAttempt(
  db: Db,
  key: { endpointId: string; eventId: string },
  result: {
    status: DeliveryStatus;
    attempts: number;
    statusCode: number | null;
    error: string | null;
    nextAttemptAt: string | null;
    now: string;
  },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: result.status,
      attempts: result.attempts,
      last_status_code: result.statusCode,
      last_error: result.error,
      next_attempt_at: result.nextAttemptAt,
      lease_until: null,
      delivered_at: result.status === 'delivered' ? result.now : null,
      updated_at: result.now,
    })
    .where('endpoint_id', '=', key.endpointId)
    .where('event_id', '=', key.eventId)
    .where('status', '=', 'pending')
    .execute();
}

export async function findDelivery(
  db: Db,
  key: { endpointId: string; eventId: string },
): Promise<DeliveryListRow | undefined> {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type')
    .where('d.endpoint_id', '=', key.endpointId)
    .where('d.event_id', '=', key.eventId)
    .executeTakeFirst();
}

/** Queues a finished delivery for one more attempt; false when it was already pending. */
export async function requeueDelivery(
  db: Db,
  key: { endpointId: string; eventId: string },
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({
      status: 'pending',
      next_attempt_at: now,
      lease_until: null,
      delivered_at: null,
      updated_at: now,
    })
    .where('endpoint_id', '=', key.endpointId)
    .where('event_id', '=', key.eventId)
    .where('status', 'in', ['delivered', 'failed'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function updateEndpoint(
  db: Db,
  key: { businessId: string; id: string },
  patch: Updateable<WebhookEndpointsTable>,
  /** Only while the secret is still this one: two rotations at once cannot both win. */
  ifSecret?: string,
): Promise<boolean> {
  let query = db
    .updateTable('webhook_endpoints')
    .set(patch)
    .where('business_id', '=', key.businessId)
    .where('id', '=', key.id);
  if (ifSecret !== undefined) query = query.where('secret', '=', ifSecret);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
