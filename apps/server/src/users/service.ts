import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import type { AuditActor } from '../auth/actor.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../auth/passwords.js';
import { type Invalidation, recordInvalidation } from '../cache/invalidation.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Database } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { requireText } from '../http/route-kit.js';
import { newId } from '../ids.js';
import { findUserByEmail, findUserById, insertUser, type UserRow, updateUser } from './repo.js';
import type { User } from './schemas.js';

export function toUserView(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.created_at };
}

export interface UserServiceDeps {
  db: Kysely<Database>;
  publish: (invalidation: Invalidation) => void;
}

export type UserService = ReturnType<typeof userService>;

export function userService({ db, publish }: UserServiceDeps) {
  return {
    /** Creates an account. `password` may be omitted for accounts run only by API keys. */
    async create(
      input: { email: string; name: string; password?: string },
      actor: AuditActor,
    ): Promise<UserRow> {
      const email = input.email.trim().toLowerCase();
      const name = requireText(input.name, '/name');
      const passwordHash = input.password ? await hashPassword(input.password) : null;
      const now = new Date().toISOString();
      const row: UserRow = {
        id: newId('usr'),
        email,
        name,
        password_hash: passwordHash,
        disabled: 0,
        created_at: now,
        updated_at: now,
      };
      if (await findUserByEmail(db, email)) throw new ApiError('email_taken');
      try {
        await db.transaction().execute(async (trx) => {
          await insertUser(trx, row);
          await recordAudit(trx, {
            userId: row.id,
            actor,
            action: 'user.signed_up',
            targetId: row.id,
          });
        });
      } catch (error) {
        // Two signups racing for one email: the unique index decides.
        if (isUniqueViolation(error)) throw new ApiError('email_taken');
        throw error;
      }
      return row;
    },

    /** The user for these credentials; the same answer and timing for an unknown email. */
    async checkPassword(email: string, password: string): Promise<UserRow | undefined> {
      const user = await findUserByEmail(db, email.trim());
      if (!user?.password_hash) {
        await verifyAgainstDummy(password);
        return undefined;
      }
      return (await verifyPassword(password, user.password_hash)) ? user : undefined;
    },

    async get(userId: string): Promise<UserRow> {
      const user = await findUserById(db, userId);
      if (!user) throw new ApiError('not_found');
      return user;
    },

    async findByEmailOrId(ref: string): Promise<UserRow | undefined> {
      return ref.startsWith('usr_') ? findUserById(db, ref) : findUserByEmail(db, ref);
    },

    async update(userId: string, patch: { name?: string }, actor: AuditActor): Promise<UserRow> {
      const name = patch.name === undefined ? undefined : requireText(patch.name, '/name');
      await db.transaction().execute(async (trx) => {
        await updateUser(trx, userId, { name, updated_at: new Date().toISOString() });
        await recordAudit(trx, { userId, actor, action: 'user.updated', targetId: userId });
      });
      return this.get(userId);
    },

    /** An operator action: every key and session of the user answers 403 until re-enabled. */
    async setDisabled(userId: string, disabled: boolean, actor: AuditActor): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await updateUser(trx, userId, {
          disabled: disabled ? 1 : 0,
          updated_at: new Date().toISOString(),
        });
        await recordAudit(trx, {
          userId,
          actor,
          action: disabled ? 'user.disabled' : 'user.enabled',
          targetId: userId,
        });
        await recordInvalidation(trx, { userId });
      });
      publish({ userId });
    },
  };
}
