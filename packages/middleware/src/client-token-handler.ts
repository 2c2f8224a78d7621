import { type Authorize, normaliseBaseUrl, problem } from './problem.js';

/** What a client token may do (API.md §7): these resources only, `write` only for calls. */
export interface ClientTokenPermissions {
  agents?: 'none' | 'read';
  calls?: 'none' | 'read' | 'write';
  conversations?: 'none' | 'read';
}

export interface ClientTokenHandlerOptions {
  /** The secret key (`iqra_sk_…`) that mints the tokens. Never logged, never answered. */
  apiKey: string;
  /** The Iqra server, e.g. `https://iqra.example.com`. */
  baseUrl: string;
  /** Required. The business this signed-in visitor may act for, or `false` (403). */
  authorize: Authorize;
  /** What the token may do: fixed, or chosen per visitor. */
  permissions:
    | ClientTokenPermissions
    | ((
        request: Request,
        businessId: string,
      ) => ClientTokenPermissions | Promise<ClientTokenPermissions>);
  /** 60…3600 seconds (default: the server's, 600). */
  ttlSeconds?: number;
  fetch?: typeof fetch;
}

/**
 * A Fetch-API handler (POST) that mints a short-lived client token (`iqra_ct_…`) for the visitor
 * `authorize` approves, via `POST /api/v1/client-tokens`, and answers
 * `{ token, expiresAt, businessId, permissions }`. Mount it with the same adapters as the proxy.
 */
export function clientTokenHandler(
  options: ClientTokenHandlerOptions,
): (request: Request) => Promise<Response> {
  if (!options.apiKey) throw new TypeError('clientTokenHandler: apiKey is required.');
  if (typeof options.authorize !== 'function') {
    throw new TypeError('clientTokenHandler: authorize is required.');
  }
  const baseUrl = normaliseBaseUrl(options.baseUrl, 'clientTokenHandler');
  const send = options.fetch ?? globalThis.fetch;

  return async (request) => {
    if (request.method !== 'POST') {
      return problem(405, 'method_not_allowed', 'Ask for a client token with POST.');
    }
    const businessId = await options.authorize(request);
    if (businessId === false || typeof businessId !== 'string' || businessId === '') {
      return problem(403, 'not_authorized', 'You may not have a token for this business.');
    }
    const permissions =
      typeof options.permissions === 'function'
        ? await options.permissions(request, businessId)
        : options.permissions;
    let upstream: Response;
    try {
      upstream = await send(`${baseUrl}/api/v1/client-tokens`, {
        method: 'POST',
        headers: {
          authorization: `Token ${options.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'idempotency-key': crypto.randomUUID(),
        },
        body: JSON.stringify({
          businessId,
          permissions,
          ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
        }),
        redirect: 'manual',
      });
    } catch {
      return problem(502, 'upstream_unreachable', 'The Iqra API could not be reached.');
    }
    if (upstream.status !== 201) {
      // The key's own trouble (401, 403, 429) is the app's to fix, not the visitor's to read.
      await upstream.body?.cancel().catch(() => {});
      return problem(
        502,
        'token_not_issued',
        `Iqra refused to issue a token (${upstream.status}).`,
      );
    }
    const minted = (await upstream.json()) as Record<string, unknown>;
    return new Response(
      JSON.stringify({
        token: minted.token,
        expiresAt: minted.expiresAt,
        businessId: minted.businessId,
        permissions: minted.permissions,
      }),
      {
        status: 201,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      },
    );
  };
}
