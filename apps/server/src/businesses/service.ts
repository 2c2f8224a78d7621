import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import type { AuditActor } from '../auth/actor.js';
import type { Principal } from '../auth/principal.js';
import { type Invalidation, recordInvalidation } from '../cache/invalidation.js';
import type { Database } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { CursorCodec, Page } from '../http/pagination.js';
import { paginate, requireText } from '../http/route-kit.js';
import { newId } from '../ids.js';
import { lockKeysRestrictedTo, revokeEmptyScopes } from '../keys/repo.js';
import {
  type BusinessPatch,
  type BusinessRow,
  deleteBusiness,
  insertBusiness,
  listBusinesses,
  updateBusiness,
} from './repo.js';
import type { Business } from './schemas.js';

export function toBusinessView(row: BusinessRow): Business {
  return {
    id: row.id,
    name: row.name,
    defaultLanguage: row.default_language,
    timezone: row.timezone,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface BusinessInput {
  name?: string;
  defaultLanguage?: string;
  timezone?: string;
  disabled?: boolean;
}

export interface BusinessServiceDeps {
  db: Kysely<Database>;
  cursors: CursorCodec;
  publish: (invalidation: Invalidation) => void;
}

export type BusinessService = ReturnType<typeof businessService>;

export function businessService({ db, cursors, publish }: BusinessServiceDeps) {
  return {
    async create(
      ownerId: string,
      input: BusinessInput & { name: string },
      actor: AuditActor,
    ): Promise<BusinessRow> {
      const now = new Date().toISOString();
      const row: BusinessRow = {
        id: newId('biz'),
        owner_id: ownerId,
        name: requireText(input.name, '/name'),
        default_language: checkLanguage(input.defaultLanguage ?? 'en', '/defaultLanguage'),
        timezone: checkTimezone(input.timezone ?? 'UTC', '/timezone'),
        disabled: 0,
        created_at: now,
        updated_at: now,
      };
      await db.transaction().execute(async (trx) => {
        await insertBusiness(trx, row);
        await recordAudit(trx, {
          userId: ownerId,
          actor,
          action: 'business.created',
          businessId: row.id,
          targetId: row.id,
        });
      });
      return row;
    },

    /** The businesses this principal can reach, newest first. */
    async list(
      principal: Principal,
      query: { limit?: number; cursor?: string },
    ): Promise<Page<Business>> {
      return paginate(
        cursors,
        query,
        (page) =>
          listBusinesses(db, {
            ownerId: principal.userId,
            ids:
              principal.businessScope.type === 'restricted'
                ? principal.businessScope.businessIds
                : undefined,
            ...page,
          }),
        (r) => r.id,
        toBusinessView,
      );
    },

    async update(
      business: BusinessRow,
      input: BusinessInput,
      actor: AuditActor,
    ): Promise<BusinessRow> {
      const patch: BusinessPatch = { updated_at: new Date().toISOString() };
      if (input.name !== undefined) patch.name = requireText(input.name, '/name');
      if (input.defaultLanguage !== undefined) {
        patch.default_language = checkLanguage(input.defaultLanguage, '/defaultLanguage');
      }
      if (input.timezone !== undefined) patch.timezone = checkTimezone(input.timezone, '/timezone');
      if (input.disabled !== undefined) patch.disabled = input.disabled ? 1 : 0;
      const updated = await db.transaction().execute(async (trx) => {
        const row = await updateBusiness(trx, business.id, patch);
        await recordAudit(trx, {
          userId: business.owner_id,
          actor,
          action: 'business.updated',
          businessId: business.id,
          targetId: business.id,
          data: { fields: Object.keys(input) },
        });
        await recordInvalidation(trx, { businessId: business.id });
        return row;
      });
      publish({ businessId: business.id });
      if (!updated) throw new ApiError('not_found');
      return updated;
    },

    /**
     * Deletes the business and everything in it. Keys restricted to it lose that business, and
     * one left with none is revoked (`scope_empty`) in the same transaction.
     */
    async remove(business: BusinessRow, actor: AuditActor): Promise<void> {
      const emptied = await db.transaction().execute(async (trx) => {
        const now = new Date().toISOString();
        const scoped = await lockKeysRestrictedTo(trx, business.id);
        await deleteBusiness(trx, business.id);
        const revoked = await revokeEmptyScopes(trx, scoped, now);
        await recordAudit(trx, {
          userId: business.owner_id,
          actor,
          action: 'business.deleted',
          businessId: business.id,
          targetId: business.id,
        });
        for (const keyId of revoked) {
          await recordAudit(trx, {
            userId: business.owner_id,
            actor,
            action: 'api_key.revoked',
            targetId: keyId,
            data: { reason: 'scope_empty', businessId: business.id },
          });
          await recordInvalidation(trx, { keyId });
        }
        await recordInvalidation(trx, { businessId: business.id });
        return revoked;
      });
      publish({ businessId: business.id });
      for (const keyId of emptied) publish({ keyId });
    },
  };
}

const TIMEZONES = new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);

function checkTimezone(value: string, path: string): string {
  if (!TIMEZONES.has(value)) {
    throw ApiError.invalidField(path, 'must be an IANA time zone such as "Europe/Berlin" or "UTC"');
  }
  return value;
}

/** A BCP 47 language tag, canonicalised (`en-us` → `en-US`). */
export function checkLanguage(value: string, path: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    if (canonical && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(canonical)) return canonical;
  } catch {
    // fall through to the 400
  }
  throw ApiError.invalidField(path, 'must be a BCP 47 language tag such as "en" or "pt-BR"');
}
