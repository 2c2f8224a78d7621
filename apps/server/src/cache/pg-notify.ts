import { createHash } from 'node:crypto';
import type { Invalidation } from './invalidation.js';

const PREFIX = 'iqra_invalidations_';

/**
 * The channel a schema's invalidations are announced on. NOTIFY channels are database-wide while
 * the tables live in a schema: two deployments (or two test files) sharing a database in separate
 * schemas must not hear each other. The schema is hashed so any name fits PostgreSQL's 63-byte
 * identifiers; migration 0014's trigger names it the same way, from the table's own schema.
 */
export function invalidationChannel(schema: string): string {
  return PREFIX + createHash('md5').update(schema).digest('hex').slice(0, 16);
}

/** What the trigger sends; no id at all (an oversized row) means "read the table". */
export type InvalidationNotice = Invalidation | { poll: true };

/** The notice in a payload, or undefined when it is not one of ours. */
export function decodeNotice(payload: string | undefined): InvalidationNotice | undefined {
  if (!payload) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const notice = value as Record<string, unknown>;
  const ids = ['keyId', 'userId', 'businessId'] as const;
  for (const id of ids) {
    const v = notice[id];
    if (v !== undefined && v !== null && typeof v !== 'string') return undefined;
  }
  if (ids.every((id) => notice[id] === undefined || notice[id] === null)) return { poll: true };
  return {
    keyId: (notice.keyId as string | null | undefined) ?? null,
    userId: (notice.userId as string | null | undefined) ?? null,
    businessId: (notice.businessId as string | null | undefined) ?? null,
  };
}
