import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import { findAgent } from './agents/repo.js';
import { agentService } from './agents/service.js';
import { purgeAuditEvents } from './audit/repo.js';
import { auditService } from './audit/service.js';
import { BusinessDirectory } from './auth/business-directory.js';
import { FLUSH_CHUNK_ROWS } from './auth/chunked-flush.js';
import { ClientTokenCodec } from './auth/client-token.js';
import { keyHasher } from './auth/key-format.js';
import { KeyUsageCounter } from './auth/key-usage.js';
import { KeyVerifier } from './auth/key-verifier.js';
import { LastUsedRecorder } from './auth/last-used.js';
import {
  type CounterStore,
  memoryCounters,
  RequestBudgets,
  redisCounters,
  Throttle,
} from './auth/rate-limit.js';
import { SessionTokens } from './auth/session-tokens.js';
import { findSession } from './auth/sessions-repo.js';
import { billingService } from './billing/service.js';
import { findBusinessById } from './businesses/repo.js';
import { businessService } from './businesses/service.js';
import { InvalidationFeed } from './cache/invalidation.js';
import { postgresInvalidations } from './cache/pg-listener.js';
import { relayInvalidations } from './cache/redis-relay.js';
import { CallDispatcher } from './calls/dispatcher.js';
import { purgeIdempotencyKeys } from './calls/idempotency.js';
import { callLifecycle } from './calls/lifecycle.js';
import { findCallById } from './calls/repo.js';
import { callService } from './calls/service.js';
import { twilioStatusService } from './calls/twilio-status.js';
import { clientTokenService } from './client-tokens/service.js';
import type { Config } from './config.js';
import { conversationService } from './conversations/service.js';
import { SecretBox } from './crypto/secret-box.js';
import type { Store } from './db/connect.js';
import { transactor } from './db/group-commit.js';
import { eventService } from './events/service.js';
import { CursorCodec } from './http/pagination.js';
import { purgeKeyIdempotency } from './keys/idempotency.js';
import {
  addKeyUsage,
  findKeyForVerificationById,
  findKeysForVerification,
  recordLastUsed,
} from './keys/repo.js';
import { keyService } from './keys/service.js';
import { leakService } from './leaks/service.js';
import { sessionService } from './sessions/service.js';
import { simulatorProvider } from './telephony/simulator.js';
import { twilioProvider } from './telephony/twilio.js';
import { telephonyService } from './telephony-settings/service.js';
import { userService } from './users/service.js';
import { WebhookDeliverer } from './webhooks/deliverer.js';
import { purgeOldEvents } from './webhooks/outbox.js';
import { webhookService } from './webhooks/service.js';
import { whitelabelService } from './whitelabel/service.js';

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
  /** The clock deciding when a rotated-out webhook secret stops signing (tests move it). */
  now?: () => number;
}

const BACKGROUND_DEFAULTS: BackgroundOptions = {
  dispatchPollMs: 500,
  deliveryPollMs: 500,
  webhookTimeoutMs: 10_000,
  webhookRetryBaseMs: 10_000,
  twilioRecheckMs: 60_000,
  now: Date.now,
};

export interface ComposeOptions {
  /** Connect to Redis when `REDIS_URL` is set: the server does, one-shot CLI commands do not. */
  connectRedis?: boolean;
  /** How often other processes' revocations are picked up (default 1 s). */
  invalidationPollMs?: number;
  /** How often key `lastUsedAt` times are written in a batch (default 5 s). */
  lastUsedFlushMs?: number;
  background?: Partial<BackgroundOptions>;
  /** Where background failures are reported (the server logs them). */
  onError?: (error: unknown, context: string) => void;
}

export type Services = ReturnType<typeof buildServices>;

/**
 * The Redis client class, loaded only by servers that use Redis (`REDIS_URL`): with `require`
 * (ioredis is CommonJS), because the services are built synchronously.
 */
