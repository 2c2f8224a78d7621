import { IqraConnectionError, IqraError, parseRetryAfter } from './errors.js';

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query | undefined;
  body?: unknown;
  /** Sent as `Idempotency-Key`; a POST is retried only when it carries one. */
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface TransportOptions {
  baseUrl: string;
  /** `iqra_sk_…` or `iqra_ct_…`, sent as `Authorization: Token …`. */
  credential: string;
  fetch: typeof fetch;
  /** Retries after the first attempt (default 2). */
  maxRetries: number;
  /** First backoff step for 5xx and network errors, doubled each time (default 500 ms). */
  retryBaseDelayMs: number;
  /** A 429 asking to wait longer than this is not retried but thrown (default 60 s). */
  maxRetryAfterSeconds: number;
}

/** Methods that are safe to send twice; a POST becomes so with an `Idempotency-Key`. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/**
 * Sends requests with the credential and retries what is safe to retry: 429 (after
 * `Retry-After`), 5xx and network failures, at most `maxRetries` times, only for GET, PUT, DELETE
 * and POSTs with an `Idempotency-Key`. A 401 or any other 4xx is never retried.
 */
export class Transport {
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { fetch: send, maxRetries } = this.#options;
    const url = this.#url(path, options.query);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Token ${this.#options.credential}`,
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    const init: RequestInit = { method, headers };
    if (options.body !== undefined) init.body = JSON.stringify(options.body);
    if (options.signal) init.signal = options.signal;
    const retryable = IDEMPOTENT_METHODS.has(method) || options.idempotencyKey !== undefined;

    for (let attempt = 0; ; attempt++) {
      const mayRetry = retryable && attempt < maxRetries;
      let response: Response;
      try {
        response = await send(url, init);
      } catch (error) {
        if (options.signal?.aborted || !mayRetry) {
          throw options.signal?.aborted ? error : new IqraConnectionError(error);
        }
        await sleep(this.#backoff(attempt), options.signal);
        continue;
      }
      if (response.ok) return (await readBody(response)) as T;

      const status = response.status;
      if (mayRetry && (status === 429 || (status >= 500 && status !== 501))) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        const waitMs = retryAfter === null ? this.#backoff(attempt) : retryAfter * 1000;
        if (waitMs <= this.#options.maxRetryAfterSeconds * 1000) {
          await response.body?.cancel().catch(() => {});
          await sleep(waitMs, options.signal);
          continue;
        }
      }
      throw await IqraError.fromResponse(response);
    }
  }

  #url(path: string, query: Query | undefined): string {
    const url = new URL(this.#options.baseUrl + path);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  /** Exponential backoff with jitter: ~base, ~2×base, … */
  #backoff(attempt: number): number {
    const step = this.#options.retryBaseDelayMs * 2 ** attempt;
    return step / 2 + Math.random() * (step / 2);
  }
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  return text === '' ? undefined : JSON.parse(text);
}
