import { randomBytes } from 'node:crypto';
import type { EventType } from './outbox.js';
import type { DeliveryListRow, EndpointRow } from './repo.js';
import type { Delivery, WebhookEndpoint } from './schemas.js';

export function toEndpointView(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as EventType[],
    description: row.description,
    enabled: row.enabled === 1,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    createdAt: row.created_at,
  };
}

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function toDeliveryView(row: DeliveryListRow): Delivery {
  return {
    id: row.event_id,
    eventId: row.event_id,
    eventType: row.type,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
  };
}
