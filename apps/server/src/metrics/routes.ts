import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { ApiError } from '../http/errors.js';
import type { Metrics } from './metrics.js';

/**
 * `GET /metrics` (Prometheus text). With a token it sits on the API port and answers only
 * `Authorization: Bearer <token>` (not an API key: the guard treats the route as public and this
 * check stands in). Hidden from the OpenAPI document: it is for operators, not API clients.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: Metrics,
  token: string | undefined,
): void {
  app.get(
    '/metrics',
    { config: { access: 'public' }, logLevel: 'warn', schema: { hide: true } },
    async (request, reply) => {
      if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
        throw new ApiError('invalid_token');
      }
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
}

/**
 * A listener of its own for `/metrics` (`METRICS_PORT`), bound to `METRICS_HOST` (loopback by
 * default), so scrapers reach it on a private interface without any token.
 */
export function metricsServer(metrics: Metrics): FastifyInstance {
  const server = Fastify({ logger: false });
  registerMetricsRoute(server, metrics, undefined);
  return server;
}

/**
 * Constant-time comparison of an `Authorization: Bearer …` header with the token; both are hashed
 * first so neither the content nor the length of the token leaks through timing.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${token}`));
}
