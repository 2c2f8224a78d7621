import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { newId } from '../ids.js';

export interface AuditEntry {
  userId: string;
  /** `key_…`, `session` or `cli`. */
  actor: string;
  action: string;
  targetId?: string;
  data?: Record<string, unknown>;
}

/** Written inside the caller's transaction, so the record exists exactly when the change does. */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: newId('aud'),
      user_id: entry.userId,
      actor: entry.actor,
      action: entry.action,
      target_id: entry.targetId ?? null,
      data: entry.data ? JSON.stringify(entry.data) : null,
      created_at: new Date().toISOString(),
    })
    .execute();
}
