import { createHash } from 'node:crypto';
import { recordAudit } from '../audit/repo.js';
import type { AuditActor, RequestOrigin } from '../auth/actor.js';
import { throttled } from '../auth/guard.js';
import { isWellFormedKey, KEY_PREFIX, type KeyHasher } from '../auth/key-format.js';
import type { Throttle } from '../auth/rate-limit.js';
import type { Invalidation } from '../cache/invalidation.js';
import type { Db } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { CursorCodec, Page } from '../http/pagination.js';
import { paginate } from '../http/route-kit.js';
import { newId } from '../ids.js';
import { findApiKeyById, findKeyForVerification } from '../keys/repo.js';
import { recordEvent } from '../webhooks/outbox.js';
import {
  dismissNotice,
  findUserEmail,
  insertNoticeOnce,
  listNotices,
  type NoticeRow,
  reachableBusinessIds,
} from './repo.js';
import type { Notice, ReportedToken, ReportLabel } from './schemas.js';
import { loadPartnerKeys, type PartnerSignature, verifyPartnerSignature } from './signature.js';

/** What a leak revoke changed: the found key itself, and the descendants it revoked. */
export interface LeakRevocation {
  changed: boolean;
  cascaded: string[];
}

export interface LeakServiceDeps {
  db: Db;
  hash: KeyHasher;
  cursors: CursorCodec;
  /** Revokes the found key and its descendants inside the given transaction (keys feature). */
  revokeLeaked: (trx: Db, keyId: string, auditActor: AuditActor) => Promise<LeakRevocation>;
  publish: (invalidation: Invalidation) => void;
  /** Failed authentications per client address: a bad signature spends one. */
  authFailures: Pick<Throttle, 'consume' | 'isExhausted'>;
  /** The partner's key file (`SECRET_SCANNING_KEYS_FILE`); unset turns the endpoint off. */
  partnerKeysFile: string | undefined;
  /** Called after new webhook events were written (wakes the deliverer). */
  onEvents: () => void;
}

/** Who reported a leak, for the audit log: `secret_scanning` (a partner) or `cli` (operator). */
export interface LeakSource {
  actor: AuditActor;
  url: string | null;
  source: string | null;
}

export interface LeakOutcome {
  keyId: string;
  /** True when this report told the owner (first report of the key, or it revoked something). */
  reported: boolean;
  revocation: LeakRevocation;
}

export type KeyInspection =
  | { status: 'unknown' }
  | {
      status: 'active' | 'revoked' | 'expired';
      keyId: string;
      keyName: string;
      ownerEmail: string;
    };

export type LeakService = ReturnType<typeof leakService>;

