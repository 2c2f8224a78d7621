import type { FieldError } from '@iqra/sdk';

/** An error answer of the API (RFC 9457 problem details), or a network failure (status 0). */
export class ApiProblem extends Error {
  override name = 'ApiProblem';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** Seconds, from `Retry-After` on a 429. */
    readonly retryAfter?: number,
  ) {
    super(detail);
  }

  /**
   * Field errors as sentences, keyed by `fieldOf(path)` (default: the path's first segment,
   * `/businessScope/…` → `businessScope`); the first error of a field wins.
   */
  fieldErrors<K extends string = string>(
    fieldOf: (path: string) => K | undefined = (path) => (path.split('/')[1] || undefined) as K,
  ): Partial<Record<K, string>> {
    const out: Partial<Record<K, string>> = {};
    for (const error of this.errors) {
      const field = fieldOf(error.path);
      if (field && !(field in out)) out[field] = sentence(error.message);
    }
    return out;
  }
}

const PHRASES: [RegExp, string][] = [
  [/^must NOT have fewer than 1 characters?$/, 'is required'],
  [/^must NOT have fewer than (\d+) characters$/, 'must be at least $1 characters'],
  [/^must NOT have more than (\d+) characters$/, 'must be at most $1 characters'],
  [/^must match format "email"$/, 'must be a valid email address'],
  [/^must match format "(uri|url)"$/, 'must be a valid URL'],
  [/^must match pattern .*$/, 'is not in the expected format'],
];

/** The validator's phrasing, made into a sentence for a person. */
function sentence(text: string): string {
  let out = text.trim();
  for (const [pattern, replacement] of PHRASES) out = out.replace(pattern, replacement);
  if (out === '') return out;
  out = out.charAt(0).toUpperCase() + out.slice(1);
  return /[.!?)]$/.test(out) ? out : `${out}.`;
}

/** Turns anything thrown by a request into a message a person can act on. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiProblem) {
    if (error.status === 429) {
      const wait = error.retryAfter ? ` Try again in ${error.retryAfter} seconds.` : '';
      return `Too many requests.${wait}`;
    }
    return error.detail;
  }
  return 'Something went wrong. Please try again.';
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface ClientState {
  csrfToken: string | null;
  onUnauthorized: (() => void) | null;
}

const state: ClientState = { csrfToken: null, onUnauthorized: null };

/** The CSRF token of the current session; sent on every non-GET request. */
export function setCsrfToken(token: string | null): void {
  state.csrfToken = token;
}

/** Called when an authenticated request answers 401: the session has ended. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  state.onUnauthorized = handler;
}

export interface RequestOptions {
  body?: unknown;
  /** Auth routes answer 401 for a wrong password; that is not a lost session. */
  expectUnauthorized?: boolean;
  signal?: AbortSignal;
  /** Extra request headers (`Idempotency-Key`). */
  headers?: Record<string, string>;
}

/**
 * One JSON request to this origin with the session cookie. Resolves to the parsed body
 * (undefined for 204); rejects with an `ApiProblem`.
 */
export async function request<T>(
  method: Method,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && state.csrfToken) headers['x-csrf-token'] = state.csrfToken;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiProblem(
      0,
      'network_error',
      'Cannot reach the server. Check your connection and try again.',
    );
  }

  if (response.ok) {
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  const problem = await problemOf(response);
  if (problem.status === 401 && !options.expectUnauthorized) state.onUnauthorized?.();
  throw problem;
}

async function problemOf(response: Response): Promise<ApiProblem> {
  const retry = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  let body: Partial<{ code: string; detail: string; errors: FieldError[] }> = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not JSON (a proxy's error page): fall back to the status line.
  }
  return new ApiProblem(
    response.status,
    body.code ?? `http_${response.status}`,
    body.detail ?? `The server answered ${response.status} ${response.statusText}.`.trim(),
    Array.isArray(body.errors) ? body.errors : [],
    retryAfter,
  );
}
