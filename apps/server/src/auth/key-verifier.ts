import { LRUCache } from 'lru-cache';
import type { Invalidation } from '../cache/invalidation.js';
import type { ApiKeysTable, Flag } from '../db/schema.js';
import type { Permissions } from '../http/access.js';
import { BatchedLookup } from './batched-lookup.js';
import { IpAllowlist } from './ip-allowlist.js';
import { isWellFormedKey, type KeyHasher } from './key-format.js';
import { parsePermissions } from './permissions.js';
import type { BusinessScope } from './principal.js';
import type { MaybePromise } from './rate-limit.js';

/** The row the verification path needs: one indexed read by hash, joined with its owner. */
export interface KeyVerificationRow {
  id: string;
  user_id: string;
  status: 'active' | 'revoked';
  expires_at: string | null;
  business_scope_type: ApiKeysTable['business_scope_type'];
  /** Comma-separated, from the join table; null when there is none. */
  business_ids: string | null;
  user_management: Flag;
  rate_limit: number | null;
  user_disabled: Flag;
  permissions: string | null;
  allowed_ips: string | null;
  /** Client tokens minted before this time are refused (API.md §7); null: none refused. */
  client_tokens_not_before: string | null;
}

/** What the server remembers about a key between requests: no secret, only its rights. */
export interface VerifiedKey {
  id: string;
  userId: string;
  revoked: boolean;
  /** Epoch milliseconds, or null for a key that never expires. */
  expiresAt: number | null;
  businessScope: BusinessScope;
  userManagement: boolean;
  rateLimit: number | null;
  userDisabled: boolean;
  permissions: Permissions;
  /** Parsed once here, so each request checks its address in memory; null: any address. */
  allowlist: IpAllowlist | null;
  /** Epoch milliseconds: client tokens issued before it are refused; null for none. */
  clientTokensNotBefore: number | null;
}

export type KeyCheck =
  | { ok: true; key: VerifiedKey }
  /** `malformed`: failed the shape or checksum check, with no I/O. */
  | { ok: false; reason: 'malformed' | 'unknown' }
  /** A known key that no longer works: its id lets usage count the 401s it still gets. */
  | { ok: false; reason: 'revoked' | 'expired'; keyId: string };

const MALFORMED: KeyCheck = Object.freeze({ ok: false, reason: 'malformed' });
const UNKNOWN: KeyCheck = Object.freeze({ ok: false, reason: 'unknown' });

export interface KeyVerifierDeps {
  hash: KeyHasher;
  /** Rows by hash (those found), with their hashes: concurrent misses are looked up together. */
  findByHashes: (keyHashes: string[]) => Promise<(KeyVerificationRow & { key_hash: string })[]>;
  /** The same row by key id (a client token names its parent key), with the key's hash. */
  findById: (keyId: string) => Promise<(KeyVerificationRow & { key_hash: string }) | undefined>;
  now?: () => number;
  cacheSize?: number;
  cacheTtlMs?: number;
}

/**
 * Header value → verified key: shape and checksum (no I/O) → HMAC → cache → one indexed read
 * (shared by the misses of one event-loop turn).
 * No database write happens here; revocations and disables drop cache entries through
 * `invalidate`, at once in this process and within about a second elsewhere.
 */
export class KeyVerifier {
  private readonly byHash: LRUCache<string, VerifiedKey>;
  /**
   * Hashes looked up and not found. Safe to remember: a key created later has a hash nobody can
   * have asked for before, so this never hides a new key; it spares the database a client that
   * repeats a dead key.
   */
  private readonly unknown: LRUCache<string, true>;
  private readonly hashById = new Map<string, string>();
  private readonly now: () => number;
  /** Bumped by every invalidation, so a read that raced one is not cached. */
  private generation = 0;
  /** Well-formed keys answered from the cache vs. looked up (the metrics' hit ratio). */
  readonly lookups = { hits: 0, misses: 0 };

  private readonly byHashLookup: BatchedLookup<string, KeyVerificationRow & { key_hash: string }>;

  constructor(private readonly deps: KeyVerifierDeps) {
    this.byHashLookup = new BatchedLookup(async (hashes) => {
      const rows = await deps.findByHashes(hashes);
      return new Map(rows.map((row) => [row.key_hash, row]));
    });
    // Looked up on each call (not captured), so a test's fake clock reaches expiry checks.
    this.now = deps.now ?? (() => Date.now());
    this.byHash = new LRUCache<string, VerifiedKey>({
      max: deps.cacheSize ?? 10_000,
      ttl: deps.cacheTtlMs ?? 60_000,
      dispose: (key) => this.hashById.delete(key.id),
    });
    this.unknown = new LRUCache<string, true>({ max: deps.cacheSize ?? 10_000, ttl: 60_000 });
  }

