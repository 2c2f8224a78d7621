import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ACCESS_LEVELS,
  type Access,
  FULL_PERMISSIONS,
  RESOURCES,
  type Resource,
} from '../http/access.js';
import { ApiError, type ErrorCode } from '../http/errors.js';
import type { BusinessDirectory } from './business-directory.js';
import type { KeyUsageCounter } from './key-usage.js';
import type { KeyVerifier } from './key-verifier.js';
import type { LastUsedRecorder } from './last-used.js';
import { allows } from './permissions.js';
import { canReachBusiness, type Principal } from './principal.js';
import {
  type RateLimitResult,
  type RequestBudgets,
  rateLimitHeaders,
  type Throttle,
} from './rate-limit.js';
import { SESSION_COOKIE, type SessionTokens } from './session-tokens.js';
import type { SessionLookup } from './sessions-repo.js';

export interface GuardDeps {
  keys: KeyVerifier;
  businesses: Pick<BusinessDirectory, 'get'>;
  findSession: (sessionId: string) => Promise<SessionLookup | undefined>;
  sessionTokens: SessionTokens;
  budgets: RequestBudgets;
  /** Failed authentications per client IP. */
  authFailures: Throttle;
  lastUsed: Pick<LastUsedRecorder, 'touch'>;
  /** Per-key request counts, kept in memory and flushed in batches. */
  usage: Pick<KeyUsageCounter, 'count'>;
  defaultRateLimit: number;
}

const API_PREFIX = '/api/v1';

/** One row of the route table: what each route declared it needs. */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
  /** What a `business` route touches; GET needs read on each, other methods write. */
  resources: readonly Resource[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** A key that was recognised but refused (revoked, expired, outside its allowlist). */
    deadKeyId?: string;
  }
  interface FastifyInstance {
    /** Every route with its declared access, as registered (the permission suite walks it). */
    accessTable: readonly RouteAccess[];
  }
}
const ACCOUNT_WIDE_DETAIL =
  'This API key is restricted to some businesses; account-wide data needs a session or an unrestricted key.';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Two-stage auth. `onRoute` makes every `/api/v1` route declare its access (the server refuses to
 * start otherwise); `onRequest` turns the credential into a principal, spends its rate budget and
 * checks the declared access, all before the body is even parsed.
 */
export function registerGuard(app: FastifyInstance, deps: GuardDeps): void {
  const table: RouteAccess[] = [];
  app.decorate('accessTable', table);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access !== undefined && !ACCESS_LEVELS.includes(access)) {
      throw new Error(`Route ${route.method} ${route.url} declares an unknown access "${access}".`);
    }
    if (access === undefined && route.url.startsWith(API_PREFIX)) {
      throw new Error(
        `Route ${route.method} ${route.url} declares no access. Add config: { access: … } (one of ${ACCESS_LEVELS.join(', ')}).`,
      );
    }
    const resources = [route.config?.resource ?? []].flat();
    const unknown = resources.find((r) => !RESOURCES.includes(r));
    if (unknown !== undefined) {
      throw new Error(`Route ${route.method} ${route.url} names an unknown resource "${unknown}".`);
    }
    if ((access === 'business' || access === 'businessIncludingDisabled') && !resources.length) {
      throw new Error(
        `Route ${route.method} ${route.url} is a business route but names no resource. Add config: { resource: … } (one of ${RESOURCES.join(', ')}).`,
      );
    }
    for (const method of [route.method].flat()) {
      table.push({ method, url: route.url, access: access ?? 'public', resources });
    }
  });

  // Every answer a key got counts toward its usage (API.md §5): 403 and 429 as rejected too.
  app.addHook('onResponse', async (request, reply) => {
    const keyId = request.principal?.keyId ?? request.deadKeyId;
    if (!keyId) return;
    const status = reply.statusCode;
    deps.usage.count(keyId, {
      rejected: status === 403 || status === 429,
      unauthorized: status === 401 && request.deadKeyId !== undefined,
    });
  });

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access ?? 'public';
    if (access === 'public') return;
    const principal = await authenticate(request, deps);
    request.principal = principal;
    const budget = await deps.budgets.consume(
      principal.keyId ?? `user:${principal.userId}`,
      principal.rateLimit,
    );
    reply.headers(rateLimitHeaders(budget));
    if (!budget.allowed) throw throttled(budget);
    if (
      principal.sessionId &&
      !SAFE_METHODS.has(request.method) &&
      !deps.sessionTokens.checkCsrf(principal.sessionId, request.headers['x-csrf-token'])
    ) {
      throw new ApiError('csrf_failed');
    }
    await authorize(request, access, principal, deps);
  });
}

async function authenticate(request: FastifyRequest, deps: GuardDeps): Promise<Principal> {
  const header = request.headers.authorization;
  if (header !== undefined && header.trim() !== '') return authenticateKey(request, header, deps);

  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) return authenticateSession(cookie, deps);

  throw challenge('not_authenticated');
}

