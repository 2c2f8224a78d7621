import type { Selectable } from 'kysely';
import { limitOf } from '../db/limit.js';
import type { Db, WebhookEventsTable } from '../db/schema.js';

export type EventRow = Selectable<WebhookEventsTable>;

/** Newest first by id (ids sort by creation time). */
export async function listEvents(
  db: Db,
  q: { businessId: string; type?: string; before?: string; limit: number },
): Promise<EventRow[]> {
  let query = db
    .selectFrom('webhook_events')
    .selectAll()
    .where('business_id', '=', q.businessId)
    .orderBy('id', 'desc')
    .limit(limitOf(q.limit));
  if (q.type) query = query.where('type', '=', q.type);
  if (q.before) query = query.where('id', '<', q.before);
  return query.execute();
}
