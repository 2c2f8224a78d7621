import { findAgent } from '../agents/repo.js';
import { registerAgentRoutes } from '../agents/routes.js';
import { agentService } from '../agents/service.js';
import { registerBillingRoutes } from '../billing/routes.js';
import { billingService } from '../billing/service.js';
import type { Config } from '../config.js';
import { registerConversationRoutes } from '../conversations/routes.js';
import { conversationService } from '../conversations/service.js';
import { SecretBox } from '../crypto/secret-box.js';
import type { Store } from '../db/connect.js';
import type { CursorCodec } from '../http/pagination.js';
import type { App } from '../http/types.js';
import { registerTelephonyRoutes } from '../telephony/routes.js';
import { telephonyService } from '../telephony/service.js';
import { simulatorProvider } from '../telephony/simulator.js';
import { twilioProvider } from '../telephony/twilio.js';
import { WebhookDeliverer } from '../webhooks/deliverer.js';
import { purgeOldEvents } from '../webhooks/outbox.js';
import { registerWebhookRoutes } from '../webhooks/routes.js';
import { webhookService } from '../webhooks/service.js';
import { CallDispatcher } from './dispatcher.js';
import { purgeIdempotencyKeys } from './idempotency.js';
import { callLifecycle } from './lifecycle.js';
import { registerCallRoutes } from './routes.js';
import { callService } from './service.js';

/** Timing of the background workers; tests shorten it. */
export interface BackgroundOptions {
  /** How often the dispatcher looks for queued and stalled calls (default 500 ms). */
  dispatchPollMs: number;
  /** How often the deliverer looks for due webhook deliveries (default 500 ms). */
  deliveryPollMs: number;
  /** Per delivery attempt (default 10 s). */
  webhookTimeoutMs: number;
  /** First retry delay (default 10 s; then ×4 each time). */
  webhookRetryBaseMs: number;
  /** How long a Twilio call waits for callbacks before Twilio is asked (default 60 s). */
  twilioRecheckMs: number;
}

const DEFAULTS: BackgroundOptions = {
  dispatchPollMs: 500,
  deliveryPollMs: 500,
  webhookTimeoutMs: 10_000,
  webhookRetryBaseMs: 10_000,
  twilioRecheckMs: 60_000,
};

export interface CallsFeatureDeps {
  config: Config;
  store: Store;
  cursors: CursorCodec;
  background?: Partial<BackgroundOptions>;
  onError: (error: unknown, context: string) => void;
}

/**
 * Agents, calls, conversations, telephony, webhooks and billing: their routes, and the two
 * background workers (call dispatcher, webhook deliverer) that `start` and `stop` run.
 */
export function registerCallsFeature(app: App, deps: CallsFeatureDeps) {
  const { config, store, cursors, onError } = deps;
  const db = store.db;
  const timing = { ...DEFAULTS, ...deps.background };
  const production = config.env === 'production';

  const webhookSecrets = new SecretBox(config.pepper, 'iqra:webhook-secrets');
  const deliverer = new WebhookDeliverer({
    db,
    engine: store.engine,
    secrets: webhookSecrets,
    maxAttempts: config.webhookMaxAttempts,
    pollMs: timing.deliveryPollMs,
    timeoutMs: timing.webhookTimeoutMs,
    retryBaseMs: timing.webhookRetryBaseMs,
    concurrency: 16,
    blockPrivate: production,
    onError,
  });
  const lifecycle = callLifecycle({
    db,
    freeCreditMinutes: config.freeCreditMinutes,
    notify: () => deliverer.wake(),
  });
  const telephony = telephonyService({
    db,
    box: new SecretBox(config.pepper, 'iqra:telephony-credentials'),
  });
  const providers = {
    simulator: simulatorProvider({ timeScale: config.simulatorTimeScale }),
    twilio: twilioProvider({
      credentials: (businessId) => telephony.twilioCredentials(businessId),
      publicUrl: config.publicUrl,
      apiBaseUrl: config.twilioApiBaseUrl,
      recheckInMs: timing.twilioRecheckMs,
    }),
  };
  const dispatcher = new CallDispatcher({
    db,
    engine: store.engine,
    lifecycle,
    providers,
    perBusiness: config.callConcurrencyPerBusiness,
    leaseMs: config.callLeaseSeconds * 1000,
    pollMs: timing.dispatchPollMs,
    maintenance: async () => {
      await purgeIdempotencyKeys(db);
      await purgeOldEvents(db);
    },
    onError,
  });
  const agents = agentService({ db, cursors });

  registerAgentRoutes(app, { agents });
  registerCallRoutes(app, {
    calls: callService({
      db,
      cursors,
      findAgent: (businessId, agentId) => findAgent(db, businessId, agentId),
      telephonySettings: (businessId) => telephony.settingsFor(businessId),
      lifecycle,
      providers,
      freeCreditMinutes: config.freeCreditMinutes,
      onAccepted: () => {
        dispatcher.wake();
        deliverer.wake();
      },
      onError,
    }),
  });
  registerConversationRoutes(app, { conversations: conversationService({ db, cursors }) });
  registerTelephonyRoutes(app, { telephony, lifecycle, store, publicUrl: config.publicUrl });
  registerWebhookRoutes(app, {
    webhooks: webhookService({ db, cursors, secrets: webhookSecrets, blockPrivate: production }),
  });
  registerBillingRoutes(app, {
    billing: billingService({ db, cursors, freeCreditMinutes: config.freeCreditMinutes }),
  });

  return {
    dispatcher,
    deliverer,
    async start(): Promise<void> {
      await dispatcher.start();
      deliverer.start();
    },
    async stop(): Promise<void> {
      await dispatcher.stop();
      await deliverer.stop();
    },
  };
}
