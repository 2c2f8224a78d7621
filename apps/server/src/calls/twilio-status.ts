import { ApiError } from '../http/errors.js';
import { isId } from '../ids.js';
import type { CallSink, DialRequest, Handoff } from '../telephony/provider.js';
import {
  applyTwilioReport,
  CALL_SID,
  loadTwilio,
  parseTwilioDuration,
  TWILIO_FINAL_STATUSES,
  TWILIO_STATUS_PATH,
  TWILIO_STATUSES,
  type TwilioCredentials,
} from '../telephony/twilio.js';
import type { CallLifecycle } from './lifecycle.js';
import type { CallRow } from './views.js';
import { toDialRequest } from './views.js';

export interface TwilioStatusDeps {
  findCall: (callId: string) => Promise<CallRow | undefined>;
  credentials: (businessId: string) => Promise<TwilioCredentials | undefined>;
  lifecycle: Pick<CallLifecycle, 'sinkFor'>;
  /** Asks Twilio's REST API where the call is and applies that (the provider's `resume`). */
  confirm: (call: DialRequest, sink: CallSink) => Promise<Handoff | undefined>;
  /** Base URL Twilio reaches us at: the signature covers the full callback URL. */
  publicUrl: string;
}

export type TwilioStatusService = ReturnType<typeof twilioStatusService>;

const invalid = (field: string, message: string) =>
  new ApiError('validation_error', `${field} ${message}.`, {
    errors: [{ path: `/${field}`, message, in: 'body' }],
  });

/**
 * Twilio's status callbacks. One is trusted only with a valid `X-Twilio-Signature` made with the
 * auth token of the business that owns the call; anything else gets the same 403, so the route
 * tells a stranger nothing about which calls exist. Even a signed one proves only that the
 * business's own token signed it, and the business is the one billed: so its values are bounded,
 * and a final status (the one that bills) is taken from Twilio's REST API, not from the form.
 */
export function twilioStatusService(deps: TwilioStatusDeps) {
  return {
    async report(
      callId: string,
      params: Record<string, string>,
      signature: string | undefined,
    ): Promise<void> {
      const refused = new ApiError('invalid_signature');
      if (typeof signature !== 'string' || !isId('call', callId)) throw refused;
      const call = await deps.findCall(callId);
      if (call?.provider !== 'twilio') throw refused;
      const credentials = await deps.credentials(call.business_id);
      if (!credentials) throw refused;
      const twilio = await loadTwilio();
      const url = `${deps.publicUrl}${TWILIO_STATUS_PATH}/${callId}`;
      if (!twilio.validateRequest(credentials.authToken, signature, url, params)) throw refused;
      if (params.AccountSid !== credentials.accountSid) throw refused;

      const sid = params.CallSid ?? '';
      if (!CALL_SID.test(sid)) throw invalid('CallSid', 'is not a Twilio call SID');
      const status = params.CallStatus ?? '';
      if (!(TWILIO_STATUSES as readonly string[]).includes(status)) {
        throw invalid('CallStatus', 'is not a Twilio call status');
      }
      if (
        params.CallDuration !== undefined &&
        parseTwilioDuration(params.CallDuration) === undefined
      ) {
        throw invalid('CallDuration', 'must be whole seconds from 0 to 86400');
      }
      // About another call leg, or about a call not dialled yet (Twilio cannot know it): ignore.
      if (call.provider_call_id && sid !== call.provider_call_id) return;
      if (call.status === 'queued') return;

      const sink = deps.lifecycle.sinkFor(call.id);
      if (!call.provider_call_id) await sink.placed(sid);
      if (TWILIO_FINAL_STATUSES.includes(status)) {
        // What the call cost is Twilio's word, not the form's: fetch it. If Twilio cannot be
        // asked now, the dispatcher asks again when the call's recheck comes due.
        const current = (await deps.findCall(callId)) ?? call;
        try {
          await deps.confirm(toDialRequest(current), sink);
        } catch (error) {
          throw new ApiError('service_unavailable', 'Twilio could not be asked about the call.', {
            cause: error,
          });
        }
        return;
      }
      // A time that does not parse is "now"; the lifecycle keeps it after the dial and not ahead.
      const at = params.Timestamp ? new Date(params.Timestamp) : new Date();
      await applyTwilioReport(toDialRequest(call), sink, {
        status,
        at: Number.isNaN(at.getTime()) ? new Date() : at,
      });
    },
  };
}
