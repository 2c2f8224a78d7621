import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CursorCodec, Page } from '../http/pagination.js';
import { paginate } from '../http/route-kit.js';
import { type EventRow, listEvents } from './repo.js';
import type { Event } from './schemas.js';

function toEventView(row: EventRow): Event {
  const body = JSON.parse(row.payload) as { data: unknown };
  return { id: row.id, type: row.type, data: body.data, createdAt: row.created_at };
}

export type EventService = ReturnType<typeof eventService>;

/** The event log of a business: every event its webhooks were (or would have been) sent. */
export function eventService({ db, cursors }: { db: Kysely<Database>; cursors: CursorCodec }) {
  return {
    async list(
      businessId: string,
      q: { limit?: number; cursor?: string; type?: string },
    ): Promise<Page<Event>> {
      return paginate(
        cursors,
        q,
        (page) => listEvents(db, { businessId, type: q.type, ...page }),
        (r) => r.id,
        toEventView,
      );
    },
  };
}
