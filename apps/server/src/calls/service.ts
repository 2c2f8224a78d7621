import type { Kysely } from 'kysely';
import type { AgentRow } from '../agents/repo.js';
import { fillTemplate, VARIABLE_NAME, variablesIn, variableValue } from '../agents/template.js';
import { holdCredit, openBillingAccount } from '../billing/repo.js';
import type { BusinessRow } from '../businesses/repo.js';
import { insertConversation } from '../conversations/repo.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Transact } from '../db/group-commit.js';
import type { CallStatus, Database, ProviderName } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { CursorCodec, Page } from '../http/pagination.js';
import { checkPhoneNumber } from '../http/phone-number.js';
import { isoTime, paginate } from '../http/route-kit.js';
import { isId, newId } from '../ids.js';
import type { TelephonyProvider } from '../telephony/provider.js';
import { SIMULATOR_FROM } from '../telephony/simulator.js';
import { recordEvent } from '../webhooks/outbox.js';
import {
  claimIdempotencyKey,
  findIdempotencyKey,
  type IdempotencyRow,
  requestHash,
} from './idempotency.js';
import type { CallLifecycle } from './lifecycle.js';
import { findCall, insertCall, listCalls } from './repo.js';
import type { Call } from './schemas.js';
import { type AgentSnapshot, type CallRow, toCallView, toDialRequest } from './views.js';

export interface CreateCallInput {
  agentId: string;
  to: string;
  from?: string;
  variables?: Record<string, string>;
  metadata?: Record<string, string>;
}

export interface CallServiceDeps {
  db: Kysely<Database>;
  /** Runs the accepting transaction (group-committed on SQLite). */
  transact: Transact;
  cursors: CursorCodec;
  findAgent: (businessId: string, agentId: string) => Promise<AgentRow | undefined>;
  telephonySettings: (
    businessId: string,
  ) => Promise<{ provider: ProviderName; from: string | null }>;
  lifecycle: Pick<CallLifecycle, 'finish'>;
  providers: Record<ProviderName, Pick<TelephonyProvider, 'cancel'>>;
  freeCreditMinutes: number;
  /** Credit reserved per accepted call: the longest a call may last, in minutes. */
  holdMinutes: number;
  /** After a call was accepted: wake the dispatcher and the webhook deliverer. */
  onAccepted: () => void;
  onError: (error: unknown, context: string) => void;
}

export type CallService = ReturnType<typeof callService>;

