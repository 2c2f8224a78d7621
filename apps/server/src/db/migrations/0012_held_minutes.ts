import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * The minutes an account's holds reserve, kept on the account. Summing the holds on every accepted
 * call cost more the more calls were in flight (a queue of 30,000 calls made each new one slower),
 * so the sum lives in `held_minutes`. Triggers keep it, not the code: a hold row is inserted when
 * a call is accepted and deleted when it ends, or by the cascade when its business and calls are
 * deleted, and the triggers see all three, so the column stays exactly the sum of the rows and
 * nothing can leave credit held forever (the promise of 0006).
 */
export function heldMinutesMigration({ engine }: MigrationContext) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('billing_accounts')
        .addColumn('held_minutes', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`
        update billing_accounts set held_minutes = coalesce(
          (select sum(h.minutes) from credit_holds h where h.user_id = billing_accounts.user_id), 0)
      `.execute(db);
      if (engine === 'postgres') {
        await sql`
          create function iqra_credit_hold_changed() returns trigger language plpgsql as $$
          begin
            if tg_op = 'INSERT' then
              update billing_accounts set held_minutes = held_minutes + new.minutes
                where user_id = new.user_id;
              return new;
            end if;
            update billing_accounts set held_minutes = held_minutes - old.minutes
              where user_id = old.user_id;
            return old;
          end $$
        `.execute(db);
        await sql`
          create trigger credit_holds_held_minutes after insert or delete on credit_holds
          for each row execute function iqra_credit_hold_changed()
        `.execute(db);
        return;
      }
      await sql`
        create trigger credit_holds_added after insert on credit_holds begin
          update billing_accounts set held_minutes = held_minutes + new.minutes
            where user_id = new.user_id;
        end
      `.execute(db);
      // SQLite runs the delete triggers of rows its foreign-key cascades remove, too.
      await sql`
        create trigger credit_holds_removed after delete on credit_holds begin
          update billing_accounts set held_minutes = held_minutes - old.minutes
            where user_id = old.user_id;
        end
      `.execute(db);
    },
  };
}
