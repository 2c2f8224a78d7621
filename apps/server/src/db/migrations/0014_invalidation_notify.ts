import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * On PostgreSQL, a row written to `cache_invalidations` is announced with NOTIFY by the database
 * itself, when its transaction commits (never for one rolled back), so every node LISTENing hears
 * of a revocation at once instead of at its next poll of the table, whoever wrote it: a server
 * node, the operator CLI, a script. The channel is the table's schema hashed
 * (`cache/pg-notify.ts` names it the same way); the payload is the row's ids, or `{}` in the
 * unlikely case they would not fit a notification (the listener then reads the table).
 */
export function invalidationNotifyMigration({ engine }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (engine !== 'postgres') return;
      await sql`
        create function iqra_invalidation_notify() returns trigger language plpgsql as $$
        declare
          payload text := json_build_object(
            'keyId', new.key_id, 'userId', new.user_id, 'businessId', new.business_id)::text;
        begin
          if octet_length(payload) >= 8000 then
            payload := '{}';
          end if;
          perform pg_notify('iqra_invalidations_' || substr(md5(tg_table_schema), 1, 16), payload);
          return null;
        end $$
      `.execute(db);
      await sql`
        create trigger cache_invalidations_notify after insert on cache_invalidations
        for each row execute function iqra_invalidation_notify()
      `.execute(db);
    },
  };
}
