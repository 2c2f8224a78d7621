import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal.js';

/** Where a request came from: its client address and (truncated) user agent. */
export interface RequestOrigin {
  ip: string;
  userAgent: string | null;
}

/**
 * Who causes an audit event, and from where. Services take it and hand it to `recordAudit`, so
 * every event carries its request's address and user agent. It is passed explicitly rather than
 * read from an AsyncLocalStorage: on Node 20 that turns on promise hooks for every promise in
 * the process, about 5 µs of CPU on each request.
 */
export interface AuditActor {
  /** As stored: `session`, a key's `key_…`, `cli`, `secret_scanning` or `system`. */
  id: string;
  /** Null for work no request caused: the operator's CLI, background loops. */
  ip: string | null;
  userAgent: string | null;
}

/** Enough to bound a hostile header: the column is free text, not an index. */
const USER_AGENT_MAX = 512;

export function originOf(request: Pick<FastifyRequest, 'ip' | 'headers'>): RequestOrigin {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua.slice(0, USER_AGENT_MAX) : null };
}

/** The stored actor id of a principal: its key, or `session` for the dashboard. */
function actorIdOf(principal: Pick<Principal, 'kind' | 'keyId'>): string {
  return principal.kind === 'key' ? (principal.keyId ?? 'key') : 'session';
}

/** The actor of an authenticated request: its principal, from the request's origin. */
export function actorOf(request: Pick<FastifyRequest, 'principal' | 'ip' | 'headers'>): AuditActor {
  return { id: actorIdOf(request.principal), ...originOf(request) };
}

/**
 * Work no request caused (the operator's CLI, background loops): no address, no user agent.
 * A partner's secret-scanning report is a request, so it keeps its origin (leaks/service.ts).
 */
export function systemActor(id: 'cli' | 'system'): AuditActor {
  return { id, ip: null, userAgent: null };
}
