import { recordInvalidation } from '../cache/invalidation.js';
import type { Db, RevokedReason } from '../db/schema.js';

/** What a leak revoke changed: the found key itself, and the descendants it revoked. */
export interface LeakRevocation {
  changed: boolean;
  cascaded: string[];
}

/**
 * Revokes a leaked key (`leaked`) and every key minted through it, transitively and whatever the
 * found key's status (`cascade`), so a thief keeps no access through a child. Runs inside the
 * caller's transaction and records the invalidations; the caller publishes them after commit.
 *
 * A stand-in for the key lifecycle's `revokeWithDescendants` (which also follows rolls): the leak
 * service reaches it only through its `revokeLeaked` dependency, so the merge swaps this one call.
 */
export async function revokeLeakedKey(db: Db, keyId: string): Promise<LeakRevocation> {
  const at = new Date().toISOString();
  const changed = await revokeIfActive(db, keyId, at, 'leaked');
  const cascaded: string[] = [];
  const seen = new Set([keyId]);
  let frontier = [keyId];
  while (frontier.length > 0) {
    const children = await db
      .selectFrom('api_keys')
      .select('id')
      .where('created_by_type', '=', 'api_key')
      .where('created_by_id', 'in', frontier)
      .orderBy('id')
      .execute();
    frontier = children.map((c) => c.id).filter((id) => !seen.has(id));
    for (const id of frontier) {
      seen.add(id);
      if (await revokeIfActive(db, id, at, 'cascade')) cascaded.push(id);
    }
  }
  for (const id of changed ? [keyId, ...cascaded] : cascaded) {
    await recordInvalidation(db, { keyId: id });
  }
  return { changed, cascaded };
}

async function revokeIfActive(
  db: Db,
  keyId: string,
  at: string,
  reason: RevokedReason,
): Promise<boolean> {
  const rows = await db
    .updateTable('api_keys')
    .set({ status: 'revoked', revoked_at: at, revoked_reason: reason })
    .where('id', '=', keyId)
    .where('status', '=', 'active')
    .returning('id')
    .execute();
  return rows.length > 0;
}
