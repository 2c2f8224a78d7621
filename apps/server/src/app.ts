import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { DestinationStream } from 'pino';
import { registerAgentRoutes } from './agents/routes.js';
import { registerAuditRoutes } from './audit/routes.js';
import { registerGuard } from './auth/guard.js';
import { registerBillingRoutes } from './billing/routes.js';
import { registerBusinessRoutes } from './businesses/routes.js';
import { registerCallRoutes } from './calls/routes.js';
import { registerClientTokenRoutes } from './client-tokens/routes.js';
import { type BackgroundOptions, buildServices, type Services } from './compose.js';
import { type Config, fastifyTrustProxy } from './config.js';
import { registerConversationRoutes } from './conversations/routes.js';
import { MAX_PARAM_LENGTH, registerDashboard } from './dashboard/static.js';
import { ping, type Store } from './db/connect.js';
import { registerEventRoutes } from './events/routes.js';
import { registerCors } from './http/cors.js';
import { createLogger, OneLinePerRequest } from './http/logging.js';
import { registerOpenApi } from './http/openapi.js';
import { clientError, frameworkError, registerProblemHandler } from './http/problem-handler.js';
import { lazySerializers } from './http/serializers.js';
import type { App } from './http/types.js';
import { registerValidation } from './http/validation.js';
import { registerKeyClientTokenRoutes } from './keys/client-token-routes.js';
import { registerKeyRoutes } from './keys/routes.js';
import { registerLeakRoutes } from './leaks/routes.js';
import { metricsServer, registerMetricsRoute } from './metrics/routes.js';
import { registerSessionRoutes } from './sessions/routes.js';
import { registerSystemRoutes } from './system/routes.js';
import { registerTelephonyRoutes } from './telephony-settings/routes.js';
import { registerUserRoutes } from './users/routes.js';
import { webhookDocs } from './webhooks/event-docs.js';
import { registerWebhookRoutes } from './webhooks/routes.js';
import { registerWhitelabelRoutes } from './whitelabel/routes.js';

export type { BackgroundOptions } from './compose.js';

/**
 * Every feature's routes, in one list: a new feature adds one line here and builds its service in
 * `compose.ts`. Each registers only its own routes, with the narrow services it needs.
 */
const FEATURES: ((app: App, s: Services) => void)[] = [
  (app, s) => registerSystemRoutes(app, { ping: () => ping(s.store.db) }),
  (app, s) =>
    registerSessionRoutes(app, {
      sessions: s.sessions,
      alwaysSecureCookie: s.config.env === 'production',
    }),
  (app, s) => registerUserRoutes(app, { users: s.users }),
  (app, s) => registerWhitelabelRoutes(app, { whitelabel: s.whitelabel }),
  (app, s) => registerKeyRoutes(app, { keys: s.keys }),
  (app, s) => {
    registerClientTokenRoutes(app, { clientTokens: s.clientTokens });
    registerKeyClientTokenRoutes(app, { clientTokens: s.clientTokens });
  },
  (app, s) => registerLeakRoutes(app, { leaks: s.leaks }),
  (app, s) => registerAuditRoutes(app, { audit: s.audit }),
  (app, s) => registerBusinessRoutes(app, { businesses: s.businesses }),
  (app, s) => registerAgentRoutes(app, { agents: s.agents }),
  (app, s) => registerCallRoutes(app, { calls: s.calls, twilioStatus: s.twilioStatus }),
  (app, s) => registerConversationRoutes(app, { conversations: s.conversations }),
  (app, s) => registerTelephonyRoutes(app, { telephony: s.telephony }),
  (app, s) => registerWebhookRoutes(app, { webhooks: s.webhooks }),
  (app, s) => registerEventRoutes(app, { events: s.events }),
  (app, s) => registerBillingRoutes(app, { billing: s.billing }),
];

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

/** Builds the whole server without listening: `main` listens, tests use `inject`. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, store } = deps;

  const { logger, destination } = createLogger(config.logLevel, deps.logStream);
  const app = Fastify({
    loggerInstance: logger,
    logController: new OneLinePerRequest(destination),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    requestIdHeader: false,
    genReqId: () => `req_${randomUUID().replaceAll('-', '')}`,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
    schemaController: lazySerializers(),
  }).withTypeProvider<TypeBoxTypeProvider>();

  const services = buildServices(config, store, {
    connectRedis: true,
    invalidationPollMs: deps.invalidationPollMs,
    lastUsedFlushMs: deps.lastUsedFlushMs,
    background: deps.background,
    onError: (error, context) => app.log.error({ err: error, context }, 'background task failed'),
  });

  // First, so every route registered after it — all of them — gets the hooks its declared access
  // needs (a route the guard never saw would be in no table and checked by nobody). Its hooks are
  // the routes' own, so the global hooks below (request id, CORS, metrics) still run before them.
  registerGuard(app, {
    keys: services.keyVerifier,
    businesses: services.businessDirectory,
    findSession: services.findSession,
    sessionTokens: services.sessionTokens,
    budgets: services.budgets,
    authFailures: services.throttles.authFailures,
    lastUsed: services.lastUsed,
    usage: services.keyUsage,
    defaultRateLimit: config.rateLimitPerMinute,
    clientTokens: services.clientTokenCodec,
    clientTokenFailures: services.throttles.clientTokenFailures,
    publicOrigin: new URL(config.publicUrl).origin,
  });
  // Only JSON bodies are accepted; anything else is a 415.
  app.removeContentTypeParser('text/plain');
  // A callback hook, like every global one: an async hook costs a promise on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  registerValidation(app);
  registerProblemHandler(app);
  await app.register(fastifyCookie);

  // A global hook, so it runs before the guard's: its refusals carry the CORS headers a browser
  // needs to read them.
  registerCors(app, config.corsOrigins);
  // Its timer sees every answer, refusals included. Imported here: servers without metrics never
  // load prom-client.
  const metrics =
    config.metricsToken !== undefined || config.metricsPort !== undefined
      ? (await import('./metrics/metrics.js')).createMetrics({
          keys: services.keyVerifier,
          dispatcher: services.dispatcher,
          deliverer: services.deliverer,
        })
      : undefined;
  metrics?.register(app);

  await registerOpenApi(app, { publicUrl: config.publicUrl, webhooks: webhookDocs() });
  for (const register of FEATURES) register(app, services);
  if (metrics && config.metricsToken !== undefined) {
    registerMetricsRoute(app, metrics, config.metricsToken);
  }
  if (metrics && config.metricsPort !== undefined) {
    const port = config.metricsPort;
    const own = metricsServer(metrics);
    // onReady, not onListen: Fastify does not wait for onListen hooks, and a port that cannot
    // be bound should stop the boot.
    app.addHook('onReady', async () => {
      await own.listen({ port, host: config.metricsHost });
    });
    app.addHook('onClose', () => own.close());
  }
  // Last: its catch-all GET must not shadow any route above.
  await registerDashboard(app, config);

  app.addHook('onReady', () => services.start());
  app.addHook('onClose', () => services.stop());
  return app;
}
