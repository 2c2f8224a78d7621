import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { BusinessRow } from '../db/schema.js';
import {
  ACCESS_LEVELS,
  type Access,
  FULL_PERMISSIONS,
  type PermissionLevel,
  RESOURCES,
  type Resource,
} from '../http/access.js';
import { isCrossOrigin } from '../http/cors.js';
import { ApiError, type ErrorCode } from '../http/errors.js';
import type { BusinessDirectory } from './business-directory.js';
import { type ClientTokenCodec, looksLikeClientToken } from './client-token.js';
import {
  authenticateClientToken,
  clientTokenMayReach,
  hasClientToken,
  spendBudgets,
} from './client-token-auth.js';
import type { KeyUsageCounter } from './key-usage.js';
import type { KeyCheck, KeyVerifier } from './key-verifier.js';
import type { LastUsedRecorder } from './last-used.js';
import { allows } from './permissions.js';
import { canReachBusiness, type Principal } from './principal.js';
import {
  type MaybePromise,
  type RateLimitResult,
  type RequestBudgets,
  rateLimitHeaders,
  setRateLimitHeaders,
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
  clientTokens: ClientTokenCodec;
  /** Failed client-token authentications per client IP (their own budget, API.md §7). */
  clientTokenFailures: Throttle;
  /** The configured public URL's origin: a request from it is not cross-origin. */
  publicOrigin?: string;
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

/** A route's declared needs, resolved once when it is registered. */
interface RouteNeeds {
  access: Exclude<Access, 'public'>;
  resources: readonly Resource[];
  /**
   * GET, HEAD and OPTIONS need `read` on each resource, every other method `write`; undefined
   * for a route that mixes both kinds of method (the request's method decides).
   */
  level: PermissionLevel | undefined;
}

/**
 * Two-stage auth. `onRoute` makes every `/api/v1` route declare its access (the server refuses to
 * start otherwise) and gives each route that is not public its own hooks, bound to what it
 * declared: public routes (health probes, the dashboard) run none of this. The `onRequest` hook
 * turns the credential into a principal, spends its rate budget and checks the declared access,
 * all before the body is even parsed. A warm key, business and in-memory budget cost no promise
 * beyond the hook's own: each step awaits only when it must do I/O.
 */
export function registerGuard(app: FastifyInstance, deps: GuardDeps): void {
  const table: RouteAccess[] = [];
  app.decorate('accessTable', table);
  app.decorateRequest('principal', undefined as unknown as Principal);
  app.decorateRequest('business', undefined as unknown as BusinessRow);
  app.decorateRequest('deadKeyId', undefined);

  // Every answer a key got counts toward its usage (API.md §5): 403 and 429 as rejected too.
  const countUsage = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const keyId = request.principal?.keyId ?? request.deadKeyId;
    if (keyId !== undefined) {
      const status = reply.statusCode;
      deps.usage.count(keyId, {
        rejected: status === 403 || status === 429,
        unauthorized: status === 401 && request.deadKeyId !== undefined,
      });
    }
    done();
  };
  // A client token is for a browser app's business routes only; not even to sign in with.
  const refuseClientTokens = (request: FastifyRequest, _reply: FastifyReply, done: Done) => {
    done(hasClientToken(request) ? new ApiError('client_token_not_allowed') : undefined);
  };

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
    const methods = [route.method].flat();
    for (const method of methods) {
      table.push({ method, url: route.url, access: access ?? 'public', resources });
    }
    const own: Hook[] = [];
    if (route.url.startsWith('/auth/')) own.push(refuseClientTokens);
    if (access !== undefined && access !== 'public') {
      const safe = methods.filter((m) => SAFE_METHODS.has(m)).length;
      const level = safe === methods.length ? 'read' : safe === 0 ? 'write' : undefined;
      const needs: RouteNeeds = { access, resources, level };
      own.push(async (request, reply) => guard(request, reply, needs, deps));
      route.onResponse = [countUsage, ...[route.onResponse ?? []].flat()];
    }
    if (own.length > 0) route.onRequest = [...own, ...[route.onRequest ?? []].flat()];
  });
}

type Done = (error?: Error) => void;
type Hook = NonNullable<Extract<RouteOptions['onRequest'], unknown[]>>[number];

async function guard(
  request: FastifyRequest,
  reply: FastifyReply,
  needs: RouteNeeds,
  deps: GuardDeps,
): Promise<void> {
  const authenticated = authenticate(request, deps);
  const principal = authenticated instanceof Promise ? await authenticated : authenticated;
  request.principal = principal;
  const spent = spendBudgets(principal, deps.budgets);
  const budget = spent instanceof Promise ? await spent : spent;
  setRateLimitHeaders(reply, budget);
  if (!budget.allowed) throw throttled(budget);
  if (
    principal.sessionId &&
    !SAFE_METHODS.has(request.method) &&
    !deps.sessionTokens.checkCsrf(principal.sessionId, request.headers['x-csrf-token'])
  ) {
    throw new ApiError('csrf_failed');
  }
  const authorized = authorize(request, needs, principal, deps);
  if (authorized !== undefined) await authorized;
}

