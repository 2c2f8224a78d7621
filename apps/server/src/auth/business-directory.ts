import { LRUCache } from 'lru-cache';
import type { Invalidation } from '../cache/invalidation.js';
import type { BusinessRow } from '../db/schema.js';
import type { MaybePromise } from './rate-limit.js';

/**
 * Businesses by id, cached for the access check every business route makes. Updates and
 * deletes drop entries through `invalidate` (at once here, about a second later elsewhere).
 */
export class BusinessDirectory {
  private readonly cache: LRUCache<string, BusinessRow>;
  private generation = 0;

  constructor(
    private readonly find: (id: string) => Promise<BusinessRow | undefined>,
    options: { size?: number; ttlMs?: number } = {},
  ) {
    this.cache = new LRUCache({ max: options.size ?? 10_000, ttl: options.ttlMs ?? 60_000 });
  }

  /** A cached business at once (no promise); otherwise one read. */
  get(id: string): MaybePromise<BusinessRow | undefined> {
    return this.cache.get(id) ?? this.load(id);
  }

  private async load(id: string): Promise<BusinessRow | undefined> {
    const generation = this.generation;
    const row = await this.find(id);
    if (row && generation === this.generation) this.cache.set(id, row);
    return row;
  }

  invalidate(invalidation: Invalidation): void {
    if (!invalidation.businessId) return;
    this.generation++;
    this.cache.delete(invalidation.businessId);
  }
}