export function callService(deps: CallServiceDeps) {
  const { db, cursors } = deps;

  async function find(businessId: string, callId: string): Promise<CallRow> {
    const row = isId('call', callId) ? await findCall(db, businessId, callId) : undefined;
    if (!row) throw new ApiError('not_found');
    return row;
  }

  async function replay(business: BusinessRow, record: IdempotencyRow, hash: string) {
    if (record.request_hash !== hash) throw new ApiError('idempotency_mismatch');
    return { call: toCallView(await find(business.id, record.call_id)), replayed: true };
  }

  return {
    /**
     * Accepts a call: the call, its conversation, its idempotency record, its `call.queued`
     * event and its credit hold are committed together before the answer, so an accepted call is
     * never lost and never spends credit another call holds. With an `Idempotency-Key`, the same
     * key and body within 24 hours give back the first call.
     */
    async create(
      business: BusinessRow,
      input: CreateCallInput,
      idempotencyKey?: string,
    ): Promise<{ call: Call; replayed: boolean }> {
      const now = Date.now();
      const hash = requestHash(input);
      if (idempotencyKey) {
        const record = await findIdempotencyKey(db, business.id, idempotencyKey, now);
        if (record) return replay(business, record, hash);
      }

      const agent = isId('agt', input.agentId)
        ? await deps.findAgent(business.id, input.agentId)
        : undefined;
      if (!agent) throw ApiError.invalidField('/agentId', 'is not an agent of this business');
      const to = checkPhoneNumber(input.to, '/to');
      const variables = checkVariables(agent, input.variables ?? {});
      const settings = await deps.telephonySettings(business.id);
      const from =
        input.from !== undefined
          ? checkPhoneNumber(input.from, '/from')
          : (settings.from ?? SIMULATOR_FROM);
      const metadata = input.metadata ?? {};

      const at = new Date(now).toISOString();
      const snapshot: AgentSnapshot = {
        name: agent.name,
        language: agent.language,
        voice: agent.voice,
        greeting: fillTemplate(agent.greeting, variables),
        instructions: fillTemplate(agent.instructions, variables),
        businessName: business.name,
      };
      const row: CallRow = {
        id: newId('call'),
        business_id: business.id,
        agent_id: agent.id,
        conversation_id: newId('conv'),
        direction: 'outbound',
        to_number: to,
        from_number: from,
        status: 'queued',
        ended_reason: null,
        variables: JSON.stringify(variables),
        metadata: JSON.stringify(metadata),
        agent_snapshot: JSON.stringify(snapshot),
        provider: settings.provider,
        provider_call_id: null,
        dial_attempts: 0,
        claimed_by: null,
        lease_until: null,
        created_at: at,
        updated_at: at,
        dialed_at: null,
        answered_at: null,
        ended_at: null,
        duration_seconds: 0,
      };
      try {
        // Grouped by account: one account's calls accepted in a turn share a commit.
        await deps.transact(async (trx) => {
          if (idempotencyKey) {
            await claimIdempotencyKey(
              trx,
              {
                business_id: business.id,
                key: idempotencyKey,
                request_hash: hash,
                call_id: row.id,
                created_at: at,
              },
              now,
            );
          }
          await insertCall(trx, row);
          await insertConversation(trx, {
            id: row.conversation_id,
            business_id: business.id,
            call_id: row.id,
            agent_id: agent.id,
            direction: 'outbound',
            status: 'queued',
            started_at: at,
            answered_at: null,
            ended_at: null,
            duration_seconds: 0,
            ended_reason: null,
            updated_at: at,
          });
          await recordEvent(trx, {
            businessId: business.id,
            type: 'call.queued',
            data: toCallView(row),
          });
          // Last, so the account stays locked only for the commit; a refusal undoes it all.
          const hold = {
            callId: row.id,
            userId: business.owner_id,
            minutes: deps.holdMinutes,
            now: at,
          };
          let held = await holdCredit(trx, hold);
          // The owner's first call opens the account (with the free credit) and tries again.
          if (!held && (await openBillingAccount(trx, hold.userId, deps.freeCreditMinutes, at))) {
            held = await holdCredit(trx, hold);
          }
          if (!held) {
            throw new ApiError(
              'insufficient_credit',
              `The account has no call credit left for another call: each call in flight holds ${deps.holdMinutes} minutes until it ends. Add credit to place calls.`,
            );
          }
        }, business.owner_id);
      } catch (error) {
        if (idempotencyKey && isUniqueViolation(error)) {
          // Another request with this key committed first: answer with its call.
          const record = await findIdempotencyKey(db, business.id, idempotencyKey, Date.now());
          if (record) return replay(business, record, hash);
        }
        throw error;
      }
      deps.onAccepted();
      return { call: toCallView(row), replayed: false };
    },

    async list(
      businessId: string,
      query: {
        limit?: number;
        cursor?: string;
        status?: CallStatus;
        agentId?: string;
        to?: string;
        createdAfter?: string;
        createdBefore?: string;
      },
    ): Promise<Page<Call>> {
      const createdAfter = query.createdAfter && isoTime(query.createdAfter, 'createdAfter');
      const createdBefore = query.createdBefore && isoTime(query.createdBefore, 'createdBefore');
      return paginate(
        cursors,
        query,
        (page) =>
          listCalls(db, {
            businessId,
            status: query.status,
            agentId: query.agentId,
            to: query.to,
            createdAfter,
            createdBefore,
            ...page,
          }),
        (r) => r.id,
        toCallView,
      );
    },

    async get(businessId: string, callId: string): Promise<Call> {
      return toCallView(await find(businessId, callId));
    },

    /** Cancels a call that was not answered yet; a 409 once it was. */
    async cancel(business: BusinessRow, callId: string): Promise<Call> {
      await find(business.id, callId);
      const at = new Date();
      const canceled = await deps.lifecycle.finish(
        callId,
        {
          status: 'canceled',
          endedReason: 'canceled',
          endedAt: at,
          durationSeconds: 0,
          messages: [{ role: 'system', text: 'The call was canceled before it was answered.', at }],
        },
        ['queued', 'ringing'],
      );
      const current = await find(business.id, callId);
      if (!canceled) throw notCancelable(current.status);
      if (current.provider_call_id) {
        // The carrier may be ringing the callee already: hang up there too (best effort).
        await deps.providers[current.provider]
          .cancel(toDialRequest(current))
          .catch((error) => deps.onError(error, `cancel call ${callId} at the provider`));
      }
      deps.onAccepted();
      return toCallView(current);
    },
  };
}

function notCancelable(status: CallStatus): ApiError {
  return new ApiError(
    'conflict',
    status === 'in_progress'
      ? 'The call was already answered; it can no longer be canceled.'
      : `The call already ended (status: ${status}); it can no longer be canceled.`,
  );
}

/** Every variable the agent uses must have a value; a 400 names the first one missing. */
function checkVariables(agent: AgentRow, given: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(given)) {
    if (!VARIABLE_NAME.test(name)) {
      throw ApiError.invalidField(
        `/variables/${name}`,
        'is not a valid variable name (letters, digits and underscores, not starting with a digit)',
      );
    }
  }
  const used = [...new Set([...variablesIn(agent.greeting), ...variablesIn(agent.instructions)])];
  const missing = used.find((name) => variableValue(given, name) === undefined);
  if (missing !== undefined) {
    throw ApiError.invalidField(
      `/variables/${missing}`,
      `is required: the agent uses {{${missing}}} (needs: ${used.join(', ')})`,
    );
  }
  return given;
}
