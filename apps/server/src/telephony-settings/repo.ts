import type { Selectable } from 'kysely';
import type { BusinessTelephonyTable, Db } from '../db/schema.js';

export type TelephonyRow = Selectable<BusinessTelephonyTable>;

export async function findTelephony(db: Db, businessId: string): Promise<TelephonyRow | undefined> {
  return db
    .selectFrom('business_telephony')
    .selectAll()
    .where('business_id', '=', businessId)
    .executeTakeFirst();
}

export async function saveTelephony(db: Db, row: TelephonyRow): Promise<void> {
  const { business_id: _id, ...fields } = row;
  await db
    .insertInto('business_telephony')
    .values(row)
    .onConflict((oc) => oc.column('business_id').doUpdateSet(fields))
    .execute();
}
