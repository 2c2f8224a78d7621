import { PageIterator } from '../pagination.js';
import type { Transport } from '../transport.js';
import type {
  CreatedWebhookEndpoint,
  Page,
  WebhookDelivery,
  WebhookDeliveryListParams,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointListParams,
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
