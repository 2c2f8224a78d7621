import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { KeyVerifier } from '../auth/key-verifier.js';

/**
 * The Prometheus registry and the hooks that feed it. Labels use route templates
 * (`/api/v1/businesses/:businessId`), never raw URLs, so ids cannot blow up the series count;
 * a request that matched no route is `unmatched`.
 */
export function createMetrics(deps: { keys: Pick<KeyVerifier, 'lookups'> }) {
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

  /** Observes every answer; cheap enough for each request (label lookups, no I/O). */
  function register(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const status = reply.statusCode;
      // A 404 from the dashboard's catch-all (`/*`) matched no API route either.
      const template = request.routeOptions.url;
      const route =
        !template || (status === 404 && template.endsWith('*')) ? 'unmatched' : template;
      duration.observe(
        { route, method: request.method, status: String(status) },
        reply.elapsedTime / 1000,
      );
      if (status === 429) limited.inc({ route });
      const access = request.routeOptions.config?.access ?? 'public';
      if (access === 'public') return;
      if (request.principal) auth.inc({ outcome: 'valid' });
      else if (status === 401) auth.inc({ outcome: 'invalid' });
      else if (status === 429) auth.inc({ outcome: 'throttled_ip' });
    });
  }

  return { registry, register };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Constant-time comparison of an `Authorization: Bearer …` header with the token; both are hashed
 * first so neither the content nor the length of the token leaks through timing.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${token}`));
}