export function leakService(deps: LeakServiceDeps) {
  const { db, hash, cursors, revokeLeaked, publish, authFailures } = deps;

  /**
   * Revokes a leaked key with cascade and tells its owner once: an audit event, a notice and a
   * webhook event to every business the key could reach, all in the revoke's transaction. The
   * walk runs every time (whatever the key's status); a repeated report changes nothing.
   */
  async function respond(token: string, from: LeakSource): Promise<LeakOutcome | undefined> {
    if (!isWellFormedKey(token)) return undefined;
    const found = await findKeyForVerification(db, hash(token));
    if (!found) return undefined;
    const outcome = await db.transaction().execute(async (trx) => {
      const revocation = await revokeLeaked(trx, found.id, from.actor);
      const key = await findApiKeyById(trx, found.id);
      if (!key) return { keyId: found.id, reported: false, revocation };
      const at = new Date().toISOString();
      const firstReport = await insertNoticeOnce(trx, {
        id: newId('ntc'),
        user_id: key.user_id,
        kind: 'api_key_leaked',
        key_id: key.id,
        url: from.url,
        created_at: at,
        dismissed_at: null,
      });
      const reported = firstReport || revocation.changed || revocation.cascaded.length > 0;
      if (!reported) return { keyId: key.id, reported, revocation };
      await recordAudit(trx, {
        userId: key.user_id,
        actor: from.actor,
        action: 'api_key.leaked',
        targetId: key.id,
        data: {
          url: from.url,
          source: from.source,
          revoked: revocation.changed,
          cascaded: revocation.cascaded,
        },
      });
      for (const businessId of await reachableBusinessIds(trx, key)) {
        await recordEvent(trx, {
          businessId,
          type: 'api_key.leaked',
          data: {
            keyId: key.id,
            name: key.name,
            prefix: key.prefix,
            lastFour: key.last_four,
            url: from.url,
            source: from.source,
            cascaded: revocation.cascaded,
          },
        });
      }
      return { keyId: key.id, reported, revocation };
    });
    const { changed, cascaded } = outcome.revocation;
    for (const keyId of changed ? [outcome.keyId, ...cascaded] : cascaded) publish({ keyId });
    if (outcome.reported) deps.onEvents();
    return outcome;
  }

  return {
    respond,

    /** True when the partner endpoint is on (`SECRET_SCANNING_KEYS_FILE` is set). */
    partnerEnabled: deps.partnerKeysFile !== undefined,

    /**
     * A secret scanning partner's report: the signature over the raw bytes is checked before
     * anything is parsed; a bad one spends the address's failure budget and revokes nothing.
     */
    async partnerReport(
      raw: Buffer,
      signed: PartnerSignature,
      origin: RequestOrigin,
    ): Promise<ReportLabel[]> {
      if (!deps.partnerKeysFile) throw new ApiError('not_found');
      const { ip } = origin;
      const spent = await authFailures.isExhausted(ip);
      if (spent) throw throttled(spent);
      const keys = await loadPartnerKeys(deps.partnerKeysFile);
      if (!verifyPartnerSignature(keys, signed, raw)) {
        const failures = await authFailures.consume(ip);
        if (!failures.allowed) throw throttled(failures);
        throw new ApiError('scanning_signature_invalid');
      }
      const items = parseReport(raw);
      // The partner's request is where the report came from: its address goes in the log.
      const actor: AuditActor = { id: 'secret_scanning', ...origin };
      const labels: ReportLabel[] = [];
      for (const item of items) {
        const isKey = item.token.startsWith(KEY_PREFIX);
        const outcome = isKey
          ? await respond(item.token, { actor, url: item.url, source: item.source })
          : undefined;
        labels.push({
          token_hash: createHash('sha256').update(item.token).digest('hex'),
          token_type: item.type,
          label: outcome ? 'true_positive' : 'false_positive',
        });
      }
      return labels;
    },

    /** What the operator's `iqra scan --check` shows for a found key. */
    async inspect(token: string): Promise<KeyInspection> {
      if (!isWellFormedKey(token)) return { status: 'unknown' };
      const found = await findKeyForVerification(db, hash(token));
      const key = found && (await findApiKeyById(db, found.id));
      if (!key) return { status: 'unknown' };
      const expired = key.expires_at !== null && key.expires_at <= new Date().toISOString();
      return {
        status: key.status === 'revoked' ? 'revoked' : expired ? 'expired' : 'active',
        keyId: key.id,
        keyName: key.name,
        ownerEmail: (await findUserEmail(db, key.user_id)) ?? '',
      };
    },

    async listNotices(
      userId: string,
      query: { limit?: number; cursor?: string },
    ): Promise<Page<Notice>> {
      return paginate(
        cursors,
        query,
        (page) => listNotices(db, { userId, ...page }),
        (r) => r.id,
        toNotice,
      );
    },

    /** Another user's notice answers exactly like one that does not exist. */
    async dismiss(userId: string, noticeId: string): Promise<Notice> {
      const row = await dismissNotice(db, userId, noticeId, new Date().toISOString());
      if (!row) throw new ApiError('not_found');
      return toNotice(row);
    },
  };
}

function toNotice(row: NoticeRow): Notice {
  return {
    id: row.id,
    kind: row.kind,
    keyId: row.key_id,
    url: row.url,
    at: row.created_at,
    dismissedAt: row.dismissed_at,
  };
}

const MAX_FIELD = 8192;

/** The signed body: a JSON array of `{ token, type, url, source }` (400 naming what is wrong). */
function parseReport(raw: Buffer): ReportedToken[] {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError('invalid_json');
  }
  if (!Array.isArray(body)) {
    throw ApiError.invalidField('', 'must be a JSON array of { token, type, url, source }');
  }
  return body.map((item: unknown, i) => {
    const fields = (item ?? {}) as Record<string, unknown>;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw ApiError.invalidField(`/${i}`, 'must be an object { token, type, url, source }');
    }
    const text = (name: string, optional: boolean): string | null => {
      const value = fields[name];
      if ((value === undefined || value === null) && optional) return null;
      if (typeof value !== 'string' || value.length > MAX_FIELD) {
        throw ApiError.invalidField(
          `/${i}/${name}`,
          `must be a string of at most ${MAX_FIELD} characters`,
        );
      }
      return value;
    };
    return {
      token: text('token', false) ?? '',
      type: text('type', false) ?? '',
      url: text('url', true),
      source: text('source', true),
    };
  });
}
