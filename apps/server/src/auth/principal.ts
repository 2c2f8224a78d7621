import type { BusinessRow } from '../businesses/repo.js';

export type BusinessScope =
  | { type: 'unrestricted' }
  | { type: 'restricted'; businessIds: string[] };

/** Every authenticated request becomes this one shape before any handler runs. */
export interface Principal {
  kind: 'key' | 'session';
  userId: string;
  /** Set for keys: the key's id (audit, rate-limit bucket). */
  keyId?: string;
  /** Set for sessions: the session id (a hash; the token itself is only in the cookie). */
  sessionId?: string;
  businessScope: BusinessScope;
  userManagement: boolean;
  /** Requests per minute. */
  rateLimit: number;
}

/**
 * What a route needs, declared in its options (`config: { access }`):
 * - `public`: nothing; no credential is read.
 * - `session`: a dashboard session (not an API key).
 * - `account`: any valid credential.
 * - `unrestricted`: a credential whose business scope is unrestricted.
 * - `user`: a credential with user management (sessions always have it).
 * - `business`: the `:businessId` of the path is the caller's, in scope and not disabled.
 * - `business:manage`: like `business`, but a session may still reach a disabled business so its
 *   owner can re-enable or delete it.
 */
export type Access =
  | 'public'
  | 'session'
  | 'account'
  | 'unrestricted'
  | 'user'
  | 'business'
  | 'business:manage';

export const ACCESS_LEVELS: readonly Access[] = [
  'public',
  'session',
  'account',
  'unrestricted',
  'user',
  'business',
  'business:manage',
];

/** The actor recorded in audit events. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'key' ? (principal.keyId ?? 'key') : 'session';
}

export function canReachBusiness(principal: Principal, businessId: string): boolean {
  return (
    principal.businessScope.type === 'unrestricted' ||
    principal.businessScope.businessIds.includes(businessId)
  );
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** Set by the auth hook on every non-public route; handlers may rely on it. */
    principal: Principal;
    /** Set by the auth hook on `business` routes: the path's business, already checked. */
    business: BusinessRow;
  }
}
