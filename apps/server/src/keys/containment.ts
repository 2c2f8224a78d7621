import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { blocksInside } from '../auth/ip-allowlist.js';
import { widerPermission } from '../auth/permissions.js';
import type { BusinessScope } from '../auth/principal.js';
import { type Permissions, RESOURCES } from '../http/access.js';

/** What a key may do, in every dimension a child key could exceed. */
export interface KeyLimits {
  businessScope: BusinessScope;
  userManagement: boolean;
  /** The effective budget (the deployment default already applied). */
  rateLimitPerMinute: number;
  /** ISO-8601, or null for a key that never expires. */
  expiresAt: string | null;
  permissions: Permissions;
  /** Canonical, sorted entries; empty means any address. */
  allowedIps: string[];
}

/**
 * How `permissions` and `allowed_ips` are stored: canonical JSON (resources in RESOURCES order,
 * addresses sorted), so the SQL filters below can match the text exactly on both engines.
 */
export function storedPermissions(permissions: Permissions): string {
  return JSON.stringify(Object.fromEntries(RESOURCES.map((r) => [r, permissions[r]])));
}
export function storedAllowedIps(allowedIps: readonly string[]): string | null {
  return allowedIps.length > 0 ? JSON.stringify([...allowedIps].sort()) : null;
}

export type Dimension = keyof KeyLimits;

interface DimensionRule {
  name: Dimension;
  /** Does `child` reach further than `maker` here? */
  wider(child: KeyLimits, maker: KeyLimits): boolean;
  /**
   * The same rule as SQL over `api_keys k`: rows inside `viewer` in this dimension (undefined:
   * no constraint). Lists filter in SQL so pages stay full and cursors stay exact.
   */
  inside(viewer: KeyLimits, defaultRateLimit: number): RawBuilder<SqlBool> | undefined;
}

/**
 * THE list of dimensions a key is contained in. Creating a key checks `wider` for each; an API
 * key sees only the keys that are `inside` it in each. `permissions` and `allowedIps` (the
 * key-lifecycle issue) are added here, and both checks follow.
 */
export const DIMENSIONS: readonly DimensionRule[] = [
  {
    name: 'businessScope',
    wider: (child, maker) => {
      if (maker.businessScope.type === 'unrestricted') return false;
      if (child.businessScope.type === 'unrestricted') return true;
      const reachable = new Set(maker.businessScope.businessIds);
      return child.businessScope.businessIds.some((id) => !reachable.has(id));
    },
    inside: (viewer) => {
      if (viewer.businessScope.type === 'unrestricted') return undefined;
      const ids = viewer.businessScope.businessIds;
      // A restricted key with no business left (revoked, scope_empty) is inside nobody's list.
      return sql<SqlBool>`(k.business_scope_type = 'restricted'
        and exists (select 1 from api_key_businesses a where a.key_id = k.id)
        and not exists (select 1 from api_key_businesses a where a.key_id = k.id
          and a.business_id not in (${ids.length > 0 ? sql.join(ids) : sql`''`})))`;
    },
  },
  {
    name: 'userManagement',
    wider: (child, maker) => child.userManagement && !maker.userManagement,
    inside: (viewer) => (viewer.userManagement ? undefined : sql<SqlBool>`k.user_management = 0`),
  },
  {
    name: 'rateLimitPerMinute',
    wider: (child, maker) => child.rateLimitPerMinute > maker.rateLimitPerMinute,
    inside: (viewer, defaultRateLimit) =>
      sql<SqlBool>`coalesce(k.rate_limit, ${defaultRateLimit}) <= ${viewer.rateLimitPerMinute}`,
  },
  {
    name: 'expiresAt',
    wider: (child, maker) =>
      maker.expiresAt !== null &&
      (child.expiresAt === null || Date.parse(child.expiresAt) > Date.parse(maker.expiresAt)),
    inside: (viewer) =>
      viewer.expiresAt === null
        ? undefined
        : sql<SqlBool>`(k.expires_at is not null and k.expires_at <= ${viewer.expiresAt})`,
  },
  {
    name: 'permissions',
    wider: (child, maker) => widerPermission(child.permissions, maker.permissions) !== undefined,
    inside: (viewer) => {
      // Stored canonically (storedPermissions), so a resource's level is an exact substring;
      // null is a pre-permissions key: write everywhere.
      const parts = RESOURCES.flatMap((r) => {
        const level = viewer.permissions[r];
        if (level === 'write') return [];
        return level === 'read'
          ? [sql<SqlBool>`k.permissions not like ${`%"${r}":"write"%`}`]
          : [sql<SqlBool>`k.permissions like ${`%"${r}":"none"%`}`];
      });
      return parts.length === 0
        ? undefined
        : sql<SqlBool>`(k.permissions is not null and ${sql.join(parts, sql` and `)})`;
    },
  },
  {
    name: 'allowedIps',
    wider: (child, maker) =>
      maker.allowedIps.length > 0 &&
      (child.allowedIps.length === 0 || !blocksInside(child.allowedIps, maker.allowedIps)),
    // Conservative: a viewer with an allowlist sees the keys with exactly its list (what its
    // children inherit). A narrower key is hidden from it — never a wider one shown.
    inside: (viewer) =>
      viewer.allowedIps.length === 0
        ? undefined
        : sql<SqlBool>`k.allowed_ips = ${storedAllowedIps(viewer.allowedIps)}`,
  },
];

/** The first dimension in which `child` exceeds `maker`, if any. */
export function widerDimension(child: KeyLimits, maker: KeyLimits): Dimension | undefined {
  return DIMENSIONS.find((d) => d.wider(child, maker))?.name;
}

/** SQL over `api_keys k`: the keys `viewer` could itself create (itself included). */
export function insideOf(viewer: KeyLimits, defaultRateLimit: number): RawBuilder<SqlBool> {
  const parts = DIMENSIONS.map((d) => d.inside(viewer, defaultRateLimit)).filter(
    (part): part is RawBuilder<SqlBool> => part !== undefined,
  );
  return parts.length > 0 ? sql<SqlBool>`(${sql.join(parts, sql` and `)})` : sql<SqlBool>`1 = 1`;
}
