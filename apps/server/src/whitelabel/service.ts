import { recordAudit } from '../audit/repo.js';
import type { AuditActor } from '../auth/actor.js';
import type { Db } from '../db/schema.js';
import { findWhitelabel, saveWhitelabel, type WhitelabelRow } from './repo.js';
import type { PutWhitelabelRequest, Whitelabel } from './schemas.js';

function toView(row: WhitelabelRow | undefined): Whitelabel {
  return {
    brandName: row?.brand_name ?? null,
    logoUrl: row?.logo_url ?? null,
    primaryColor: row?.primary_color ?? null,
    supportEmail: row?.support_email ?? null,
    customDomain: row?.custom_domain ?? null,
    updatedAt: row?.updated_at ?? null,
  };
}

export type WhitelabelService = ReturnType<typeof whitelabelService>;

export function whitelabelService({ db }: { db: Db }) {
  return {
    async get(userId: string): Promise<Whitelabel> {
      return toView(await findWhitelabel(db, userId));
    },

    /** Replaces the settings (omitted fields are cleared), audited in the same transaction. */
    async put(userId: string, input: PutWhitelabelRequest, actor: AuditActor): Promise<Whitelabel> {
      const row: WhitelabelRow = {
        user_id: userId,
        brand_name: input.brandName?.trim() ?? null,
        logo_url: input.logoUrl ?? null,
        primary_color: input.primaryColor?.toLowerCase() ?? null,
        support_email: input.supportEmail ?? null,
        custom_domain: input.customDomain ?? null,
        updated_at: new Date().toISOString(),
      };
      await db.transaction().execute(async (trx) => {
        await saveWhitelabel(trx, row);
        await recordAudit(trx, { userId, actor, action: 'whitelabel.updated' });
      });
      return toView(row);
    },
  };
}
