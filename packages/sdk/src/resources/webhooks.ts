import { PageIterator } from '../pagination.js';
import type { Transport } from '../transport.js';
import type {
  CreatedWebhookEndpoint,
  EventListParams,
  LoggedEvent,
  Page,
  RotatedWebhookSecret,
  WebhookDelivery,
  WebhookDeliveryListParams,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointListParams,
  WebhookEndpointUpdate,
} from '../types.js';
import { biz, seg } from './paths.js';

/** Webhook endpoints of a business. To check a delivery, use `Iqra.webhooks.verify`. */
export class Webhooks {
  constructor(private readonly http: Transport) {}

  list(businessId: string, params: WebhookEndpointListParams = {}): PageIterator<WebhookEndpoint> {
    return new PageIterator((cursor) =>
      this.http.request<Page<WebhookEndpoint>>('GET', `${biz(businessId)}/webhooks`, {
        query: { ...params, cursor },
      }),
    );
  }

  /** The answer carries the signing `secret` (`whsec_…`) once: store it now. */
  create(businessId: string, body: WebhookEndpointCreate): Promise<CreatedWebhookEndpoint> {
    return this.http.request('POST', `${biz(businessId)}/webhooks`, { body });
  }

  retrieve(businessId: string, webhookId: string): Promise<WebhookEndpoint> {
    return this.http.request('GET', `${biz(businessId)}/webhooks/${seg(webhookId)}`);
  }

  /** Change the URL, events or `enabled` (a disabled endpoint receives nothing). */
  update(
    businessId: string,
    webhookId: string,
    body: WebhookEndpointUpdate,
  ): Promise<WebhookEndpoint> {
    return this.http.request('PATCH', `${biz(businessId)}/webhooks/${seg(webhookId)}`, { body });
  }

  /** A new `secret`, in this answer only; the previous one keeps signing for 24 hours. */
  rotateSecret(businessId: string, webhookId: string): Promise<RotatedWebhookSecret> {
    return this.http.request('POST', `${biz(businessId)}/webhooks/${seg(webhookId)}/rotate-secret`);
  }

  /** Sends a `webhook.test` event to this endpoint only; answers its delivery. */
  sendTest(businessId: string, webhookId: string): Promise<WebhookDelivery> {
    return this.http.request('POST', `${biz(businessId)}/webhooks/${seg(webhookId)}/test`);
  }

  /** Attempts a delivered or failed delivery once more. */
  retryDelivery(
    businessId: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<WebhookDelivery> {
    return this.http.request(
      'POST',
      `${biz(businessId)}/webhooks/${seg(webhookId)}/deliveries/${seg(deliveryId)}/retry`,
    );
  }

  /** The event log of a business, newest first: fetch an event a receiver missed. */
  events(businessId: string, params: EventListParams = {}): PageIterator<LoggedEvent> {
    return new PageIterator((cursor) =>
      this.http.request<Page<LoggedEvent>>('GET', `${biz(businessId)}/events`, {
        query: { ...params, cursor },
      }),
    );
  }

  delete(businessId: string, webhookId: string): Promise<void> {
    return this.http.request('DELETE', `${biz(businessId)}/webhooks/${seg(webhookId)}`);
  }

  /** The delivery log of an endpoint, newest first. */
  deliveries(
    businessId: string,
    webhookId: string,
    params: WebhookDeliveryListParams = {},
  ): PageIterator<WebhookDelivery> {
    return new PageIterator((cursor) =>
      this.http.request<Page<WebhookDelivery>>(
        'GET',
        `${biz(businessId)}/webhooks/${seg(webhookId)}/deliveries`,
        { query: { ...params, cursor } },
      ),
    );
  }
}
