import type { Selectable, Updateable } from 'kysely';
import { limitOf } from '../db/limit.js';
import type { AgentsTable, Db } from '../db/schema.js';

export type AgentRow = Selectable<AgentsTable>;

export async function insertAgent(db: Db, row: AgentRow): Promise<void> {
  await db.insertInto('agents').values(row).execute();
}

export async function findAgent(
  db: Db,
  businessId: string,
  agentId: string,
): Promise<AgentRow | undefined> {
  return db
    .selectFrom('agents')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('id', '=', agentId)
    .executeTakeFirst();
}

/** Newest first; `before` is the keyset position (an id). */
export async function listAgents(
  db: Db,
  q: { businessId: string; before?: string; limit: number },
): Promise<AgentRow[]> {
  let query = db
    .selectFrom('agents')
    .selectAll()
    .where('business_id', '=', q.businessId)
    .orderBy('id', 'desc')
    .limit(limitOf(q.limit));
  if (q.before) query = query.where('id', '<', q.before);
  return query.execute();
}

export async function updateAgent(
  db: Db,
  businessId: string,
  agentId: string,
  patch: Updateable<AgentsTable>,
): Promise<void> {
  await db
    .updateTable('agents')
    .set(patch)
    .where('business_id', '=', businessId)
    .where('id', '=', agentId)
    .execute();
}

export async function deleteAgent(db: Db, businessId: string, agentId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('agents')
    .where('business_id', '=', businessId)
    .where('id', '=', agentId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
