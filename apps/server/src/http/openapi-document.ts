import type { RouteOptions } from 'fastify';
import type { Access } from './access.js';

/**
 * Finishing touches on the document @fastify/swagger generates from the route schemas, so that
 * generated clients get named types and method names, and readers see every header and status.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const VERBS: Record<string, string> = {
  GET: 'get',
  PATCH: 'update',
  PUT: 'replace',
  DELETE: 'delete',
  POST: 'create',
};

/** Routes outside /api/v1 whose names the path rule would not say well. */
const NAMED: Record<string, string> = {
  'GET /healthz': 'getHealth',
  'GET /readyz': 'getReadiness',
  'POST /auth/signup': 'signup',
  'POST /auth/login': 'login',
  'POST /auth/logout': 'logout',
  'GET /auth/session': 'getSession',
};

const singular = (word: string) =>
  word.endsWith('ies')
    ? `${word.slice(0, -3)}y`
    : word.endsWith('sses')
      ? word.slice(0, -2)
      : word.endsWith('s')
        ? word.slice(0, -1)
        : word;
const pascal = (word: string) =>
  word
    .split(/[-_]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/**
 * The operationId of a route, from its method and path: `GET /businesses/:id/agents` is
 * `listAgents`, `GET …/agents/:agentId` `getAgent`, `POST …/calls/:callId/cancel` `cancelCall`,
 * `GET …/webhooks/:webhookId/deliveries` `listWebhookDeliveries`. The business and user prefixes
 * are the scope, not part of the name. A route may declare its own `operationId` instead.
 */
export function operationIdOf(method: string, url: string, isPage: boolean): string {
  const named = NAMED[`${method} ${url}`];
  if (named) return named;
  const segments = url
    .replace(/^\/api\/v1/, '')
    .replace(/^\/businesses\/:businessId(?=\/)/, '')
    .replace(/^\/user(?=\/)/, '')
    .split('/')
    .filter(Boolean);
  const last = segments.at(-1) ?? '';
  const words = segments.filter((s) => !s.startsWith(':'));
  if (last.startsWith(':')) {
    const noun = words.map((w) => pascal(singular(w))).join('');
    return `${VERBS[method] ?? method.toLowerCase()}${noun}`;
  }
  const parentIsItem = segments.at(-2)?.startsWith(':') ?? false;
  const parents = words.slice(0, -1).map((w) => pascal(singular(w)));
  if (method === 'POST' && parentIsItem) return `${last}${parents.join('')}`;
  if (method === 'GET') return `${isPage ? 'list' : 'get'}${parents.join('')}${pascal(last)}`;
  const noun = method === 'POST' ? singular(last) : last;
  return `${VERBS[method] ?? method.toLowerCase()}${parents.join('')}${pascal(noun)}`;
}

function isPageSchema(schema: unknown): boolean {
  const props = isObject(schema) ? schema.properties : undefined;
  return isObject(props) && 'data' in props && 'nextCursor' in props;
}

/** Method names, and who may call: called from the onRoute hook for every documented route. */
export function describeRoute(access: Access, route: RouteOptions): void {
  const schema = route.schema as Json;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const method = String(methods[0]);
  const response = (schema.response ?? {}) as Json;
  schema.operationId ??= operationIdOf(method, route.url, isPageSchema(response['200']));
  if (access === 'public') {
    schema.security = [];
    return;
  }
  // Cookie sessions also send the CSRF token on every request that changes something.
  const session =
    method === 'GET' || method === 'HEAD' ? { Session: [] } : { Session: [], CsrfToken: [] };
  schema.security = access === 'session' ? [session] : [{ ApiKey: [] }, session];
}

const header = (description: string, schema: Json = { type: 'string' }) => ({
  description,
  schema,
});

export const RESPONSE_HEADERS = {
  XRequestId: header('The id of this request; quote it when asking for help.', {
    type: 'string',
    examples: ['req_9b2f0c6f1a4e4c0f8f5d2a7b3c1e9d04'],
  }),
  XRateLimitLimit: header('Requests allowed per minute for this credential.', {
    type: 'integer',
  }),
  XRateLimitRemaining: header('Requests left in the current window.', { type: 'integer' }),
  XRateLimitReset: header('Seconds until the window resets.', { type: 'integer' }),
  RetryAfter: header('Seconds to wait before trying again.', { type: 'integer' }),
  WWWAuthenticate: header('The scheme to authenticate with: `Token`.', {
    type: 'string',
    const: 'Token',
  }),
  IdempotentReplayed: header(
    '`true` when this answer replays the first request sent with the same `Idempotency-Key`.',
    { type: 'string', const: 'true' },
  ),
};

const ref = (name: keyof typeof RESPONSE_HEADERS) => ({ $ref: `#/components/headers/${name}` });
const RATE = {
  'X-RateLimit-Limit': ref('XRateLimitLimit'),
  'X-RateLimit-Remaining': ref('XRateLimitRemaining'),
  'X-RateLimit-Reset': ref('XRateLimitReset'),
};

const SUCCESS: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No content',
};

