import type { Kysely } from 'kysely';
import { IDEMPOTENCY_WINDOW_MS, requestHash } from '../calls/idempotency.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Database } from '../db/schema.js';
import { ApiError } from '../http/errors.js';

/**
 * Idempotency-Key for key create and roll (API.md §5). The first answer holds the new secret,
 * so it is stored sealed (AES-GCM, bound to the account and the key) and never in plain text.
 * The claim is written in the transaction that mints the key: concurrent requests with one key
 * conflict on the primary key, the losers roll back (their key and its audit event with them)
 * and replay the winner's answer.
 */
export function keyIdempotency<T>(db: Kysely<Database>, box: SecretBox) {
  const contextOf = (userId: string, key: string) => `${userId}:${key}`;

  async function replay(userId: string, key: string, hash: string): Promise<T | undefined> {
    const row = await db
      .selectFrom('key_idempotency')
      .selectAll()
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .where('created_at', '>=', new Date(Date.now() - IDEMPOTENCY_WINDOW_MS).toISOString())
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.request_hash !== hash) throw new ApiError('idempotency_mismatch');
    return JSON.parse(box.open(row.response, contextOf(userId, key))) as T;
  }

  return {
    async run(
      userId: string,
      key: string | undefined,
      /** The operation and its body: the same key on another operation is another request. */
      request: unknown,
      work: (trx: Kysely<Database>) => Promise<T>,
    ): Promise<{ result: T; replayed: boolean }> {
      if (key === undefined) {
        return { result: await db.transaction().execute(work), replayed: false };
      }
      const hash = requestHash(request);
      const earlier = await replay(userId, key, hash);
      if (earlier !== undefined) return { result: earlier, replayed: true };
      try {
        const result = await db.transaction().execute(async (trx) => {
          const made = await work(trx);
          const now = new Date().toISOString();
          await trx
            .deleteFrom('key_idempotency')
            .where('user_id', '=', userId)
            .where('key', '=', key)
            .where('created_at', '<', new Date(Date.now() - IDEMPOTENCY_WINDOW_MS).toISOString())
            .execute();
          await trx
            .insertInto('key_idempotency')
            .values({
              user_id: userId,
              key,
              request_hash: hash,
              response: box.seal(JSON.stringify(made), contextOf(userId, key)),
              created_at: now,
            })
            .execute();
          return made;
        });
        return { result, replayed: false };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const winner = await replay(userId, key, hash);
        if (winner === undefined) throw error;
        return { result: winner, replayed: true };
      }
    },
  };
}

/** Drops records past the window (the maintenance loop). */
export async function purgeKeyIdempotency(db: Kysely<Database>, now = Date.now()): Promise<void> {
  await db
    .deleteFrom('key_idempotency')
    .where('created_at', '<', new Date(now - IDEMPOTENCY_WINDOW_MS).toISOString())
    .execute();
}
