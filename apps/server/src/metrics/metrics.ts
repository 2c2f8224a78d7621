import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { KeyVerifier } from '../auth/key-verifier.js';
import type { CallDispatcher } from '../calls/dispatcher.js';
import type { WebhookDeliverer } from '../webhooks/deliverer.js';

/**
 * The Prometheus registry and the hooks that feed it. Labels use route templates
 * (`/api/v1/businesses/:businessId`), never raw URLs, so ids cannot blow up the series count;
 * a request that matched no route is `unmatched`.
 */
export interface MetricsSources {
  keys: Pick<KeyVerifier, 'lookups'>;
  dispatcher?: Pick<CallDispatcher, 'stats' | 'queueDepth'>;
  deliverer?: Pick<WebhookDeliverer, 'onAttempt'>;
}

export function createMetrics(deps: MetricsSources) {
  const registry = new Registry();
  // Includes nodejs_eventloop_lag_* (the event-loop lag issue 12 asks for), heap and RSS.
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'iqra_http_request_duration_seconds',
    help: 'Time to answer a request, by route template, method and status.',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const auth = new Counter({
    name: 'iqra_auth_outcomes_total',
    help: 'Authenticated routes: valid credential, invalid (401) or throttled by IP before checking.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const limited = new Counter({
    name: 'iqra_rate_limited_total',
    help: 'Answers 429 (rate budget or throttle), by route template.',
    labelNames: ['route'],
    registers: [registry],
  });
  new Gauge({
    name: 'iqra_key_cache_hit_ratio',
    help: 'Share of well-formed keys answered from the key cache since start.',
    registers: [registry],
    collect() {
      const { hits, misses } = deps.keys.lookups;
      this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
    },
  });

  if (deps.dispatcher) dispatcherMetrics(registry, deps.dispatcher);
  if (deps.deliverer) deliveryMetrics(registry, deps.deliverer);

  /** One route's series, by status: labels are hashed once per route and status, not per answer. */
  function observer(route: string, method: string, counted: boolean) {
    const byStatus = new Map<number, Histogram.Internal<'route' | 'method' | 'status'>>();
    return (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const status = reply.statusCode;
      // A 404 from the dashboard's catch-all (`/*`) matched no API route either.
      const label = status === 404 && route.endsWith('*') ? 'unmatched' : route;
      let series = byStatus.get(status);
      if (series === undefined) {
        series = duration.labels(label, method, String(status));
        byStatus.set(status, series);
      }
      series.observe(reply.elapsedTime / 1000);
      if (status === 429) limited.inc({ route: label });
      if (counted) {
        if (request.principal) auth.inc({ outcome: 'valid' });
        else if (status === 401) auth.inc({ outcome: 'invalid' });
        else if (status === 429) auth.inc({ outcome: 'throttled_ip' });
      }
      done();
    };
  }

  /**
   * Observes every answer: each route gets its own hook, bound to its template when it is
   * registered (so every route registered after this call is covered), and requests that matched
   * no route are `unmatched`.
   */
  function register(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const counted = (route.config?.access ?? 'public') !== 'public';
      const hooks = [route.method].flat().map((method) => observer(route.url, method, counted));
      const own = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
        const hook =
          hooks.length === 1 ? hooks[0] : hooks[[route.method].flat().indexOf(request.method)];
        if (hook) hook(request, reply, done);
        else done();
      };
      route.onResponse = [own, ...[route.onResponse ?? []].flat()];
    });
    const unmatched = new Map<string, ReturnType<typeof observer>>();
    app.addHook('onResponse', (request, reply, done) => {
      if (!request.is404) return done();
      let hook = unmatched.get(request.method);
      if (hook === undefined) {
        hook = observer('unmatched', request.method, false);
        unmatched.set(request.method, hook);
      }
      hook(request, reply, done);
    });
  }

  return { registry, register };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The call queue and the leases: how far behind dispatch is, and how often nodes die. */
function dispatcherMetrics(
  registry: Registry,
  dispatcher: Pick<CallDispatcher, 'stats' | 'queueDepth'>,
): void {
  new Gauge({
    name: 'iqra_dispatcher_queue_depth',
    help: 'Calls accepted and waiting to be dialled, across every business.',
    registers: [registry],
    async collect() {
      this.set(await dispatcher.queueDepth());
    },
  });
  new Gauge({
    name: 'iqra_dispatcher_active_calls',
    help: 'Calls this process is driving now.',
    registers: [registry],
    collect() {
      this.set(dispatcher.stats.active);
    },
  });
  const counted = (name: string, help: string, read: () => number) => {
    let seen = 0;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const now = read();
        this.inc(now - seen);
        seen = now;
      },
    });
  };
  counted(
    'iqra_dispatcher_lease_takeovers_total',
    'Calls claimed from a worker whose lease ran out (a node that died or stalled).',
    () => dispatcher.stats.takeovers,
  );
  counted(
    'iqra_dispatcher_leases_lost_total',
    'Calls this process was driving when another worker took them over.',
    () => dispatcher.stats.leasesLost,
  );
}

/** Webhook attempts by outcome, and how long after its event each one answered. */
function deliveryMetrics(registry: Registry, deliverer: Pick<WebhookDeliverer, 'onAttempt'>): void {
  const attempts = new Counter({
    name: 'iqra_webhook_attempts_total',
    help: 'Webhook delivery attempts: delivered, retrying (failed, to be retried) or failed (given up).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'iqra_webhook_delivery_lag_seconds',
    help: 'From an event to the answer of a delivery attempt of it.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers: [registry],
  });
  deliverer.onAttempt(({ outcome, lagSeconds }) => {
    attempts.inc({ outcome });
    lag.observe(lagSeconds);
  });
}
