/** One failing field of a 400 answer. */
export interface FieldError {
  /** JSON pointer into the request part, e.g. `/to`. */
  path: string;
  message: string;
  /** `body`, `query`, `params` or `headers`. */
  in?: string;
}

interface ProblemFields {
  status: number;
  code: string;
  detail: string;
  title: string;
  type: string;
  requestId: string | null;
  errors: FieldError[];
  retryAfter: number | null;
}

/**
 * Every failed request rejects with an `IqraError`: the server's RFC 9457 problem details
 * (`status`, `code`, `detail`, `errors` for a 400) plus the `X-Request-Id` to quote in a report.
 */
export class IqraError extends Error implements ProblemFields {
  readonly status: number;
  /** Stable, machine-readable (`invalid_token`, `permission_denied`, `rate_limited`, …). */
  readonly code: string;
  readonly detail: string;
  readonly title: string;
  readonly type: string;
  readonly requestId: string | null;
  /** Each failing field of a validation error; empty otherwise. */
  readonly errors: FieldError[];
  /** Seconds from `Retry-After`, when the answer had one. */
  readonly retryAfter: number | null;

  constructor(fields: ProblemFields, options?: { cause?: unknown }) {
    super(`${fields.status} ${fields.code}: ${fields.detail}`, options);
    this.name = 'IqraError';
    this.status = fields.status;
    this.code = fields.code;
    this.detail = fields.detail;
    this.title = fields.title;
    this.type = fields.type;
    this.requestId = fields.requestId;
    this.errors = fields.errors;
    this.retryAfter = fields.retryAfter;
  }

  /** Reads a failed answer (problem details, or anything else a proxy may send). */
  static async fromResponse(response: Response): Promise<IqraError> {
    const text = await response.text().catch(() => '');
    let problem: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') problem = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: a proxy's or load balancer's page. Keep the status.
    }
    const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
    return new IqraError({
      status: response.status,
      code: str(problem.code, 'http_error'),
      detail: str(problem.detail, response.statusText || `HTTP ${response.status}`),
      title: str(problem.title, response.statusText),
      type: str(problem.type, 'about:blank'),
      requestId:
        response.headers.get('x-request-id') ??
        (typeof problem.requestId === 'string' ? problem.requestId : null),
      errors: Array.isArray(problem.errors) ? (problem.errors as FieldError[]) : [],
      retryAfter: parseRetryAfter(response.headers.get('retry-after')),
    });
  }
}

/** The request never got an answer (connection refused or dropped, DNS, timeout). */
export class IqraConnectionError extends IqraError {
  constructor(cause: unknown) {
    super(
      {
        status: 0,
        code: 'connection_error',
        detail: cause instanceof Error ? cause.message : 'The request failed without an answer.',
        title: 'Connection error',
        type: 'about:blank',
        requestId: null,
        errors: [],
        retryAfter: null,
      },
      { cause },
    );
    this.name = 'IqraConnectionError';
  }
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - now) / 1000);
}