function authenticate(request: FastifyRequest, deps: GuardDeps): MaybePromise<Principal> {
  const header = request.headers.authorization;
  if (header !== undefined && header.trim() !== '') return authenticateKey(request, header, deps);

  // A page of another origin never acts with the visitor's session (API.md §7).
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie && !isCrossOrigin(request, deps.publicOrigin)) {
    return authenticateSession(cookie, deps);
  }

  throw challenge('not_authenticated');
}

function authenticateKey(
  request: FastifyRequest,
  header: string,
  deps: GuardDeps,
): MaybePromise<Principal> {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== 'token') return fail(request, deps, 'invalid_token_header');
  const key = space === -1 ? '' : trimmed.slice(space + 1).trim();
  if (looksLikeClientToken(key)) {
    return authenticateClientToken(
      request,
      key,
      {
        codec: deps.clientTokens,
        keys: deps.keys,
        failures: deps.clientTokenFailures,
        lastUsed: deps.lastUsed,
        defaultRateLimit: deps.defaultRateLimit,
      },
      throttled,
      () => challenge('invalid_token'),
    );
  }

  const check = deps.keys.verify(key, () => {
    // A client that keeps failing does not get to make us read the database.
    const spent = deps.authFailures.isExhausted(request.ip);
    if (spent instanceof Promise) {
      return spent.then((s) => {
        if (s) throw throttled(s);
      });
    }
    if (spent) throw throttled(spent);
  });
  return check instanceof Promise
    ? check.then((c) => keyPrincipal(request, c, deps))
    : keyPrincipal(request, check, deps);
}

function keyPrincipal(
  request: FastifyRequest,
  check: KeyCheck,
  deps: GuardDeps,
): MaybePromise<Principal> {
  if (!check.ok) {
    if ('keyId' in check) request.deadKeyId = check.keyId;
    return fail(request, deps, 'invalid_token');
  }
  const verified = check.key;
  // request.ip is the socket's address, or with TRUST_PROXY what the trusted hops report.
  if (verified.allowlist && !verified.allowlist.allows(request.ip)) {
    request.deadKeyId = verified.id;
    // Counted against the address, like a bad key; the key's own budget is not touched.
    return settle(deps.authFailures.consume(request.ip), (failures) => {
      if (!failures.allowed) throw throttled(failures);
      throw new ApiError('ip_not_allowed');
    });
  }
  if (verified.userDisabled) throw new ApiError('user_disabled');
  deps.lastUsed.touch(verified.id);
  return {
    keyExpiresAt: verified.expiresAt,
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

/** The declared access; resolves (or returns nothing) when it holds, throws when it does not. */
function authorize(
  request: FastifyRequest,
  needs: RouteNeeds,
  principal: Principal,
  deps: GuardDeps,
): Promise<void> | undefined {
  if (principal.clientToken && !clientTokenMayReach(needs)) {
    throw new ApiError('client_token_not_allowed');
  }
  switch (needs.access) {
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
      const found = deps.businesses.get(businessId);
      if (found instanceof Promise) {
        return found.then((business) => admitToBusiness(request, needs, principal, business));
      }
      admitToBusiness(request, needs, principal, found);
      return;
    }
    default:
      return;
  }
}

function admitToBusiness(
  request: FastifyRequest,
  needs: RouteNeeds,
  principal: Principal,
  business: BusinessRow | undefined,
): void {
  // Another user's business answers exactly like one that does not exist.
  if (!business || business.owner_id !== principal.userId) throw new ApiError('not_found');
  if (!canReachBusiness(principal, business.id)) throw new ApiError('business_access_denied');
  const ownerMayManage =
    needs.access === 'businessIncludingDisabled' && principal.kind === 'session';
  if (business.disabled === 1 && !ownerMayManage) throw new ApiError('business_disabled');
  checkPermission(request, needs, principal);
  request.business = business;
}

/** Last of the checks (API.md §5): the route's resources at read (GET) or write. */
function checkPermission(request: FastifyRequest, needs: RouteNeeds, principal: Principal): void {
  const level = needs.level ?? (SAFE_METHODS.has(request.method) ? 'read' : 'write');
  for (const resource of needs.resources) {
    if (!allows(principal.permissions, resource, level)) {
      const holder = principal.clientToken ? 'client token' : 'API key';
      throw new ApiError(
        'permission_denied',
        `This ${holder} does not have the "${resource}:${level}" permission.`,
      );
    }
  }
}

/** `then` for a value that may not be a promise: the request path awaits only real I/O. */
function settle<T, R>(value: MaybePromise<T>, next: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** A 401 for a bad credential; a client past its failure budget gets 429 instead. */
function fail(request: FastifyRequest, deps: GuardDeps, code: ErrorCode): MaybePromise<never> {
  return settle(deps.authFailures.consume(request.ip), (failures) => {
    if (!failures.allowed) throw throttled(failures);
    throw challenge(code);
  });
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
