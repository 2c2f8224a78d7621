import type { KeyActor, KeyServiceDeps } from './kit.js';
import { findKeyUsage } from './repo.js';

/** Per-key usage by UTC day (API.md §5): flushed rows plus the counts still in memory. */
export function keyUsageReport(
  deps: Pick<KeyServiceDeps, 'db' | 'usage'>,
  get: (actor: KeyActor, keyId: string) => Promise<unknown>,
) {
  const { db, usage } = deps;
  return {
    /** One row per UTC day, oldest first, zeros included; counts not yet flushed are added. */
    async usage(actor: KeyActor, keyId: string, days: number) {
      await get(actor, keyId);
      const today = Date.UTC(
        new Date().getUTCFullYear(),
        new Date().getUTCMonth(),
        new Date().getUTCDate(),
      );
      const dates = Array.from({ length: days }, (_, i) =>
        new Date(today - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
      );
      const byDate = new Map(
        dates.map((date) => [date, { date, requests: 0, rejected: 0, unauthorized: 0 }]),
      );
      for (const r of [
        ...(await findKeyUsage(db, keyId, dates[0] ?? '')),
        ...usage.pendingFor(keyId),
      ]) {
        const day = byDate.get(r.date);
        if (!day) continue;
        day.requests += Number(r.requests);
        day.rejected += Number(r.rejected);
        day.unauthorized += Number(r.unauthorized);
      }
      return { data: [...byDate.values()] };
    },
  };
}
