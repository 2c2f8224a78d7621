import { STATUS_CODES as HTTP_STATUS_TEXT } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type ErrorCode, type FieldError, problemOf } from './errors.js';

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/** Fastify's own 4xx errors, mapped onto the catalog. */
const FASTIFY_CODES: Record<string, { code: ErrorCode; detail?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'unsupported_media_type' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_json',
    detail: 'The request body is empty. Send a JSON object, or no Content-Type header.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'validation_error',
    detail: 'The Content-Length header does not match the body.',
  },
  // Never echo the path: it is the attacker's text, and Fastify's own answer repeated it.
  FST_ERR_BAD_URL: { code: 'validation_error', detail: 'The request URL is not valid.' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'validation_error', detail: 'A path segment is too long.' },
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'validation_error',
  401: 'not_authenticated',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

const PART_LABELS: Record<string, string> = {
  body: 'Body',
  querystring: 'Query parameter',
  params: 'Path parameter',
  headers: 'Header',
};
const PART_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/** One handler writes every error: problem details, the request id, never a stack. */
export function registerProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: apiError.code, status: apiError.status }, 'request refused');
    }
    return sendProblem(request, reply, apiError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new ApiError('not_found')),
  );
}

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (a malformed URL such as
 * `%ZZ`, an over-long path parameter) are answered like every other error.
 */
export function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const apiError = toApiError(error);
  request.log.info({ code: apiError.code, status: apiError.status }, 'request refused');
  // No onRequest hook ran for this request, so its id header is set here.
  reply.header('x-request-id', request.id);
  return sendProblem(request, reply, apiError);
}

/**
 * Fastify's `clientErrorHandler` option: Node's HTTP parser refused the request (headers over the
 * size limit, a NUL or other forbidden byte in a header, a malformed request line), so there is
 * no request object; write the problem onto the socket ourselves and close it.
 */
export function clientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const apiError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError('headers_too_large')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError('request_timeout')
        : new ApiError(
            'validation_error',
            'The request is not valid HTTP: a header has a forbidden character (such as NUL), or the request line is malformed.',
          );
  const body = JSON.stringify(problemOf(apiError));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${apiError.status} ${HTTP_STATUS_TEXT[apiError.status] ?? 'Error'}\r\n` +
        `Content-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: ApiError) {
  if (error.options.headers) reply.headers(error.options.headers);
  return reply
    .code(error.status)
    .type(PROBLEM_TYPE)
    .serializer(JSON.stringify)
    .send(problemOf(error, request.id));
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return validationError(error);
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) return new ApiError(known.code, known.detail);
  const status = error.statusCode ?? 500;
  if (status === 400 && /JSON|prototype|constructor/i.test(error.message)) {
    return new ApiError('invalid_json');
  }
  if (status >= 400 && status < 500) {
    return new ApiError(STATUS_CODES[status] ?? 'validation_error');
  }
  return new ApiError('internal_error', undefined, { cause: error });
}

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
  /** With ajv's `verbose`: the schema that failed, which may say in words what a pattern means. */
  parentSchema?: { 'x-pattern-message'?: string; 'x-message'?: string };
  /** Set on errors about an object's key (JSON Schema `propertyNames`). */
  propertyName?: string;
}

/** At most this many field errors are reported: enough for any form, bounded for any body. */
export const MAX_FIELD_ERRORS = 20;

function validationError(error: FastifyError): ApiError {
  const part = error.validationContext ?? 'body';
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of error.validation as AjvError[]) {
    const field = fieldError(e, part);
    // allErrors can report one field twice (a union's branches, a format and a length): keep
    // the first message per field.
    if (seen.has(field.path)) continue;
    seen.add(field.path);
    errors.push(field);
    if (errors.length === MAX_FIELD_ERRORS) break;
  }
  const first = errors[0];
  const label = PART_LABELS[part] ?? 'Request';
  const detail = first
    ? first.path === ''
      ? `${label} ${first.message}.`
      : `${label} "${first.path.slice(1).replaceAll('/', '.')}" ${first.message}.`
    : 'The request is not valid.';
  return new ApiError('validation_error', detail, { errors });
}

function fieldError(e: AjvError, part: string): FieldError {
  let path = e.instancePath;
  let message = e.message ?? 'is not valid';
  if (e.keyword === 'required') {
    path = `${path}/${String(e.params.missingProperty)}`;
    message = 'is required';
  } else if (e.keyword === 'additionalProperties') {
    path = `${path}/${String(e.params.additionalProperty)}`;
    message = 'is not a known field';
  } else if (e.keyword === 'discriminator') {
    path = `${path}/${String(e.params.tag)}`;
    message =
      e.params.error === 'mapping'
        ? `has an unknown value ${JSON.stringify(e.params.tagValue)}`
        : 'is required and must be a string';
  } else if (e.propertyName !== undefined) {
    path = `${path}/${e.propertyName}`;
    message = e.parentSchema?.['x-message'] ?? 'is not an allowed key';
  } else if (e.keyword === 'pattern' && e.parentSchema?.['x-pattern-message']) {
    message = e.parentSchema['x-pattern-message'];
  } else if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
    message = `must be one of: ${e.params.allowedValues.join(', ')}`;
  }
  return { path, message, in: PART_NAMES[part] ?? part };
}