const ioredis = () => (createRequire(import.meta.url)('ioredis') as typeof IORedis).Redis;

/**
 * The one composition root: every service is built here, once, from the config and the store.
 * The server (`app.ts`) and the operator CLI both use it; nothing runs until `start()`.
 */
export function buildServices(config: Config, store: Store, options: ComposeOptions = {}) {
  const { db } = store;
  const onError = options.onError ?? (() => {});
  const timing = { ...BACKGROUND_DEFAULTS, ...options.background };
  const production = config.env === 'production';

  const redis =
    options.connectRedis && config.redisUrl
      ? new (ioredis())(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
      : undefined;
  redis?.on('error', (error) => onError(error, 'redis'));
  const counters: CounterStore = redis
    ? redisCounters(redis, config.rateLimitMaxKeys)
    : memoryCounters(config.rateLimitMaxKeys);
  const throttle = (prefix: string, points: number, durationSeconds: number) =>
    new Throttle(counters, { prefix, points, durationSeconds });

  // Credentials: keys, sessions, and the caches that revocations invalidate.
  const invalidations = new InvalidationFeed(db, {
    intervalMs: options.invalidationPollMs ?? 1000,
    onError: (error) => onError(error, 'invalidation poll'),
  });
  const publish = invalidations.publish.bind(invalidations);
  const hash = keyHasher(config.pepper);
  const keyVerifier = new KeyVerifier({
    hash,
    findByHashes: (hashes) => findKeysForVerification(db, hashes),
    findById: (id) => findKeyForVerificationById(db, id),
    cacheSize: config.keyCacheSize,
  });
  const clientTokenCodec = new ClientTokenCodec(config.pepper);
  const businessDirectory = new BusinessDirectory((id) => findBusinessById(db, id));
  invalidations.subscribe((i) => keyVerifier.invalidate(i));
  invalidations.subscribe((i) => businessDirectory.invalidate(i));
  const relay = redis
    ? relayInvalidations(invalidations, redis, (error) => onError(error, 'redis relay'))
    : undefined;
  // On PostgreSQL, NOTIFY carries them to every node at commit, with or without Redis.
  const listener =
    config.database.kind === 'postgres'
      ? postgresInvalidations(config.database, invalidations, (error) =>
          onError(error, 'invalidation listener'),
        )
      : undefined;
  const chunkSize = FLUSH_CHUNK_ROWS[store.engine];
  const lastUsed = new LastUsedRecorder((uses) => recordLastUsed(db, store.engine, uses), {
    intervalMs: options.lastUsedFlushMs ?? 5000,
    chunkSize,
    onError: (error) => onError(error, 'last-used flush'),
  });
  const keyUsage = new KeyUsageCounter((deltas) => addKeyUsage(db, store.engine, deltas), {
    intervalMs: options.lastUsedFlushMs ?? 5000,
    chunkSize,
    onError: (error) => onError(error, 'key usage flush'),
  });
  const sessionTokens = new SessionTokens(config.sessionSecret);
  const cursors = new CursorCodec(config.sessionSecret);
  const throttles = {
    authFailures: throttle('authfail', config.authFailuresPerMinute, 60),
    clientTokenFailures: throttle('ctfail', config.authFailuresPerMinute, 60),
    loginByEmail: throttle('login:email', config.loginFailuresPerEmail, 900),
    loginByIp: throttle('login:ip', config.loginFailuresPerIp, 900),
    signupByIp: throttle('signup:ip', 30, 600),
    signupByEmail: throttle('signup:email', 5, 3600),
  };
  const users = userService({ db, publish });

  // Calls: the carriers, the lifecycle they report to, and the two background workers.
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
    now: timing.now,
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
  const twilioCredentials = (businessId: string) => telephony.twilioCredentials(businessId);
  const providers = {
    simulator: simulatorProvider({ timeScale: config.simulatorTimeScale }),
    twilio: twilioProvider({
      credentials: twilioCredentials,
      publicUrl: config.publicUrl,
      apiBaseUrl: config.twilioApiBaseUrl,
      recheckInMs: timing.twilioRecheckMs,
      timeLimitSeconds: config.callMaxMinutes * 60,
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
      await purgeAuditEvents(db);
      await purgeKeyIdempotency(db);
    },
    onError,
  });

  // Built before the rest: the audit log filters a restricted key's view by the keys it sees.
  const keys = keyService({
    db,
    hash,
    cursors,
    lastUsed,
    usage: keyUsage,
    publish,
    defaultRateLimit: config.rateLimitPerMinute,
    idempotencyBox: new SecretBox(config.pepper, 'iqra:key-idempotency'),
  });

  return {
    config,
    store,
    // auth
    keyVerifier,
    businessDirectory,
    sessionTokens,
    findSession: (sessionId: string) => findSession(db, sessionId),
    budgets: new RequestBudgets(counters),
    throttles,
    lastUsed,
    keyUsage,
    // features
    users,
    sessions: sessionService({ db, users, sessionTokens, throttles }),
    keys,
    clientTokenCodec,
    clientTokens: clientTokenService({
      db,
      codec: clientTokenCodec,
      businesses: businessDirectory,
      keys,
      publish,
    }),
    leaks: leakService({
      db,
      hash,
      cursors,
      // The lifecycle's cascade walk (API.md §5), inside the leak response's transaction.
      revokeLeaked: (trx, keyId, actor) => keys.revokeTreeWithin(trx, keyId, 'leaked', actor),
      publish,
      authFailures: throttles.authFailures,
      partnerKeysFile: config.secretScanningKeysFile,
      onEvents: () => deliverer.wake(),
    }),
    audit: auditService({ db, cursors, visibleKeys: keys.visibleTo }),
    businesses: businessService({ db, cursors, publish }),
    whitelabel: whitelabelService({ db }),
    agents: agentService({ db, cursors }),
    calls: callService({
      db,
      transact: transactor(store),
      cursors,
      findAgent: (businessId, agentId) => findAgent(db, businessId, agentId),
      telephonySettings: (businessId) => telephony.settingsFor(businessId),
      lifecycle,
      providers,
      freeCreditMinutes: config.freeCreditMinutes,
      holdMinutes: config.callMaxMinutes,
      onAccepted: () => {
        dispatcher.wake();
        deliverer.wake();
      },
      onError,
    }),
    twilioStatus: twilioStatusService({
      findCall: (callId) => findCallById(db, callId),
      credentials: twilioCredentials,
      lifecycle,
      // A final status is confirmed with Twilio's REST API: the fetched values win.
      confirm: (call, sink) => providers.twilio.resume(call, sink, new AbortController().signal),
      publicUrl: config.publicUrl,
    }),
    conversations: conversationService({ db, cursors }),
    events: eventService({ db, cursors }),
    telephony,
    webhooks: webhookService({
      db,
      cursors,
      secrets: webhookSecrets,
      blockPrivate: production,
      now: timing.now,
      wake: () => deliverer.wake(),
    }),
    billing: billingService({ db, cursors, freeCreditMinutes: config.freeCreditMinutes }),
    // background
    dispatcher,
    deliverer,

    /** Starts the background work: revocation polling, last-used flushes, dispatch, delivery. */
    async start(): Promise<void> {
      invalidations.start();
      listener?.start();
      lastUsed.start();
      keyUsage.start();
      await dispatcher.start();
      deliverer.start();
    },

    /** Stops it, flushing what is pending; safe to call when never started. */
    async stop(): Promise<void> {
      await dispatcher.stop();
      await deliverer.stop();
      invalidations.stop();
      await listener?.close();
      await lastUsed.stop();
      await keyUsage.stop();
      relay?.close();
      redis?.disconnect();
    },
  };
}
