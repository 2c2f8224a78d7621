import type { BusinessRow } from '../db/schema.js';
import type { Permissions } from '../http/access.js';

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
  /** Per resource; a session has write everywhere. */
  permissions: Permissions;
  /** Set for keys: when the key stops working (epoch ms), null for never. */
  keyExpiresAt?: number | null;
  /**
   * Set when a client token (API.md §7) stands in for its key: `kind` is `key`, `keyId` the
   * parent, the scope its one business, and `budget` its own rate-limit bucket.
   */
  clientToken?: { businessId: string; budget: string };
}

export function canReachBusiness(
  principal: Pick<Principal, 'businessScope'>,
  businessId: string,
): boolean {
  return (
    principal.businessScope.type === 'unrestricted' ||
    principal.businessScope.businessIds.includes(businessId)
  );
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every non-public route; handlers may rely on it. */
    principal: Principal;
    /** Set by the auth hook on `business` routes: the path's business, already checked. */
    business: BusinessRow;
  }
}
