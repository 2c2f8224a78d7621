import { canonicalEntry, MAX_ALLOWED_IPS } from '../auth/ip-allowlist.js';
import type { BusinessScope } from '../auth/principal.js';
import type { Permissions } from '../http/access.js';
import { ApiError } from '../http/errors.js';
import type { ApiKeyRecord, ApiKeyRow } from './repo.js';

/** Pure rules of the key service: defaults, canonical allowlists, status and expiry. */

export type KeyStatus = 'active' | 'revoked' | 'expired';
export const FULL: Permissions = {
  businesses: 'write',
  agents: 'write',
  calls: 'write',
  conversations: 'write',
  webhooks: 'write',
  telephony: 'write',
};

export function allowedIpsOf(row: ApiKeyRow): string[] {
  return row.allowed_ips ? (JSON.parse(row.allowed_ips) as string[]) : [];
}

/** Canonical, de-duplicated and sorted; 400 naming the first entry that is not an address. */
export function canonicalIps(entries: string[], path: string): string[] {
  if (entries.length > MAX_ALLOWED_IPS) {
    throw ApiError.invalidField(path, `must have at most ${MAX_ALLOWED_IPS} entries`);
  }
  const out = entries.map((entry, i) => {
    const canonical = canonicalEntry(entry);
    if (!canonical) {
      throw ApiError.invalidField(
        `${path}/${i}`,
        `is not an IPv4/IPv6 address or CIDR block (${JSON.stringify(entry).slice(0, 60)})`,
      );
    }
    return canonical;
  });
  return [...new Set(out)].sort();
}

export function scopeOf(row: ApiKeyRecord): BusinessScope {
  return row.business_scope_type === 'unrestricted'
    ? { type: 'unrestricted' }
    : { type: 'restricted', businessIds: row.businessIds };
}

export function statusOf(row: ApiKeyRow, now: string): KeyStatus {
  if (row.status === 'revoked') return 'revoked';
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  return 'active';
}

export function checkExpiry(value: string | null, now: Date): string | null {
  if (value === null) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw ApiError.invalidField('/expiresAt', 'must be an ISO-8601 date-time');
  if (at <= now.getTime()) throw ApiError.invalidField('/expiresAt', 'must be in the future');
  return new Date(at).toISOString();
}
