import { STATUS_CODES } from 'node:http';

/**
 * The closed catalog of error codes. Every error answer of the API carries one of these as
 * `code`; the catalog fixes its HTTP status and default `detail`.
 */
export const ERROR_CATALOG = {
  validation_error: { status: 400, detail: 'The request is not valid.' },
  invalid_json: { status: 400, detail: 'The request body is not valid JSON.' },
  invalid_cursor: {
    status: 400,
    detail: 'The cursor is not valid. Start again from the first page.',
  },
  not_authenticated: { status: 401, detail: 'Authentication credentials were not provided.' },
  invalid_token_header: { status: 401, detail: 'Invalid token header. Use the "Token" prefix.' },
  invalid_token: { status: 401, detail: 'Invalid token.' },
  scanning_signature_invalid: {
    status: 401,
    detail:
      'The Github-Public-Key-Signature is missing or does not verify against the key named by Github-Public-Key-Identifier.',
  },
  invalid_credentials: { status: 401, detail: 'Incorrect email or password.' },
  insufficient_credit: {
    status: 402,
    detail: 'The account has no call credit left. Add credit to place calls.',
  },
  csrf_failed: { status: 403, detail: 'CSRF token missing or incorrect.' },
  user_management_required: {
    status: 403,
    detail: 'This API key does not have user management access.',
  },
  business_access_denied: {
    status: 403,
    detail: 'This API key does not have access to this business.',
  },
  unrestricted_key_required: {
    status: 403,
    detail:
      'This API key is restricted to some businesses; creating a business needs an unrestricted key.',
  },
  escalation_denied: { status: 403, detail: 'An API key cannot create a key wider than its own.' },
  permission_denied: { status: 403, detail: 'This API key does not have this permission.' },
  ip_not_allowed: { status: 403, detail: 'This API key cannot be used from this IP address.' },
  invalid_signature: { status: 403, detail: 'The request signature is not valid.' },
  session_required: { status: 403, detail: 'This endpoint is only for dashboard sessions.' },
  api_key_required: { status: 403, detail: 'Client tokens are minted with an API key.' },
  client_token_not_allowed: {
    status: 403,
    detail:
      'A client token reaches only the agents, calls and conversations of its business; use an API key here.',
  },
  user_disabled: { status: 403, detail: 'This user account is disabled.' },
  business_disabled: { status: 403, detail: 'This business is disabled.' },
  not_found: { status: 404, detail: 'Not found.' },
  method_not_allowed: { status: 405, detail: 'Method not allowed.' },
  conflict: { status: 409, detail: 'The request conflicts with the current state.' },
  key_not_active: { status: 409, detail: 'This API key is revoked or expired.' },
  key_already_rolled: { status: 409, detail: 'This API key was already rolled.' },
  email_taken: { status: 409, detail: 'An account with this email already exists.' },
  request_timeout: { status: 408, detail: 'The request took too long to arrive.' },
  payload_too_large: { status: 413, detail: 'The request body is too large.' },
  unsupported_media_type: {
    status: 415,
    detail: 'Send the request body as JSON with Content-Type: application/json.',
  },
  unprocessable: { status: 422, detail: 'The request cannot be processed.' },
  idempotency_mismatch: {
    status: 422,
    detail: 'This Idempotency-Key was already used with a different request body.',
  },
  rate_limited: { status: 429, detail: 'Request was throttled.' },
  headers_too_large: { status: 431, detail: 'The request headers are too large.' },
  internal_error: { status: 500, detail: 'An unexpected error occurred.' },
  service_unavailable: { status: 503, detail: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; detail: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface FieldError {
  /** JSON pointer into the request part, e.g. `/businessScope/businessIds/0`. */
  path: string;
  message: string;
  /** Which part of the request: body, query, params or headers. */
  in?: string;
}

export interface ApiErrorOptions {
  errors?: FieldError[];
  headers?: Record<string, string | number>;
  cause?: unknown;
}

/** The one error type handlers throw; the global handler turns it into problem details. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly options: ApiErrorOptions;

  constructor(code: ErrorCode, detail?: string, options: ApiErrorOptions = {}) {
    const entry = ERROR_CATALOG[code];
    // An answer to a client needs no stack trace, and capturing one is most of what a 401 costs.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail ?? entry.detail, { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'ApiError';
    this.code = code;
    this.status = entry.status;
    this.detail = detail ?? entry.detail;
    this.options = options;
  }

  /** A 400 naming one field. */
  static invalidField(path: string, message: string): ApiError {
    const field = path.slice(1).replaceAll('/', '.');
    return new ApiError(
      'validation_error',
      field ? `Body "${field}" ${message}.` : `Body ${message}.`,
      {
        errors: [{ path, message, in: 'body' }],
      },
    );
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId?: string;
  errors?: FieldError[];
}

/** The `type` URI of a problem with this code: its anchor on the error catalogue page. */
export const errorTypeOf = (code: ErrorCode) => `/docs/errors#${code}`;

export function problemOf(error: ApiError, requestId?: string): Problem {
  const problem: Problem = {
    type: errorTypeOf(error.code),
    title: STATUS_CODES[error.status] ?? 'Error',
    status: error.status,
    detail: error.detail,
    code: error.code,
  };
  if (requestId) problem.requestId = requestId;
  if (error.options.errors) problem.errors = error.options.errors;
  return problem;
}
