import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';

/** Where the request that causes an audit event came from. */
export interface AuditOrigin {
  ip: string;
  userAgent: string | null;
}

const origin = new AsyncLocalStorage<AuditOrigin>();

/**
 * Carries each request's address and user agent to `recordAudit`, so every service records them
 * without threading them through each signature. A callback hook: `done` runs the rest of the
 * request inside the store (an async hook's `enterWith` would not reach the handler reliably).
 */
export function registerAuditOrigin(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const ua = request.headers['user-agent'];
    origin.run(
      { ip: request.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null },
      done,
    );
  });
}

/** Undefined outside a request (the CLI, background work). */
export function currentOrigin(): AuditOrigin | undefined {
  return origin.getStore();
}
