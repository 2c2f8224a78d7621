import { Agents, Businesses, Telephony } from './resources/businesses.js';
import { Calls, Conversations } from './resources/calls.js';
import { ApiKeys, AuditEvents, ClientTokens, UserResource } from './resources/user.js';
import { Webhooks } from './resources/webhooks.js';
import { Transport } from './transport.js';
import { verifyWebhook } from './webhook-verify.js';

export interface IqraOptions {
  /** A secret key, `iqra_sk_…`: servers only. Refused in a browser. */
  apiKey?: string;
  /** A short-lived client token, `iqra_ct_…`, for a browser. */
  clientToken?: string;
  /** The server, e.g. `https://iqra.example.com` (an `/api/v1` suffix is accepted too). */
  baseUrl?: string;
  /** Your own `fetch` (tests, proxies, instrumentation). Default: the global one. */
  fetch?: typeof fetch;
  /** Retries of a safe request after a 429, a 5xx or a network error (default 2). */
  maxRetries?: number;
  /** First backoff step for 5xx and network errors, doubled each time (default 500 ms). */
  retryBaseDelayMs?: number;
  /** A 429 asking to wait longer than this is thrown instead of retried (default 60 s). */
  maxRetryAfterSeconds?: number;
}

const runsInBrowser = (): boolean =>
  typeof window !== 'undefined' && typeof document !== 'undefined';

/**
 * The Iqra API client.
 *
 * ```ts
 * const iqra = new Iqra({ apiKey: process.env.IQRA_API_KEY, baseUrl: 'http://localhost:3000' });
 * for await (const c of iqra.conversations.list(businessId, { status: 'completed' })) console.log(c.id);
 * ```
 */
export class Iqra {
  /** Webhook helpers that need no client: `await Iqra.webhooks.verify(rawBody, headers, secret)`. */
  static readonly webhooks = { verify: verifyWebhook };

  readonly businesses: Businesses;
  readonly agents: Agents;
  readonly calls: Calls;
  readonly conversations: Conversations;
  readonly webhooks: Webhooks;
  readonly telephony: Telephony;
  readonly user: UserResource;
  readonly apiKeys: ApiKeys;
  readonly auditEvents: AuditEvents;
  readonly clientTokens: ClientTokens;

  constructor(options: IqraOptions) {
    const credential = options.apiKey ?? options.clientToken;
    if (!credential) throw new TypeError('Iqra: pass an apiKey or a clientToken.');
    if (options.apiKey && options.clientToken) {
      throw new TypeError('Iqra: pass an apiKey or a clientToken, not both.');
    }
    if (credential.startsWith('iqra_sk_') && runsInBrowser()) {
      throw new Error(
        'Iqra: a secret key (iqra_sk_…) must never reach a browser. Use a client token ' +
          '(iqra.clientTokens.create on your server) or @iqra/middleware.',
      );
    }
    const send = options.fetch ?? globalThis.fetch;
    if (typeof send !== 'function') throw new TypeError('Iqra: no fetch; pass options.fetch.');
    const http = new Transport({
      baseUrl: (options.baseUrl ?? 'http://localhost:3000')
        .replace(/\/+$/, '')
        .replace(/\/api\/v1$/, ''),
      credential,
      // Bound, so a bare `window.fetch` is not called with another `this`.
      fetch: (input, init) => send(input, init),
      maxRetries: options.maxRetries ?? 2,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? 60,
    });
    this.businesses = new Businesses(http);
    this.agents = new Agents(http);
    this.calls = new Calls(http);
    this.conversations = new Conversations(http);
    this.webhooks = new Webhooks(http);
    this.telephony = new Telephony(http);
    this.user = new UserResource(http);
    this.apiKeys = new ApiKeys(http);
    this.auditEvents = new AuditEvents(http);
    this.clientTokens = new ClientTokens(http);
  }
}
