import type { ApiKey, KeyPermissions, ResourcePermission } from '@iqra/sdk';

/** Per-resource permissions and IP allowlists of a key (API.md §5), as pure functions. */

export type Resource = keyof KeyPermissions;

export const RESOURCES: { id: Resource; label: string }[] = [
  { id: 'businesses', label: 'Businesses' },
  { id: 'agents', label: 'Agents' },
  { id: 'calls', label: 'Calls' },
  { id: 'conversations', label: 'Conversations' },
  { id: 'webhooks', label: 'Webhooks' },
  { id: 'telephony', label: 'Telephony' },
];

export const LEVELS: { value: ResourcePermission; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'read', label: 'Read' },
  { value: 'write', label: 'Write' },
];

function everywhere(level: ResourcePermission): KeyPermissions {
  return {
    businesses: level,
    agents: level,
    calls: level,
    conversations: level,
    webhooks: level,
    telephony: level,
  };
}

export const PRESETS = {
  full: { label: 'Full access', permissions: everywhere('write') },
  read: { label: 'Read only', permissions: everywhere('read') },
} as const;
export type PresetId = keyof typeof PRESETS;

/** The preset these permissions equal, if any. */
export function presetOf(permissions: KeyPermissions): PresetId | null {
  for (const id of Object.keys(PRESETS) as PresetId[]) {
    const preset = PRESETS[id].permissions;
    if (RESOURCES.every(({ id: r }) => preset[r] === permissions[r])) return id;
  }
  return null;
}

/** "Full access", "Read only", "No access" or "Calls: write, Conversations: read". */
export function permissionsSummary(permissions: KeyPermissions): string {
  const preset = presetOf(permissions);
  if (preset) return PRESETS[preset].label;
  const parts = RESOURCES.filter(({ id }) => permissions[id] !== 'none').map(
    ({ id, label }) => `${label}: ${permissions[id]}`,
  );
  return parts.length === 0 ? 'No access' : parts.join(', ');
}

export const ALLOWLIST_MAX = 100;

function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return (
    parts.length === 4 &&
    parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p === '0' || !p.startsWith('0')))
  );
}

function isIPv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.includes(':::')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const all = halves.flatMap(groups);
  let count = 0;
  for (const [i, group] of all.entries()) {
    if (i === all.length - 1 && group.includes('.')) {
      if (!isIPv4(group)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) count += 1;
    else return false;
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/** An IPv4/IPv6 address or CIDR block, as the server takes them. */
export function isIpOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const v4 = isIPv4(address);
  if (!v4 && !isIPv6(address)) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}

/** The entries of the allowlist box: one per line or comma, blanks dropped. */
export function parseAllowlist(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Why the allowlist cannot be sent, or undefined when it can. */
export function allowlistError(text: string): string | undefined {
  const entries = parseAllowlist(text);
  const bad = entries.filter((entry) => !isIpOrCidr(entry));
  if (bad.length === 1) return `“${bad[0]}” is not an IPv4/IPv6 address or CIDR block.`;
  if (bad.length > 1)
    return `${bad.length} entries are not IPv4/IPv6 addresses or CIDR blocks: ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ', …' : ''}.`;
  if (entries.length > ALLOWLIST_MAX) return `Use at most ${ALLOWLIST_MAX} entries.`;
  return undefined;
}

/**
 * The keys a revoke with cascade reaches (§5): minted through this key (`createdBy`) and rolled
 * to from it, transitively; the active ones, which the cascade changes.
 */
export function descendantsOf(root: ApiKey, keys: ApiKey[]): ApiKey[] {
  const byId = new Map(keys.map((k) => [k.id, k]));
  const seen = new Set([root.id]);
  const queue = [root.id];
  const out: ApiKey[] = [];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    const current = byId.get(id);
    const next = keys.filter(
      (k) =>
        (k.createdBy.type === 'api_key' && k.createdBy.id === id) ||
        k.rolledFromId === id ||
        k.id === current?.rolledToId,
    );
    for (const key of next) {
      if (seen.has(key.id)) continue;
      seen.add(key.id);
      queue.push(key.id);
      if (key.status === 'active') out.push(key);
    }
  }
  return out;
}
