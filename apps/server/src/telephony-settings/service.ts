import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import type { AuditActor } from '../auth/actor.js';
import type { BusinessRow } from '../businesses/repo.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database, ProviderName } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { checkPhoneNumber } from '../http/phone-number.js';
import type { TwilioCredentials } from '../telephony/twilio.js';
import { findTelephony, saveTelephony, type TelephonyRow } from './repo.js';
import type { Telephony } from './schemas.js';

export type TelephonyInput =
  | { provider: 'simulator' }
  | { provider: 'twilio'; accountSid: string; authToken?: string; fromNumber: string };

/** The sealing context of a business's token: a token moved onto another business won't open. */
const tokenContext = (businessId: string) => `telephony:${businessId}`;

function toView(row: TelephonyRow | undefined): Telephony {
  return {
    provider: row?.provider ?? 'simulator',
    accountSid: row?.account_sid ?? null,
    fromNumber: row?.from_number ?? null,
    updatedAt: row?.updated_at ?? null,
  };
}

export type TelephonyService = ReturnType<typeof telephonyService>;

export function telephonyService({ db, box }: { db: Kysely<Database>; box: SecretBox }) {
  return {
    async get(businessId: string): Promise<Telephony> {
      return toView(await findTelephony(db, businessId));
    },

    /** Switches provider. The auth token is sealed at once and never shown again. */
    async put(business: BusinessRow, input: TelephonyInput, actor: AuditActor): Promise<Telephony> {
      const now = new Date().toISOString();
      let row: TelephonyRow;
      if (input.provider === 'simulator') {
        row = {
          business_id: business.id,
          provider: 'simulator',
          account_sid: null,
          auth_token: null,
          from_number: null,
          updated_at: now,
        };
      } else {
        const existing = await findTelephony(db, business.id);
        // Re-sending the token to change the caller id is optional, for the same account only.
        const kept =
          existing?.provider === 'twilio' && existing.account_sid === input.accountSid
            ? existing.auth_token
            : null;
        const authToken = input.authToken
          ? box.seal(input.authToken, tokenContext(business.id))
          : kept;
        if (!authToken) throw ApiError.invalidField('/authToken', 'is required');
        row = {
          business_id: business.id,
          provider: 'twilio',
          account_sid: input.accountSid,
          auth_token: authToken,
          from_number: checkPhoneNumber(input.fromNumber, '/fromNumber'),
          updated_at: now,
        };
      }
      await db.transaction().execute(async (trx) => {
        await saveTelephony(trx, row);
        await recordAudit(trx, {
          userId: business.owner_id,
          actor,
          action: 'telephony.updated',
          businessId: business.id,
          targetId: business.id,
          data: { provider: row.provider },
        });
      });
      return toView(row);
    },

    /** What a new call of the business uses: its provider and default caller id. */
    async settingsFor(
      businessId: string,
    ): Promise<{ provider: ProviderName; from: string | null }> {
      const row = await findTelephony(db, businessId);
      return { provider: row?.provider ?? 'simulator', from: row?.from_number ?? null };
    },

    async twilioCredentials(businessId: string): Promise<TwilioCredentials | undefined> {
      const row = await findTelephony(db, businessId);
      if (row?.provider !== 'twilio' || !row.account_sid || !row.auth_token || !row.from_number) {
        return undefined;
      }
      return {
        accountSid: row.account_sid,
        authToken: box.open(row.auth_token, tokenContext(businessId)),
        fromNumber: row.from_number,
      };
    },
  };
}
