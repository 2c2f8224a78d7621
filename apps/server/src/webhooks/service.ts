import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import type { AuditActor } from '../auth/actor.js';
import type { BusinessRow } from '../businesses/repo.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database, DeliveryStatus } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { CursorCodec, Page } from '../http/pagination.js';
import { paginate } from '../http/route-kit.js';
import { isId, newId } from '../ids.js';
import { endpointActions } from './actions.js';
import { webhookUrlProblem } from './address-guard.js';
import { EVENT_TYPES, type EventType } from './outbox.js';
import {
  countEndpoints,
  deleteEndpoint,
  type EndpointRow,
  findEndpoint,
  insertEndpoint,
  listDeliveries,
  listEndpoints,
} from './repo.js';
import type { Delivery, WebhookEndpoint } from './schemas.js';
import { newSecret, toDeliveryView, toEndpointView } from './views.js';

export const MAX_ENDPOINTS_PER_BUSINESS = 20;

export type WebhookService = ReturnType<typeof webhookService>;

export function webhookService(deps: {
  db: Kysely<Database>;
  cursors: CursorCodec;
  secrets: SecretBox;
  /** Production: refuse URLs that reach private or loopback addresses. */
  blockPrivate: boolean;
  now?: () => number;
  /** Tells the deliverer a delivery is due now. */
  wake?: () => void;
}) {
  const { db, cursors, secrets } = deps;
  const now = deps.now ?? Date.now;

  async function find(businessId: string, id: string): Promise<EndpointRow> {
    const row = isId('whk', id) ? await findEndpoint(db, businessId, id) : undefined;
    if (!row) throw new ApiError('not_found');
    return row;
  }

  return {
    /** The signing secret is in this answer only; the database keeps it sealed. */
    async create(
      business: BusinessRow,
      input: { url: string; events?: EventType[]; description?: string },
      actor: AuditActor,
    ): Promise<WebhookEndpoint & { secret: string }> {
      const problem = await webhookUrlProblem(input.url, deps.blockPrivate);
      if (problem) throw ApiError.invalidField('/url', problem);
      if ((await countEndpoints(db, business.id)) >= MAX_ENDPOINTS_PER_BUSINESS) {
        throw new ApiError(
          'conflict',
          `A business can have at most ${MAX_ENDPOINTS_PER_BUSINESS} webhook endpoints; delete one first.`,
        );
      }
      const id = newId('whk');
      const secret = newSecret();
      const row: EndpointRow = {
        id,
        business_id: business.id,
        url: input.url,
        events: JSON.stringify([...new Set(input.events ?? EVENT_TYPES)]),
        secret: secrets.seal(secret, id),
        description: input.description?.trim() || null,
        created_at: new Date().toISOString(),
        enabled: 1,
        previous_secret: null,
        previous_secret_expires_at: null,
      };
      await db.transaction().execute(async (trx) => {
        await insertEndpoint(trx, row);
        await recordAudit(trx, {
          userId: business.owner_id,
          actor,
          action: 'webhook.created',
          businessId: business.id,
          targetId: id,
        });
      });
      return { ...toEndpointView(row), secret };
    },

    async list(businessId: string, q: { limit?: number; cursor?: string }) {
      return paginate(
        cursors,
        q,
        (page) =>
          listEndpoints(db, {
            businessId,
            ...page,
          }),
        (r) => r.id,
        toEndpointView,
      );
    },

    async get(businessId: string, id: string): Promise<WebhookEndpoint> {
      return toEndpointView(await find(businessId, id));
    },

    async remove(business: BusinessRow, id: string, actor: AuditActor): Promise<void> {
      if (!isId('whk', id)) throw new ApiError('not_found');
      await db.transaction().execute(async (trx) => {
        if (!(await deleteEndpoint(trx, business.id, id))) throw new ApiError('not_found');
        await recordAudit(trx, {
          userId: business.owner_id,
          actor,
          action: 'webhook.deleted',
          businessId: business.id,
          targetId: id,
        });
      });
    },

    ...endpointActions({
      db,
      secrets,
      find,
      now,
      wake: deps.wake ?? (() => {}),
      blockPrivate: deps.blockPrivate,
    }),

    async deliveries(
      businessId: string,
      id: string,
      q: { limit?: number; cursor?: string; status?: DeliveryStatus },
    ): Promise<Page<Delivery>> {
      const endpoint = await find(businessId, id);
      return paginate(
        cursors,
        q,
        (page) =>
          listDeliveries(db, {
            endpointId: endpoint.id,
            status: q.status,
            ...page,
          }),
        (r) => r.event_id,
        toDeliveryView,
      );
    },
  };
}
