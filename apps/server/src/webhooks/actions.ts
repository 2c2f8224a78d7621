import type { Kysely, Updateable } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import type { AuditActor } from '../auth/actor.js';
import type { BusinessRow } from '../businesses/repo.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database, WebhookEndpointsTable } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { isId } from '../ids.js';
import { webhookUrlProblem } from './address-guard.js';
import { recordTestEvent } from './outbox.js';
import { type EndpointRow, findDelivery, requeueDelivery, updateEndpoint } from './repo.js';
import type { Delivery, UpdateWebhookRequest, WebhookEndpoint } from './schemas.js';
import { newSecret, toDeliveryView, toEndpointView } from './views.js';

/** How long the secret before a rotation keeps signing alongside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** What an owner does to one endpoint after creating it: edit, rotate, test, retry. */
export function endpointActions(deps: {
  db: Kysely<Database>;
  secrets: SecretBox;
  find: (businessId: string, id: string) => Promise<EndpointRow>;
  now: () => number;
  wake: () => void;
  blockPrivate: boolean;
}) {
  const { db, secrets, find } = deps;

  function refuseDisabled(endpoint: EndpointRow, what: string): void {
    if (endpoint.enabled !== 1) {
      throw new ApiError('conflict', `The endpoint is disabled: enable it first to ${what}.`);
    }
  }

  return {
    async update(
      business: BusinessRow,
      id: string,
      input: UpdateWebhookRequest,
      actor: AuditActor,
    ): Promise<WebhookEndpoint> {
      await find(business.id, id);
      const patch: Updateable<WebhookEndpointsTable> = {};
      if (input.url !== undefined) {
        const problem = await webhookUrlProblem(input.url, deps.blockPrivate);
        if (problem) throw ApiError.invalidField('/url', problem);
        patch.url = input.url;
      }
      if (input.events !== undefined) patch.events = JSON.stringify([...new Set(input.events)]);
      if (input.enabled !== undefined) patch.enabled = input.enabled ? 1 : 0;
      if (input.description !== undefined) patch.description = input.description.trim() || null;
      await db.transaction().execute(async (trx) => {
        if (!(await updateEndpoint(trx, { businessId: business.id, id }, patch))) {
          throw new ApiError('not_found');
        }
        await recordAudit(trx, {
          userId: business.owner_id,
          actor,
          action: 'webhook.updated',
          targetId: id,
          data: { fields: Object.keys(input) },
        });
      });
      if (input.enabled) deps.wake();
      return toEndpointView(await find(business.id, id));
    },

    /**
     * A new secret, shown in this answer only; the one it replaces keeps signing alongside for
     * 24 hours. Two rotations at once: one wins, the other answers 409 (its secret never signs).
     */
    async rotateSecret(
      business: BusinessRow,
      id: string,
      actor: AuditActor,
    ): Promise<WebhookEndpoint & { secret: string }> {
      const endpoint = await find(business.id, id);
      const secret = newSecret();
      await db.transaction().execute(async (trx) => {
        const rotated = await updateEndpoint(
          trx,
          { businessId: business.id, id },
          {
            secret: secrets.seal(secret, id),
            previous_secret: endpoint.secret,
            previous_secret_expires_at: new Date(deps.now() + ROTATION_OVERLAP_MS).toISOString(),
          },
          endpoint.secret,
        );
        if (!rotated) {
          throw new ApiError('conflict', 'The secret was rotated at the same time; try again.');
        }
        await recordAudit(trx, {
          userId: business.owner_id,
          actor,
          action: 'webhook.updated',
          targetId: id,
          data: { fields: ['secret'] },
        });
      });
      return { ...toEndpointView(await find(business.id, id)), secret };
    },

    /** Queues a `webhook.test` event for this endpoint only; answers its delivery. */
    async sendTest(business: BusinessRow, id: string): Promise<Delivery> {
      const endpoint = await find(business.id, id);
      refuseDisabled(endpoint, 'send it a test event');
      const eventId = await db
        .transaction()
        .execute((trx) => recordTestEvent(trx, { businessId: business.id, endpointId: id }))
        .catch(async (error: unknown) => {
          // Deleted meanwhile: its delivery's foreign key refused the row.
          await find(business.id, id);
          throw error;
        });
      deps.wake();
      return toDeliveryView(
        (await findDelivery(db, { endpointId: id, eventId })) ?? raise('not_found'),
      );
    },

    /** One more attempt for a delivered or failed delivery of this endpoint. */
    async retry(businessId: string, id: string, deliveryId: string): Promise<Delivery> {
      const endpoint = await find(businessId, id);
      const key = { endpointId: endpoint.id, eventId: deliveryId };
      const delivery = isId('evt', deliveryId) ? await findDelivery(db, key) : undefined;
      if (!delivery) throw new ApiError('not_found');
      refuseDisabled(endpoint, 'retry its deliveries');
      if (!(await requeueDelivery(db, key, new Date().toISOString()))) {
        throw new ApiError(
          'conflict',
          'The delivery is already pending: it is attempted again at its next attempt time.',
        );
      }
      deps.wake();
      return toDeliveryView((await findDelivery(db, key)) ?? raise('not_found'));
    },
  };
}

function raise(code: 'not_found'): never {
  throw new ApiError(code);
}
