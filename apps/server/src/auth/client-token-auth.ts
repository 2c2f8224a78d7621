import type { FastifyRequest } from 'fastify';
import {
  type Access,
  type PermissionLevel,
  type Permissions,
  RESOURCES,
  type Resource,
} from '../http/access.js';
import { ApiError } from '../http/errors.js';
import { CLIENT_TOKEN_RESOURCES, type ClientTokenCodec } from './client-token.js';
import type { KeyVerifier } from './key-verifier.js';
import type { LastUsedRecorder } from './last-used.js';
import { canReachBusiness, type Principal } from './principal.js';
import type { MaybePromise, RateLimitResult, RequestBudgets, Throttle } from './rate-limit.js';

export interface ClientTokenAuthDeps {
  codec: ClientTokenCodec;
  keys: Pick<KeyVerifier, 'verifyId'>;
  /** Failed client-token authentications per client IP: a budget of their own (API.md §7). */
  failures: Throttle;
  lastUsed: Pick<LastUsedRecorder, 'touch'>;
  defaultRateLimit: number;
  now?: () => number;
}

const RANK: Record<PermissionLevel, number> = { none: 0, read: 1, write: 2 };

/**
 * `Token iqra_ct_…` → a principal acting as the token's parent key, narrowed to the token's one
 * business and permissions. The signature is checked first (no I/O); the parent key comes from
 * the key verifier's cache (one indexed read when cold, none when warm, never a write). Every
 * refusal answers the same 401, so a token's holder learns nothing about its key.
 */
export async function authenticateClientToken(
  request: FastifyRequest,
  token: string,
  deps: ClientTokenAuthDeps,
  refuse: (result: RateLimitResult) => ApiError,
  challenge: () => ApiError,
): Promise<Principal> {
  const fail = async (): Promise<never> => {
    const failures = await deps.failures.consume(request.ip);
    if (!failures.allowed) throw refuse(failures);
    throw challenge();
  };
  const now = deps.now?.() ?? Date.now();
  const claims = deps.codec.read(token);
  if (!claims || claims.expiresAt <= now) return fail();

  const check = await deps.keys.verifyId(claims.keyId, async () => {
    const spent = await deps.failures.isExhausted(request.ip);
    if (spent) throw refuse(spent);
  });
  if (!check.ok) {
    if ('keyId' in check) request.deadKeyId = check.keyId;
    return fail();
  }
  const key = check.key;
  if (key.clientTokensNotBefore !== null && claims.issuedAt < key.clientTokensNotBefore) {
    return fail();
  }
  if (key.userDisabled) throw new ApiError('user_disabled');
  deps.lastUsed.touch(key.id);

  // Never more than the key holds now, on a resource a token may name at all.
  const permissions = {} as Permissions;
  for (const resource of RESOURCES) {
    const given = (CLIENT_TOKEN_RESOURCES as readonly string[]).includes(resource)
      ? (claims.permissions[resource as keyof typeof claims.permissions] ?? 'none')
      : 'none';
    const held = key.permissions[resource];
    permissions[resource] = RANK[given] <= RANK[held] ? given : held;
  }
  return {
    kind: 'key',
    userId: key.userId,
    keyId: key.id,
    // A business that left the key's scope since the token was minted is out of reach.
    businessScope: {
      type: 'restricted',
      businessIds: canReachBusiness(key, claims.businessId) ? [claims.businessId] : [],
    },
    userManagement: false,
    rateLimit: key.rateLimit ?? deps.defaultRateLimit,
    permissions,
    keyExpiresAt: key.expiresAt,
    clientToken: { businessId: claims.businessId, budget: `ct:${claims.nonce}` },
  };
}

/** Business routes on the resources a token may name: agents, calls, conversations. */
export function clientTokenMayReach(route: {
  access: Access;
  resources: readonly Resource[];
}): boolean {
  if (route.access !== 'business' && route.access !== 'businessIncludingDisabled') return false;
  return route.resources.every((r) => (CLIENT_TOKEN_RESOURCES as readonly string[]).includes(r));
}

export function hasClientToken(request: FastifyRequest): boolean {
  return request.headers.authorization?.includes(' iqra_ct_') === true;
}

/**
 * A client token spends its own budget and its key's (API.md §7), so minting tokens never
 * multiplies a key's limit; the answer reports whichever is tighter.
 */
export function spendBudgets(
  principal: Principal,
  budgets: Pick<RequestBudgets, 'consume'>,
): MaybePromise<RateLimitResult> {
  const bucket = principal.keyId ?? `user:${principal.userId}`;
  if (!principal.clientToken) return budgets.consume(bucket, principal.rateLimit);
  return spendBoth(principal.clientToken.budget, bucket, principal.rateLimit, budgets);
}

async function spendBoth(
  tokenBucket: string,
  bucket: string,
  perMinute: number,
  budgets: Pick<RequestBudgets, 'consume'>,
): Promise<RateLimitResult> {
  const own = await budgets.consume(tokenBucket, perMinute);
  if (!own.allowed) return own;
  const key = await budgets.consume(bucket, perMinute);
  return !key.allowed || key.remaining < own.remaining ? key : own;
}
