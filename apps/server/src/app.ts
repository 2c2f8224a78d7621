import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import { registerGuard } from './auth/guard.js';
import { keyHasher } from './auth/key-format.js';
import { KeyVerifier } from './auth/key-verifier.js';
import { LastUsedRecorder } from './auth/last-used.js';
import {
  type CounterStore,
  memoryCounters,
  RequestBudgets,
  redisCounters,
  Throttle,
} from './auth/rate-limit.js';
import { registerAuthRoutes } from './auth/routes.js';
import { SessionTokens } from './auth/session-tokens.js';
import { findSession } from './auth/sessions-repo.js';
import { BusinessDirectory } from './businesses/directory.js';
import { findBusinessById } from './businesses/repo.js';
import { registerBusinessRoutes } from './businesses/routes.js';
import { businessService } from './businesses/service.js';
import { InvalidationFeed } from './cache/invalidation.js';
import { relayInvalidations } from './cache/redis-relay.js';
import { type BackgroundOptions, registerCallsFeature } from './calls/feature.js';
import { type Config, fastifyTrustProxy } from './config.js';
import { registerDashboard } from './dashboard/static.js';
import type { Store } from './db/connect.js';
import { registerOpenApi } from './http/openapi.js';
import { CursorCodec } from './http/pagination.js';
import { clientError, frameworkError, registerProblemHandler } from './http/problem-handler.js';
import type { App } from './http/types.js';
import { registerValidation } from './http/validation.js';
import { findKeyForVerification, recordLastUsed } from './keys/repo.js';
import { registerKeyRoutes } from './keys/routes.js';
import { keyService } from './keys/service.js';
import { registerSystemRoutes } from './system/routes.js';
import { registerUserRoutes } from './users/routes.js';
import { userService } from './users/service.js';
import { registerWhitelabelRoutes } from './whitelabel/routes.js';

export interface AppDeps {
  config: Config;
  store: Store;
  /** Where logs go (default: stdout). Tests capture them to prove no secret is logged. */
  logStream?: DestinationStream;
  /** How often other processes' revocations are picked up (default 1 s). */
  invalidationPollMs?: number;
  /** How often key `lastUsedAt` times are written in a batch (default 5 s). */
  lastUsedFlushMs?: number;
  /** Timing of the call dispatcher and webhook deliverer (tests make them fast). */
  background?: Partial<BackgroundOptions>;
}

const KEY_IN_TEXT = /iqra_sk_[0-9A-Za-z]*/g;

/** Builds the whole server without listening: `main` listens, tests use `inject`. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, store } = deps;
  const db = store.db;

  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      serializers: {
        // A key pasted into a query string must not reach the logs either.
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          url: req.url.replace(KEY_IN_TEXT, 'iqra_sk_[redacted]'),
          remoteAddress: req.ip,
        }),
      },
    },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    requestIdHeader: false,
    genReqId: () => `req_${randomUUID().replaceAll('-', '')}`,
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Only JSON bodies are accepted; anything else is a 415.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerValidation(app);
  registerProblemHandler(app);
  await app.register(fastifyCookie);

  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined;
  redis?.on('error', (error) => app.log.warn({ err: error }, 'redis error'));
  const counters: CounterStore = redis ? redisCounters(redis) : memoryCounters();

  const onBackgroundError = (error: unknown) =>
    app.log.error({ err: error }, 'background task failed');
  const invalidations = new InvalidationFeed(db, {
    intervalMs: deps.invalidationPollMs ?? 1000,
    onError: onBackgroundError,
  });
  const publish = invalidations.publish.bind(invalidations);
  const hash = keyHasher(config.pepper);
  const keyVerifier = new KeyVerifier({ hash, findByHash: (h) => findKeyForVerification(db, h) });
  const businessDirectory = new BusinessDirectory((id) => findBusinessById(db, id));
  invalidations.subscribe((i) => keyVerifier.invalidate(i));
  invalidations.subscribe((i) => businessDirectory.invalidate(i));
  const relay = redis ? relayInvalidations(invalidations, redis, onBackgroundError) : undefined;
  const lastUsed = new LastUsedRecorder((uses) => recordLastUsed(db, uses), {
    intervalMs: deps.lastUsedFlushMs ?? 5000,
    onError: onBackgroundError,
  });
  const sessionTokens = new SessionTokens(config.sessionSecret);
  const cursors = new CursorCodec(config.sessionSecret);

  registerGuard(app, {
    keys: keyVerifier,
    businesses: businessDirectory,
    findSession: (id) => findSession(db, id),
    sessionTokens,
    budgets: new RequestBudgets(counters),
    authFailures: new Throttle(counters, {
      prefix: 'authfail',
      points: config.authFailuresPerMinute,
      durationSeconds: 60,
    }),
    lastUsed,
    defaultRateLimit: config.rateLimitPerMinute,
  });
  await registerOpenApi(app);

  const users = userService({ db, publish });
  registerSystemRoutes(app, { store });
  registerAuthRoutes(app, {
    db,
    users,
    sessionTokens,
    alwaysSecureCookie: config.env === 'production',
    throttles: {
      loginByEmail: new Throttle(counters, {
        prefix: 'login:email',
        points: config.loginFailuresPerEmail,
        durationSeconds: 900,
      }),
      loginByIp: new Throttle(counters, {
        prefix: 'login:ip',
        points: config.loginFailuresPerIp,
        durationSeconds: 900,
      }),
      signupByIp: new Throttle(counters, { prefix: 'signup:ip', points: 30, durationSeconds: 600 }),
      signupByEmail: new Throttle(counters, {
        prefix: 'signup:email',
        points: 5,
        durationSeconds: 3600,
      }),
    },
  });
  registerUserRoutes(app, { users });
  registerWhitelabelRoutes(app, { store });
  registerKeyRoutes(app, {
    keys: keyService({
      db,
      hash,
      cursors,
      lastUsed,
      publish,
      defaultRateLimit: config.rateLimitPerMinute,
    }),
  });
  registerBusinessRoutes(app, { businesses: businessService({ db, cursors, publish }) });
  const calls = registerCallsFeature(app, {
    config,
    store,
    cursors,
    background: deps.background,
    onError: (error, context) => app.log.error({ err: error, context }, 'background task failed'),
  });
  // Last: its catch-all GET must not shadow any route above.
  await registerDashboard(app, config);

  app.addHook('onReady', async () => {
    invalidations.start();
    lastUsed.start();
    await calls.start();
  });
  app.addHook('onClose', async () => {
    await calls.stop();
    invalidations.stop();
    await lastUsed.stop();
    relay?.close();
    redis?.disconnect();
  });
  return app;
}
