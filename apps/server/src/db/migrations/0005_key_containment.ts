import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * A key's business scope lives only in `api_key_businesses` (the JSON copy drifted when a
 * business was deleted); keys record who created them and why they were revoked.
 */
export function keyContainmentMigration({ engine }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // Rows written before the join table was trusted may lack join rows: rebuild them from the
      // JSON list, keeping only businesses that still exist and belong to the key's owner.
      const elements =
        engine === 'postgres'
          ? sql`jsonb_array_elements_text(k.business_ids::jsonb) as j(value)`
          : sql`json_each(k.business_ids) as j`;
      await sql`
        insert into api_key_businesses (key_id, business_id)
        select k.id, j.value from api_keys k cross join ${elements}
        where k.business_scope_type = 'restricted'
          and exists (select 1 from businesses b where b.id = j.value and b.owner_id = k.user_id)
        on conflict do nothing`.execute(db);

      await db.schema
        .alterTable('api_keys')
        .addColumn('revoked_reason', 'text', (c) =>
          c.check(sql`revoked_reason in ('manual', 'cascade', 'leaked', 'scope_empty')`),
        )
        .execute();
      await db.schema
        .alterTable('api_keys')
        .addColumn('created_by_type', 'text', (c) =>
          c
            .notNull()
            .defaultTo('user')
            .check(sql`created_by_type in ('user', 'api_key', 'operator')`),
        )
        .execute();
      await db.schema.alterTable('api_keys').addColumn('created_by_id', 'text').execute();

      // Before this migration a key was made by its user (session or CLI: not told apart) or by
      // another key; "user" is the honest reading of the former.
      await sql`
        update api_keys set
          created_by_type = case when created_by_key_id is null then 'user' else 'api_key' end,
          created_by_id = coalesce(created_by_key_id, user_id)`.execute(db);
      await sql`update api_keys set revoked_reason = 'manual' where status = 'revoked'`.execute(db);
      // A restricted key whose every business is gone reached nothing; it is now revoked as such.
      await sql`
        update api_keys set status = 'revoked', revoked_reason = 'scope_empty',
          revoked_at = coalesce(revoked_at, ${new Date().toISOString()})
        where business_scope_type = 'restricted' and status = 'active'
          and not exists (select 1 from api_key_businesses a where a.key_id = api_keys.id)`.execute(
        db,
      );

      await db.schema.alterTable('api_keys').dropColumn('business_ids').execute();
      await db.schema.alterTable('api_keys').dropColumn('created_by_key_id').execute();
      // The cascade walk (keys made by a key) reads by creator.
      await db.schema
        .createIndex('api_keys_created_by_id')
        .on('api_keys')
        .column('created_by_id')
        .execute();
    },
  };
}