/** Headers and descriptions of every answer of one operation. */
function finishResponses(op: Json): void {
  const responses = (op.responses ?? {}) as Record<string, Json>;
  const authenticated = Array.isArray(op.security) && op.security.length > 0;
  const idempotent = ((op.parameters ?? []) as Json[]).some((p) => p.name === 'idempotency-key');
  for (const [status, response] of Object.entries(responses)) {
    if (response.description === 'Default Response') {
      const schema = (response.content as Json | undefined)?.['application/json'] as
        | Json
        | undefined;
      const title = titleOf(schema?.schema);
      response.description = title
        ? `${SUCCESS[status] ?? 'OK'}: ${isPageSchema(schema?.schema) ? `a page of ${title}` : `the ${title}`}.`
        : (SUCCESS[status] ?? 'OK');
    }
    const headers: Json = { 'X-Request-Id': ref('XRequestId'), ...(response.headers as Json) };
    if (authenticated && status !== '401' && status !== '403') Object.assign(headers, RATE);
    if (idempotent && status.startsWith('2')) {
      headers['Idempotent-Replayed'] = ref('IdempotentReplayed');
    }
    if (status === '429') headers['Retry-After'] = ref('RetryAfter');
    if (status === '401') headers['WWW-Authenticate'] = ref('WWWAuthenticate');
    response.headers = headers;
  }
}

function titleOf(schema: unknown): string | undefined {
  if (!isObject(schema)) return undefined;
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').at(-1);
  if (isPageSchema(schema)) {
    const data = (schema.properties as Json).data as Json;
    return titleOf(data.items);
  }
  return typeof schema.title === 'string' ? schema.title : undefined;
}

const stable = (value: unknown): string =>
  JSON.stringify(value, (_k, v) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/**
 * Every object schema with a `title` (the TypeBox schemas name themselves: Business, Call…)
 * moves to components.schemas and is referenced, so generated clients get a named type. Inner
 * schemas move first, so a Session refers to a User. A route may add its own description to a
 * named schema; that description belongs to its response, so it does not stop the sharing.
 */
function hoist(node: unknown, components: Json): unknown {
  if (Array.isArray(node)) return node.map((n) => hoist(n, components));
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === 'examples' || k === 'example' || k === 'const' ? v : hoist(v, components);
  }
  const title = out.title;
  if (typeof title !== 'string' || out.type !== 'object' || !/^[A-Z]\w*$/.test(title)) return out;
  const { description: _own, ...shape } = out;
  const existing = components[title] as Json | undefined;
  if (!existing) {
    components[title] = out;
  } else {
    const { description: _theirs, ...known } = existing;
    if (stable(known) !== stable(shape)) return out; // another shape under the same name
  }
  return { $ref: `#/components/schemas/${title}` };
}

export interface DocumentExtras {
  /** OpenAPI 3.1 `webhooks`: one entry per event type the server sends. */
  webhooks?: Json;
}

/** The last pass over the generated document (fastify-swagger's transformObject). */
export function finishDocument(document: Json, extras: DocumentExtras = {}): Json {
  document.components ??= {};
  const components = document.components as Json;
  components.schemas ??= {};
  const schemas = components.schemas as Json;
  components.headers = RESPONSE_HEADERS;
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      if (!isObject(op) || !op.responses) continue;
      finishResponses(op);
      op.responses = hoist(op.responses, schemas);
      if (op.requestBody) op.requestBody = hoist(op.requestBody, schemas);
    }
  }
  if (extras.webhooks) document.webhooks = hoist(extras.webhooks, schemas);
  return document;
}