async function authenticateKey(
  request: FastifyRequest,
  header: string,
  deps: GuardDeps,
): Promise<Principal> {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== 'token') await fail(request, deps, 'invalid_token_header');
  const key = space === -1 ? '' : trimmed.slice(space + 1).trim();

  const check = await deps.keys.verify(key, async () => {
    // A client that keeps failing does not get to make us read the database.
    const spent = await deps.authFailures.isExhausted(request.ip);
    if (spent) throw throttled(spent);
  });
  if (!check.ok) {
    if ('keyId' in check) request.deadKeyId = check.keyId;
    return fail(request, deps, 'invalid_token');
  }
  const verified = check.key;
  // request.ip is the socket's address, or with TRUST_PROXY what the trusted hops report.
  if (verified.allowlist && !verified.allowlist.allows(request.ip)) {
    // Counted against the address, like a bad key; the key's own budget is not touched.
    const failures = await deps.authFailures.consume(request.ip);
    if (!failures.allowed) throw throttled(failures);
    request.deadKeyId = verified.id;
    throw new ApiError('ip_not_allowed');
  }
  if (verified.userDisabled) throw new ApiError('user_disabled');
  deps.lastUsed.touch(verified.id);
  return {
    kind: 'key',
    userId: verified.userId,
    keyId: verified.id,
    businessScope: verified.businessScope,
    userManagement: verified.userManagement,
    rateLimit: verified.rateLimit ?? deps.defaultRateLimit,
    permissions: verified.permissions,
  };
}

async function authenticateSession(cookie: string, deps: GuardDeps): Promise<Principal> {
  const sessionId = deps.sessionTokens.sessionIdOf(cookie);
  const session = sessionId ? await deps.findSession(sessionId) : undefined;
  if (!session || Date.parse(session.expires_at) <= Date.now()) {
    throw challenge('not_authenticated');
  }
  if (session.user_disabled === 1) throw new ApiError('user_disabled');
  return {
    kind: 'session',
    userId: session.user_id,
    sessionId: session.id,
    businessScope: { type: 'unrestricted' },
    userManagement: true,
    rateLimit: deps.defaultRateLimit,
    permissions: FULL_PERMISSIONS,
  };
}

async function authorize(
  request: FastifyRequest,
  access: Access,
  principal: Principal,
  deps: GuardDeps,
): Promise<void> {
  switch (access) {
    case 'session':
      if (principal.kind !== 'session') throw new ApiError('session_required');
      return;
    case 'unrestrictedScope':
      if (principal.businessScope.type !== 'unrestricted') {
        throw new ApiError('unrestricted_key_required');
      }
      return;
    case 'userManagement':
      if (!principal.userManagement) throw new ApiError('user_management_required');
      return;
    case 'accountWide':
      if (!principal.userManagement) throw new ApiError('user_management_required');
      if (principal.businessScope.type !== 'unrestricted') {
        throw new ApiError('unrestricted_key_required', ACCOUNT_WIDE_DETAIL);
      }
      return;
    case 'business':
    case 'businessIncludingDisabled': {
      const businessId = (request.params as { businessId?: string }).businessId ?? '';
      const business = await deps.businesses.get(businessId);
      // Another user's business answers exactly like one that does not exist.
      if (!business || business.owner_id !== principal.userId) throw new ApiError('not_found');
      if (!canReachBusiness(principal, business.id)) throw new ApiError('business_access_denied');
      const ownerMayManage = access === 'businessIncludingDisabled' && principal.kind === 'session';
      if (business.disabled === 1 && !ownerMayManage) throw new ApiError('business_disabled');
      checkPermission(request, principal);
      request.business = business;
      return;
    }
    default:
      return;
  }
}

/** Last of the checks (API.md §5): the route's resources at read (GET) or write. */
function checkPermission(request: FastifyRequest, principal: Principal): void {
  const needed = SAFE_METHODS.has(request.method) ? 'read' : 'write';
  for (const resource of [request.routeOptions.config.resource ?? []].flat()) {
    if (!allows(principal.permissions, resource, needed)) {
      throw new ApiError(
        'permission_denied',
        `This API key does not have the "${resource}:${needed}" permission.`,
      );
    }
  }
}

/** A 401 for a bad credential; a client past its failure budget gets 429 instead. */
async function fail(request: FastifyRequest, deps: GuardDeps, code: ErrorCode): Promise<never> {
  const failures = await deps.authFailures.consume(request.ip);
  if (!failures.allowed) throw throttled(failures);
  throw challenge(code);
}

function challenge(code: ErrorCode): ApiError {
  return new ApiError(code, undefined, { headers: { 'www-authenticate': 'Token' } });
}

export function throttled(result: RateLimitResult): ApiError {
  return new ApiError(
    'rate_limited',
    `Request was throttled. Expected available in ${result.resetSeconds} seconds.`,
    { headers: { ...rateLimitHeaders(result), 'retry-after': result.resetSeconds } },
  );
}
