import {
  FULL_PERMISSIONS,
  type PermissionLevel,
  type Permissions,
  RESOURCES,
  type Resource,
} from '../http/access.js';

const RANK: Record<PermissionLevel, number> = { none: 0, read: 1, write: 2 };

/** A stored `permissions` column: null (keys from before permissions) means write everywhere. */
export function parsePermissions(stored: string | null): Permissions {
  if (stored === null) return FULL_PERMISSIONS;
  return completePermissions(JSON.parse(stored) as Partial<Permissions>);
}

/** A given object leaves every resource it does not name at `none` (API.md §5). */
export function completePermissions(given: Partial<Permissions>): Permissions {
  const out = {} as Permissions;
  for (const resource of RESOURCES) out[resource] = given[resource] ?? 'none';
  return out;
}

export function allows(permissions: Permissions, resource: Resource, needed: PermissionLevel) {
  return RANK[permissions[resource]] >= RANK[needed];
}

/** The first resource on which `child` reaches further than `maker`. */
export function widerPermission(child: Permissions, maker: Permissions): Resource | undefined {
  return RESOURCES.find((r) => RANK[child[r]] > RANK[maker[r]]);
}

/** Resources at or below each level, for SQL filters over the stored JSON. */
export function levelsUpTo(level: PermissionLevel): PermissionLevel[] {
  return (Object.keys(RANK) as PermissionLevel[]).filter((l) => RANK[l] <= RANK[level]);
}
