import { matchRoute, parseRoute, splitPath } from './paths.js';
import { type Authorize, normaliseBaseUrl, problem } from './problem.js';
import { rawTargetOf } from './raw-target.js';

export interface IqraProxyOptions {
  /** The secret key (`iqra_sk_…`). It stays on your server: never logged, never answered. */
  apiKey: string;
  /** The Iqra server, e.g. `https://iqra.example.com`. */
  baseUrl: string;
  /**
   * What the browser may reach, relative to `/api/v1`:
   * `["GET /businesses/:businessId/conversations", "POST /businesses/:businessId/calls"]`.
   * Anything else answers 403.
   */
  routes: readonly string[];
  /**
   * Required. Says which business this visitor may reach (from your session), or `false` (403).
   * A route's `:businessId` must equal it.
   */
  authorize: Authorize;
  /** The path the proxy is mounted at when a framework does not strip it (e.g. `/api/iqra`). */
  prefix?: string;
  /** Largest request body passed on (default 100 KiB, the API's own limit). */
  maxBodyBytes?: number;
  /** Your own `fetch` (default: the global one). */
  fetch?: typeof fetch;
}

/** Request headers passed to Iqra: an allow-list, so `Authorization` and `Cookie` never are. */
const REQUEST_HEADERS = ['accept', 'accept-language', 'content-type', 'idempotency-key'];
/** Answer headers passed back to the browser. */
const RESPONSE_HEADERS = [
  'content-type',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
  'x-request-id',
  'idempotent-replayed',
];
const WITHOUT_BODY = new Set(['GET', 'HEAD', 'DELETE']);

/**
 * A Fetch-API handler that forwards a visitor's request to Iqra with your key, only on the listed
 * routes and only for the business `authorize` returns. The path is decoded once and refused when
 * it holds `..`, an encoded slash or backslash, or `//`; then it is matched segment by segment.
 * Use it as is (Hono, Next.js route handlers, Bun, Deno) or through `toNodeHandler`, `toExpress`
 * or `toFastify`.
 */
export function iqraProxy(options: IqraProxyOptions): (request: Request) => Promise<Response> {
  if (!options.apiKey) throw new TypeError('iqraProxy: apiKey is required.');
  if (typeof options.authorize !== 'function') {
    throw new TypeError('iqraProxy: authorize is required.');
  }
  const baseUrl = normaliseBaseUrl(options.baseUrl, 'iqraProxy');
  const routes = options.routes.map(parseRoute);
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const send = options.fetch ?? globalThis.fetch;
  const maxBodyBytes = options.maxBodyBytes ?? 100 * 1024;
  const authorization = `Token ${options.apiKey}`;

  return async (request) => {
    const target = rawTargetOf(request);
    const queryAt = target.indexOf('?');
    let rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const search = queryAt === -1 ? '' : target.slice(queryAt);
    if (prefix) {
      if (rawPath !== prefix && !rawPath.startsWith(`${prefix}/`)) {
        return problem(403, 'route_not_allowed', 'This path is not proxied.');
      }
      rawPath = rawPath.slice(prefix.length) || '/';
    }
    const split = splitPath(rawPath);
    if ('refused' in split) return problem(403, 'path_refused', split.refused);
    const params = matchRoute(routes, request.method, split.segments);
    if (!params) return problem(403, 'route_not_allowed', 'This route is not proxied.');

    const allowed = await options.authorize(request);
    if (allowed === false || typeof allowed !== 'string' || allowed === '') {
      return problem(403, 'not_authorized', 'You may not reach this business.');
    }
    if ('businessId' in params && params.businessId !== allowed) {
      return problem(403, 'business_not_allowed', 'You may not reach this business.');
    }

    const headers = new Headers({ authorization });
    for (const name of REQUEST_HEADERS) {
      const value = request.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    let body: ArrayBuffer | undefined;
    if (!WITHOUT_BODY.has(request.method)) {
      const declared = Number(request.headers.get('content-length') ?? 0);
      if (declared > maxBodyBytes) return problem(413, 'body_too_large', 'The body is too large.');
      body = await request.arrayBuffer();
      if (body.byteLength > maxBodyBytes) {
        return problem(413, 'body_too_large', 'The body is too large.');
      }
    }
    const path = split.segments.map(encodeURIComponent).join('/');
    let upstream: Response;
    try {
      upstream = await send(`${baseUrl}/api/v1/${path}${search}`, {
        method: request.method,
        headers,
        body,
        redirect: 'manual',
        signal: request.signal,
      });
    } catch {
      return problem(502, 'upstream_unreachable', 'The Iqra API could not be reached.');
    }
    const answer = new Headers();
    for (const name of RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) answer.set(name, value);
    }
    const nullBody =
      upstream.status === 204 || upstream.status === 304 || request.method === 'HEAD';
    return new Response(nullBody ? null : await upstream.arrayBuffer(), {
      status: upstream.status,
      headers: answer,
    });
  };
}
