import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { newId } from '../ids.js';
import { currentOrigin } from './context.js';

export interface AuditEntry {
  userId: string;
  /** `key_…`, `session`, `cli`, `secret_scanning` or `system`. */
  actor: string;
  action: string;
  targetId?: string;
  /** The business the event is about, so restricted keys see their part of the log. */
  businessId?: string;
  /** Never a secret: only names, ids, limits and reasons. */
  data?: Record<string, unknown>;
}

/** Written inside the caller's transaction, so the record exists exactly when the change does. */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  const origin = currentOrigin();
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
      business_id: entry.businessId ?? null,
      ip: origin?.ip ?? null,
      user_agent: origin?.userAgent ?? null,
    })
    .execute();
}
