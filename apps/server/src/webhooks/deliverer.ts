import type { Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { Ticker } from '../background/ticker.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Engine } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import { claimDueDeliveries, type DueDelivery, recordAttempt } from './repo.js';
import { postJson, type SendResult } from './sender.js';

export interface DelivererOptions {
  db: Kysely<Database>;
  engine: Engine;
  /** Opens endpoint secrets (sealed with the endpoint id as context). */
  secrets: SecretBox;
  maxAttempts: number;
  pollMs: number;
  /** Per attempt: a receiver that never answers holds one slot this long, no more. */
  timeoutMs: number;
  /** First retry delay; each next one is four times longer (capped at 12 hours), ±20 %. */
  retryBaseMs: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  blockPrivate: boolean;
  /** The clock that decides whether a rotated-out secret still signs (tests move it). */
  now?: () => number;
  onError: (error: unknown, context: string) => void;
}

const MAX_DELAY_MS = 12 * 60 * 60_000;

/** The delay before attempt `attempts + 1`, after `attempts` failures. */
export function retryDelayMs(attempts: number, baseMs: number, random = Math.random()): number {
  const exact = Math.min(baseMs * 4 ** (attempts - 1), MAX_DELAY_MS);
  return Math.round(exact * (0.8 + 0.4 * random));
}

/**
 * Sends outbox events to webhook endpoints in the background, signed per the Standard Webhooks
 * specification (`webhook-id` is the event id, the same on every retry, so receivers can drop
 * duplicates). Nothing here runs inside an API request: a slow or dead receiver costs one of
 * `concurrency` slots for `timeoutMs`, then waits for its next retry.
 */
/** Rounds start at least this far apart when wakes come in bursts. */
const WAKE_GAP_MS = 20;

/** One delivery attempt as metrics see it. */
export interface DeliveryAttempt {
  outcome: 'delivered' | 'retrying' | 'failed';
  /** From the event to this attempt's answer. */
  lagSeconds: number;
}

export class WebhookDeliverer {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly ticker: Ticker;
  private readonly listeners: ((attempt: DeliveryAttempt) => void)[] = [];

  constructor(private readonly o: DelivererOptions) {
    // Woken by every accepted call: a burst of wakes runs one round, not one each.
    this.ticker = new Ticker(() => this.tick(), o.pollMs, WAKE_GAP_MS);
  }

  /** Hears every attempt's outcome (metrics: failures, and the lag of each delivery). */
  onAttempt(listener: (attempt: DeliveryAttempt) => void): void {
    this.listeners.push(listener);
  }

  private get stopped(): boolean {
    return this.ticker.isStopped;
  }

  start(): void {
    this.ticker.start();
  }

  /** Looks for due deliveries now (after events were committed). */
  wake(): void {
    this.ticker.wake();
  }

  async stop(): Promise<void> {
    await this.ticker.stop();
    await Promise.allSettled(this.inFlight);
  }

  private async tick(): Promise<void> {
    const room = this.o.concurrency - this.inFlight.size;
    if (room <= 0) return;
    try {
      const now = Date.now();
      const due = await claimDueDeliveries(this.o.db, {
        engine: this.o.engine,
        now: new Date(now).toISOString(),
        // Long enough for the attempt and its bookkeeping; a crashed sender's lease runs out.
        leaseUntil: new Date(now + this.o.timeoutMs * 2 + 5_000).toISOString(),
        limit: room,
      });
      for (const delivery of due) {
        const sending = this.deliver(delivery)
          .catch((error) => this.o.onError(error, `webhook ${delivery.event_id}`))
          .finally(() => {
            this.inFlight.delete(sending);
            this.wake();
          });
        this.inFlight.add(sending);
      }
    } catch (error) {
      if (!this.stopped) this.o.onError(error, 'webhook delivery');
    }
  }

  /**
   * The current secret, and for 24 hours after a rotation the previous one too: Standard Webhooks
   * puts several space-separated signatures in `webhook-signature`, and a receiver accepts the
   * message when any one verifies, so receivers can switch secrets without missing an event.
   */
  private signingSecrets(d: DueDelivery): string[] {
    const secrets = [this.o.secrets.open(d.secret, d.endpoint_id)];
    const now = this.o.now?.() ?? Date.now();
    if (
      d.previous_secret &&
      d.previous_secret_expires_at &&
      Date.parse(d.previous_secret_expires_at) > now
    ) {
      secrets.push(this.o.secrets.open(d.previous_secret, d.endpoint_id));
    }
    return secrets;
  }

  private async deliver(d: DueDelivery): Promise<void> {
    const at = new Date();
    let result: SendResult;
    try {
      const signature = this.signingSecrets(d)
        .map((secret) => new Webhook(secret).sign(d.event_id, at, d.payload))
        .join(' ');
      result = await postJson(
        d.url,
        d.payload,
        {
          'content-type': 'application/json',
          'user-agent': 'Iqra-Webhooks/1.0',
          'webhook-id': d.event_id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        { timeoutMs: this.o.timeoutMs, blockPrivate: this.o.blockPrivate },
      );
    } catch (error) {
      result = { error: error instanceof Error ? error.message : 'could not sign' };
    }
    const attempts = d.attempts + 1;
    const ok = 'status' in result && result.status >= 200 && result.status < 300;
    const final = ok || attempts >= this.o.maxAttempts;
    const now = new Date();
    const outcome = ok ? 'delivered' : final ? 'failed' : 'retrying';
    const lagSeconds = (now.getTime() - Date.parse(d.event_created_at)) / 1000;
    for (const listener of this.listeners) listener({ outcome, lagSeconds });
    await recordAttempt(
      this.o.db,
      { endpointId: d.endpoint_id, eventId: d.event_id },
      {
        status: ok ? 'delivered' : final ? 'failed' : 'pending',
        attempts,
        statusCode: 'status' in result ? result.status : null,
        error: ok ? null : 'error' in result ? result.error : `HTTP ${result.status}`,
        nextAttemptAt: final
          ? null
          : new Date(now.getTime() + retryDelayMs(attempts, this.o.retryBaseMs)).toISOString(),
        now: now.toISOString(),
      },
    );
  }
}
