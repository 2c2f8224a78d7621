import { ApiError } from '../http/errors.js';
import { isId } from '../ids.js';
import {
  applyTwilioReport,
  loadTwilio,
  TWILIO_STATUS_PATH,
  type TwilioCredentials,
} from '../telephony/twilio.js';
import type { CallLifecycle } from './lifecycle.js';
import type { CallRow } from './views.js';
import { toDialRequest } from './views.js';

export interface TwilioStatusDeps {
  findCall: (callId: string) => Promise<CallRow | undefined>;
  credentials: (businessId: string) => Promise<TwilioCredentials | undefined>;
  lifecycle: Pick<CallLifecycle, 'sinkFor'>;
  /** Base URL Twilio reaches us at: the signature covers the full callback URL. */
  publicUrl: string;
}

export type TwilioStatusService = ReturnType<typeof twilioStatusService>;

/**
 * Twilio's status callbacks. One is trusted only with a valid `X-Twilio-Signature` made with the
 * auth token of the business that owns the call; anything else gets the same 403, so the route
 * tells a stranger nothing about which calls exist.
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
      // Signed by the right account but about another call leg: nothing to do.
      if (call.provider_call_id && params.CallSid !== call.provider_call_id) return;

      const sink = deps.lifecycle.sinkFor(call.id);
      if (!call.provider_call_id && params.CallSid) await sink.placed(params.CallSid);
      const at = params.Timestamp ? new Date(params.Timestamp) : new Date();
      await applyTwilioReport(toDialRequest(call), sink, {
        status: params.CallStatus ?? '',
        durationSeconds: Number(params.CallDuration ?? 0) || 0,
        at: Number.isNaN(at.getTime()) ? new Date() : at,
      });
    },
  };
}
