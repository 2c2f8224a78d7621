import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { actorOf } from '../auth/principal.js';
import { BusinessParams } from '../businesses/routes.js';
import type { CallLifecycle } from '../calls/lifecycle.js';
import { findCallById } from '../calls/repo.js';
import { PhoneNumber, stringEnum } from '../calls/schemas.js';
import { checkPhoneNumber } from '../calls/service.js';
import type { Store } from '../db/connect.js';
import { ApiError } from '../http/errors.js';
import { NullableTimestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { isId } from '../ids.js';
import type { TelephonyService } from './service.js';
import { applyTwilioReport, loadTwilio, TWILIO_STATUS_PATH } from './twilio.js';

export const TelephonySchema = Type.Object(
  {
    provider: stringEnum(['simulator', 'twilio'] as const),
    accountSid: Type.Union([Type.String(), Type.Null()], { description: 'Twilio account SID.' }),
    fromNumber: Type.Union([Type.String(), Type.Null()], {
      description: 'Caller id of new calls that name none.',
    }),
    updatedAt: NullableTimestamp,
  },
  { title: 'Telephony', description: 'The auth token is write-only: it is never returned.' },
);
export type Telephony = Static<typeof TelephonySchema>;

const SimulatorSettings = Type.Object(
  { provider: Type.Literal('simulator') },
  {
    additionalProperties: false,
    title: 'Simulator',
    description: 'The built-in sandbox carrier: no account needed.',
  },
);
const TwilioSettings = Type.Object(
  {
    provider: Type.Literal('twilio'),
    accountSid: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$', examples: [`AC${'0'.repeat(32)}`] }),
    authToken: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 256,
        description: 'Stored encrypted, never shown again; may be omitted to keep the stored one.',
      }),
    ),
    fromNumber: PhoneNumber,
  },
  {
    additionalProperties: false,
    title: 'Twilio',
    description: 'Calls through your Twilio account.',
  },
);

export const PutTelephonyBody = Type.Unsafe<
  Static<typeof SimulatorSettings> | Static<typeof TwilioSettings>
>({
  type: 'object',
  discriminator: { propertyName: 'provider' },
  required: ['provider'],
  oneOf: [SimulatorSettings, TwilioSettings],
});

const tags = ['Telephony'];

export interface TelephonyRouteDeps {
  telephony: TelephonyService;
  lifecycle: Pick<CallLifecycle, 'sinkFor'>;
  store: Store;
  publicUrl: string;
}

export function registerTelephonyRoutes(app: App, deps: TelephonyRouteDeps): void {
  const { telephony } = deps;

  app.get(
    '/api/v1/businesses/:businessId/telephony',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Which carrier places this business’s calls',
        params: BusinessParams,
        response: { 200: TelephonySchema },
      },
    },
    async (request) => telephony.get(request.business.id),
  );

  app.put(
    '/api/v1/businesses/:businessId/telephony',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Choose the carrier: the simulator, or Twilio with your account',
        description:
          'New calls use the new carrier. Switching to the simulator deletes the stored Twilio credentials, so Twilio calls still in flight then end as failed.',
        params: BusinessParams,
        body: PutTelephonyBody,
        response: { 200: TelephonySchema },
      },
    },
    async (request) => {
      const body = request.body;
      const input =
        body.provider === 'twilio'
          ? { ...body, fromNumber: checkPhoneNumber(body.fromNumber, '/fromNumber') }
          : body;
      return telephony.put(request.business, input, actorOf(request.principal));
    },
  );

  // Twilio posts forms, which no /api/v1 route accepts: the parser lives in this scope only.
  app.register(async (scope: FastifyInstance) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    scope.post<{ Params: { callId: string }; Body: Record<string, string> }>(
      `${TWILIO_STATUS_PATH}/:callId`,
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        await handleTwilioStatus(deps, request.params.callId, request.body ?? {}, request.headers);
        return reply.code(204).send();
      },
    );
  });
}

/**
 * A Twilio status callback. It is trusted only with a valid `X-Twilio-Signature` made with the
 * auth token of the business that owns the call; anything else gets the same 403, so the route
 * tells a stranger nothing about which calls exist.
 */
async function handleTwilioStatus(
  deps: TelephonyRouteDeps,
  callId: string,
  params: Record<string, string>,
  headers: Record<string, string | string[] | undefined>,
): Promise<void> {
  const refused = new ApiError('invalid_signature');
  const signature = headers['x-twilio-signature'];
  if (typeof signature !== 'string' || !isId('call', callId)) throw refused;
  const call = await findCallById(deps.store.db, callId);
  if (call?.provider !== 'twilio') throw refused;
  const credentials = await deps.telephony.twilioCredentials(call.business_id);
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
  await applyTwilioReport(call, sink, {
    status: params.CallStatus ?? '',
    durationSeconds: Number(params.CallDuration ?? 0) || 0,
    at: Number.isNaN(at.getTime()) ? new Date() : at,
  });
}