  /**
   * A cached key is answered at once (no promise, no I/O); otherwise the database is read.
   * `beforeRead` runs only when the database must be read (a cache miss); it may throw to refuse
   * the read, e.g. for a client over its failed-authentication budget.
   */
  verify(key: string, beforeRead?: () => MaybePromise<void>): MaybePromise<KeyCheck> {
    if (!isWellFormedKey(key)) return MALFORMED;
    const keyHash = this.deps.hash(key);
    const verified = this.byHash.get(keyHash);
    if (verified !== undefined) {
      this.lookups.hits++;
      return this.check(verified);
    }
    if (this.unknown.has(keyHash)) {
      this.lookups.hits++;
      return UNKNOWN;
    }
    this.lookups.misses++;
    return this.load(keyHash, beforeRead);
  }

  private async load(keyHash: string, beforeRead?: () => MaybePromise<void>): Promise<KeyCheck> {
    await beforeRead?.();
    const generation = this.generation;
    const row = await this.byHashLookup.get(keyHash);
    if (!row) {
      this.unknown.set(keyHash, true);
      return UNKNOWN;
    }
    const verified = toVerifiedKey(row);
    if (generation === this.generation) this.remember(keyHash, verified);
    return this.check(verified);
  }

  /**
   * A key by id, for client tokens: the same cache as `verify` (an entry made by either serves
   * both), so a warm parent costs no I/O. Never marks anything unknown: ids are not secret.
   */
  verifyId(keyId: string, beforeRead?: () => MaybePromise<void>): MaybePromise<KeyCheck> {
    const cachedHash = this.hashById.get(keyId);
    const verified = cachedHash === undefined ? undefined : this.byHash.get(cachedHash);
    if (verified !== undefined) return this.check(verified);
    return this.loadId(keyId, beforeRead);
  }

  private async loadId(keyId: string, beforeRead?: () => MaybePromise<void>): Promise<KeyCheck> {
    await beforeRead?.();
    const generation = this.generation;
    const row = await this.deps.findById(keyId);
    if (!row) return UNKNOWN;
    const verified = toVerifiedKey(row);
    if (generation === this.generation) this.remember(row.key_hash, verified);
    return this.check(verified);
  }

  private remember(keyHash: string, verified: VerifiedKey): void {
    this.byHash.set(keyHash, verified);
    this.hashById.set(verified.id, keyHash);
  }

  private check(key: VerifiedKey): KeyCheck {
    if (key.revoked) return { ok: false, reason: 'revoked', keyId: key.id };
    if (key.expiresAt !== null && key.expiresAt <= this.now())
      return { ok: false, reason: 'expired', keyId: key.id };
    return { ok: true, key };
  }

  invalidate(invalidation: Invalidation): void {
    this.generation++;
    if (invalidation.keyId) {
      const keyHash = this.hashById.get(invalidation.keyId);
      if (keyHash) this.byHash.delete(keyHash);
    }
    const { userId, businessId } = invalidation;
    if (userId || businessId) {
      for (const [keyHash, key] of this.byHash.entries()) {
        // A deleted business leaves the scope of every key restricted to it.
        const scoped =
          businessId !== undefined &&
          businessId !== null &&
          key.businessScope.type === 'restricted' &&
          key.businessScope.businessIds.includes(businessId);
        if ((userId && key.userId === userId) || scoped) this.byHash.delete(keyHash);
      }
    }
  }
}

const UNRESTRICTED: BusinessScope = Object.freeze({ type: 'unrestricted' });
/** Distinct values kept for sharing at most; past it, sharing starts over. */
const SHARED_MAX = 10_000;
const sharedPermissions = new Map<string, Permissions>();
const sharedUserIds = new Map<string, string>();

/**
 * One copy of what many keys hold alike: a permission set is one of a handful, and an owner's
 * id is the same string for all of their keys. A cached key then costs its own fields only,
 * which matters when many distinct keys are in use (fewer bytes each, less for the GC).
 */
function shared<T>(table: Map<string, T>, text: string, make: () => T): T {
  let value = table.get(text);
  if (value === undefined) {
    if (table.size >= SHARED_MAX) table.clear();
    value = make();
    table.set(text, value);
  }
  return value;
}

function toVerifiedKey(row: KeyVerificationRow): VerifiedKey {
  const stored = row.permissions;
  return {
    id: row.id,
    userId: shared(sharedUserIds, row.user_id, () => row.user_id),
    revoked: row.status === 'revoked',
    expiresAt: row.expires_at ? Date.parse(row.expires_at) : null,
    businessScope:
      row.business_scope_type === 'unrestricted'
        ? UNRESTRICTED
        : { type: 'restricted', businessIds: row.business_ids ? row.business_ids.split(',') : [] },
    userManagement: row.user_management === 1,
    rateLimit: row.rate_limit,
    userDisabled: row.user_disabled === 1,
    permissions:
      stored === null
        ? parsePermissions(null)
        : shared(sharedPermissions, stored, () => Object.freeze(parsePermissions(stored))),
    allowlist: row.allowed_ips ? new IpAllowlist(JSON.parse(row.allowed_ips) as string[]) : null,
    clientTokensNotBefore: row.client_tokens_not_before
      ? Date.parse(row.client_tokens_not_before)
      : null,
  };
}
