import type { Kysely } from 'kysely';

/**
 * Indexes that keep every dispatcher round off the ended calls (issue 12). The round runs many
 * times a second under load; with only (status, business_id, id), counting a business's calls in
 * flight and finding dialled calls whose lease ran out read rows in proportion to the business's
 * calls, or to every call.
 */
export function callDispatchMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // Dialled calls due for takeover or a status check: a range on lease_until per status.
      await db.schema
        .createIndex('calls_status_lease_until')
        .on('calls')
        .columns(['status', 'lease_until'])
        .execute();
      // A business's claimed-but-not-yet-dialled calls (lease still running): a range count.
      await db.schema
        .createIndex('calls_status_business_id_lease_until')
        .on('calls')
        .columns(['status', 'business_id', 'lease_until'])
        .execute();
    },
  };
}
