import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * CORS for browser apps that hold a client token (API.md §7): `/api/v1` only, exact origins from
 * `CORS_ORIGINS`, never `Access-Control-Allow-Credentials` — a cookie is never the credential of
 * a cross-origin request (the guard ignores it; see `isCrossOrigin`).
 */
const API_PREFIX = '/api/v1';
const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key';
const EXPOSE_HEADERS =
  'X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Request-Id, Idempotent-Replayed';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

const isApiPath = (url: string) =>
  url === API_PREFIX || url.startsWith(`${API_PREFIX}/`) || url.startsWith(`${API_PREFIX}?`);

/**
 * True when the request comes from a page of another origin: its `Origin` (or, failing that,
 * `Sec-Fetch-Site`) says so. The server's own origin is the `Host` it was reached at, or the
 * configured public URL's.
 */
export function isCrossOrigin(request: FastifyRequest, publicOrigin?: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  if (origin === publicOrigin) return false;
  try {
    const page = new URL(origin);
    // Normalised the same way, so `Host: example.com:443` matches `https://example.com`.
    return page.host !== new URL(`${page.protocol}//${request.host}`).host;
  } catch {
    // `Origin: null` (sandboxed frames, file://) or garbage: not ours.
    return true;
  }
}

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);

  const decorate = (request: FastifyRequest, reply: FastifyReply): boolean => {
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return false;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-expose-headers', EXPOSE_HEADERS);
    return true;
  };

  // Before the guard's hook, so a 401 or 429 carries the headers a browser needs to read it.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'OPTIONS' && isApiPath(request.url)) decorate(request, reply);
  });

  // Preflight: answered for every /api/v1 path, with the CORS headers only for a listed origin.
  app.options(
    `${API_PREFIX}/*`,
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      if (decorate(request, reply)) {
        reply.header('access-control-allow-methods', ALLOW_METHODS);
        reply.header('access-control-allow-headers', ALLOW_HEADERS);
        reply.header('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS);
      }
      return reply.code(204).send();
    },
  );
}
