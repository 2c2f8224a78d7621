import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { recordRawTarget } from './raw-target.js';

export type FetchHandler = (request: Request) => Promise<Response>;

const BODYLESS = new Set(['GET', 'HEAD']);

/** A Fetch `Request` from a Node request; `target` is the path (and query) the handler sees. */
export function toRequest(
  req: IncomingMessage,
  target: string,
  parsedBody?: unknown,
  signal?: AbortSignal,
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  let body: BodyInit | undefined;
  if (!BODYLESS.has(method)) {
    if (parsedBody !== undefined) {
      // A body parser ran first (express.json(), Fastify's): send what it parsed.
      body =
        typeof parsedBody === 'string'
          ? parsedBody
          : parsedBody instanceof Uint8Array
            ? new Uint8Array(parsedBody)
            : JSON.stringify(parsedBody);
      headers.delete('content-length');
    } else if (!req.readableEnded) {
      body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    }
  }
  // Concatenated, never resolved against a base: a target of `//host/x` stays a path.
  const request = new Request(`http://localhost${target.startsWith('/') ? '' : '/'}${target}`, {
    method,
    headers,
    body,
    signal,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  recordRawTarget(request, target);
  return request;
}

/** Writes a Fetch `Response` to a Node response. */
export async function sendResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** For Node's `http.createServer(toNodeHandler(iqraProxy({ … })))`. */
export function toNodeHandler(
  handler: FetchHandler,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    try {
      await sendResponse(
        await handler(toRequest(req, req.url ?? '/', undefined, abort.signal)),
        res,
      );
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/problem+json' });
      res.end();
    }
  };
}

/** What the Express adapter reads of a request (Express's own `Request` fits). */
export interface ExpressRequestLike extends IncomingMessage {
  /** The path below the mount point (Express strips `app.use('/iqra', …)`'s prefix). */
  url: string;
  /** Set when a body parser ran first. */
  body?: unknown;
}

/**
 * Express middleware: `app.use('/iqra', toExpress(iqraProxy({ … })))`. It answers every request
 * that reaches it (403 for what the proxy refuses) and calls `next(error)` only on a failure.
 */
export function toExpress(
  handler: FetchHandler,
): (req: ExpressRequestLike, res: ServerResponse, next: (error?: unknown) => void) => void {
  return (req, res, next) => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    // express.json() leaves `{}` on bodyless requests; only a consumed stream means it parsed one.
    const parsed = req.readableEnded ? req.body : undefined;
    handler(toRequest(req, req.url, parsed, abort.signal))
      .then((response) => sendResponse(response, res))
      .catch(next);
  };
}

/** The part of a Fastify request the adapter reads. */
interface FastifyRequestLike {
  raw: IncomingMessage;
  body?: unknown;
}
/** The part of a Fastify reply the adapter writes. */
interface FastifyReplyLike {
  hijack(): void;
  raw: ServerResponse;
}
/** The part of a Fastify instance the plugin uses (Fastify's own instance fits). */
export interface FastifyInstanceLike {
  prefix: string;
  all(
    path: string,
    handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<void>,
  ): unknown;
}

/**
 * A Fastify plugin: `app.register(toFastify(iqraProxy({ … })), { prefix: '/iqra' })`. Bodies are
 * read by the app's own parsers (JSON, like the Iqra API itself) and passed on re-serialised.
 */
export function toFastify(handler: FetchHandler): (instance: FastifyInstanceLike) => Promise<void> {
  return async (instance) => {
    const prefix = instance.prefix;
    const serve = async (request: FastifyRequestLike, reply: FastifyReplyLike) => {
      reply.hijack();
      const url = request.raw.url ?? '/';
      const target = prefix && url.startsWith(prefix) ? url.slice(prefix.length) || '/' : url;
      const abort = new AbortController();
      reply.raw.on('close', () => abort.abort());
      const body = request.body ?? undefined;
      try {
        await sendResponse(
          await handler(toRequest(request.raw, target, body, abort.signal)),
          reply.raw,
        );
      } catch {
        if (!reply.raw.headersSent) reply.raw.writeHead(500);
        reply.raw.end();
      }
    };
    instance.all('/', serve);
    instance.all('/*', serve);
  };
}
