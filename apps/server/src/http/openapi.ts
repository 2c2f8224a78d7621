import { createHash } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { Access } from './access.js';
import { registerErrorsPage } from './errors-page.js';
import { type DocumentExtras, describeRoute, finishDocument } from './openapi-document.js';
import { ProblemSchema } from './schemas.js';

const API_DESCRIPTION = `
The Iqra REST API: businesses, voice agents, outbound calls and conversation history.

**Authentication.** Send an API key in the \`Authorization\` header with the \`Token\` prefix:
\`Authorization: Token iqra_sk_…\`. Create keys in the dashboard's API Keys tab; a key is shown
once. Each key has a business scope (all businesses, or a list) and may have user management
(access to \`/api/v1/user\`). Paste \`Token iqra_sk_…\` into the authentication field below to send
requests from this page.

**Errors** are RFC 9457 problem details with a stable \`code\`. **Lists** are cursor-paginated
(\`limit\`, \`cursor\`, answer \`{ data, nextCursor }\`), newest first. **Rate limits**: every
authenticated answer carries \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\` and
\`X-RateLimit-Reset\`; past the budget the answer is 429 with \`Retry-After\`.
`.trim();

const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#4f46e5"/><path d="M11 9h10M16 9v14M11 23h10" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>',
)}`;

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
});

/** Documents an error answer particular to a route (402, 409, 422…) in its response schema. */
export const problemResponse = problem;

/** The error answers a route can give, from what it declares it needs. */
function errorResponses(access: Access, route: RouteOptions): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  const hasInput = Boolean(route.schema?.body || route.schema?.querystring || route.schema?.params);
  if (hasInput) responses['400'] = problem('The request is not valid; `errors` names each field.');
  if (route.schema?.body) responses['415'] = problem('The body is not `application/json`.');
  if (access === 'public') return responses;
  responses['401'] = problem('No credential, or an invalid, revoked or expired key.');
  responses['403'] = problem('The credential lacks a scope this route needs, or is disabled.');
  if (access === 'business' || access === 'businessIncludingDisabled' || route.url.includes('/:')) {
    responses['404'] = problem('Not found, or not yours.');
  }
  responses['429'] = problem('Rate limited; see `Retry-After`.');
  return responses;
}

export interface OpenApiOptions extends DocumentExtras {
  /** Where this server is reached: the document's `servers`, so snippets carry a host. */
  publicUrl: string;
}

/** OpenAPI 3.1 generated from the route schemas, and the interactive reference at `/docs`. */
export async function registerOpenApi(
  app: FastifyInstance,
  options: OpenApiOptions,
): Promise<void> {
  app.addSchema(ProblemSchema);

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access || !route.schema || route.schema.hide) return;
    const responses = (route.schema.response ?? {}) as Record<string, unknown>;
    route.schema.response = { ...errorResponses(access, route), ...responses };
    describeRoute(access, route);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Iqra API',
        version: '1.0.0',
        description: API_DESCRIPTION,
      },
      servers: [{ url: options.publicUrl, description: 'This server' }],
      tags: [
        { name: 'Businesses', description: 'Workspaces that own agents, calls and conversations.' },
        { name: 'Agents', description: 'Voice agents: what they say and how they behave.' },
        {
          name: 'Calls',
          description:
            'Outbound calls. Accepted calls are stored, then placed by a dispatcher; send an `Idempotency-Key` to retry safely.',
        },
        { name: 'Conversations', description: 'One per call, with its transcript.' },
        {
          name: 'Telephony',
          description: 'The carrier of a business: the built-in simulator, or your Twilio account.',
        },
        {
          name: 'Webhooks',
          description:
            'Events POSTed to your endpoints, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and retried with backoff.',
        },
        {
          name: 'Billing',
          description: 'Call credit and usage. Needs a key with user management.',
        },
        { name: 'User', description: 'Needs a key with user management.' },
        { name: 'API keys', description: 'Needs a key with user management.' },
        { name: 'Dashboard session', description: 'Cookie sessions for the web dashboard.' },
        { name: 'Service', description: 'Health and readiness; no credential.' },
      ],
      components: {
        securitySchemes: {
          ApiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: 'The word `Token`, a space, then the key: `Token iqra_sk_…`.',
          },
          Session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'iqra_session',
            description: 'Dashboard session; non-GET requests also need `X-CSRF-Token`.',
          },
          CsrfToken: {
            type: 'apiKey',
            in: 'header',
            name: 'X-CSRF-Token',
            description:
              'The `csrfToken` of the session answer; with `Session`, on non-GET requests.',
          },
        },
      },
    },
    transformObject: (documentObject) =>
      finishDocument(
        ('openapiObject' in documentObject ? documentObject.openapiObject : {}) as Record<
          string,
          unknown
        >,
        { webhooks: options.webhooks },
      ) as never,
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });

  app.get(
    '/api/v1/openapi.json',
    { config: { access: 'public' }, schema: { hide: true } },
    async () => app.swagger(),
  );

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url === '/docs' || request.url.startsWith('/docs/')) {
      reply.headers(docsHeaders(typeof payload === 'string' ? payload : ''));
    }
    return payload;
  });

  registerErrorsPage(app);

  registerReference(app);
}

/** What the reference page is told: where the document is, and what it may not do. */
const REFERENCE_CONFIGURATION = {
  url: '/api/v1/openapi.json',
  pageTitle: 'Iqra API reference',
  favicon: FAVICON,
  // Requests go straight from the page to this server: no third-party proxy, fonts or
  // telemetry, so the reference works offline and keys never leave the browser.
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  mcp: { disabled: true },
  persistAuth: false,
  authentication: {
    preferredSecurityScheme: 'ApiKey',
    securitySchemes: { ApiKey: { value: 'Token ' } },
  },
};

/** The routes Scalar's plugin registers under `routePrefix` when given a document `url`. */
const REFERENCE_PATHS = ['/docs', '/docs/', '/docs/js/scalar.js'];

/** Headers of the relayed answer that belong to its own transport, not to what it says. */
const TRANSPORT_HEADERS = new Set(['content-length', 'date', 'connection', 'keep-alive']);

/**
 * The interactive reference at `/docs`. Scalar's plugin inlines its browser bundle as one string
 * of several megabytes, which costs about 20 MB of memory from the moment it is imported, and
 * few servers ever serve the page. So it is imported on the first request of `/docs`, into a
 * Fastify instance of its own (a listening server cannot add routes), and that instance's
 * answers are relayed. The routes themselves are registered here at boot, so the route table,
 * the guard and the /docs headers (onSend) see them exactly as before.
 */
function registerReference(app: FastifyInstance): void {
  let reference: Promise<FastifyInstance> | undefined;
  const load = async () => {
    const { default: scalarReference } = await import('@scalar/fastify-api-reference');
    const inner = Fastify({ logger: false });
    await inner.register(scalarReference, {
      routePrefix: '/docs',
      configuration: REFERENCE_CONFIGURATION as Record<string, unknown>,
    });
    await inner.ready();
    return inner;
  };
  app.addHook('onClose', async () => {
    await (await reference?.catch(() => undefined))?.close();
  });

  for (const path of REFERENCE_PATHS) {
    app.get(
      path,
      { config: { access: 'public' }, schema: { hide: true }, logLevel: 'warn' },
      async (request, reply) => {
        reference ??= load().catch((error: unknown) => {
          reference = undefined; // the next request tries again
          throw error;
        });
        const answer = await (await reference).inject({ method: 'GET', url: request.url });
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !TRANSPORT_HEADERS.has(name)) reply.header(name, value);
        }
        reply.code(answer.statusCode);
        // A string, as Scalar sends it (the onSend hook hashes the page's inline script), and
        // nothing at all for a redirect, so that it gets no content type either.
        return answer.rawPayload.length === 0 ? reply.send() : reply.send(answer.body);
      },
    );
  }
}

const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/**
 * `/docs` is where people paste keys: it may not be framed (clickjacking), may run only its own
 * bundled script plus the inline start-up script it was served with (pinned by hash, so an
 * injected script does not run), talks only to this server, and sends no referrer. Scalar sets
 * styles at run time, hence 'unsafe-inline' for styles only.
 */
export function docsHeaders(html: string): Record<string, string> {
  const hashes = Array.from(
    html.matchAll(INLINE_SCRIPT),
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}'`,
  );
  const csp = [
    "default-src 'none'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}
