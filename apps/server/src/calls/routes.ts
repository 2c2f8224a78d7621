import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '../http/errors.js';
import { problemResponse } from '../http/openapi.js';
import { PhoneNumber } from '../http/phone-number.js';
import { BusinessParams, businessChildParams } from '../http/route-kit.js';
import { PageQuery, pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { TWILIO_STATUS_PATH } from '../telephony/twilio.js';
import { CallSchema, CallStatusSchema, CreateCallBody } from './schemas.js';
import type { CallService } from './service.js';
import type { TwilioStatusService } from './twilio-status.js';

const CallParams = businessChildParams('callId');

const ListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(CallStatusSchema),
  agentId: Type.Optional(Type.String({ maxLength: 64 })),
  to: Type.Optional(PhoneNumber),
});

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'Any unique string (a UUID): the same key with the same body within 24 hours returns the first call (200, `Idempotent-Replayed: true`) instead of placing another; with another body, 422.',
    }),
  ),
});

const tags = ['Calls'];
const FORM = 'application/x-www-form-urlencoded';

export function registerCallRoutes(
  app: App,
  deps: { calls: CallService; twilioStatus: TwilioStatusService },
): void {
  const { calls, twilioStatus } = deps;

  app.get(
    '/api/v1/businesses/:businessId/calls',
    {
      config: { access: 'business', resource: 'calls' },
      schema: {
        tags,
        summary: 'List calls, newest first',
        params: BusinessParams,
        querystring: ListQuery,
        response: { 200: pageOf(CallSchema) },
      },
    },
    async (request) => calls.list(request.business.id, request.query),
  );

  app.post(
    '/api/v1/businesses/:businessId/calls',
    {
      config: { access: 'business', resource: 'calls' },
      schema: {
        tags,
        summary: 'Trigger an outbound call',
        description:
          'The call is stored before this answers 201 with status `queued`; a dispatcher then places it. Answers 402 when the account has no call credit left.',
        params: BusinessParams,
        headers: IdempotencyHeaders,
        body: CreateCallBody,
        response: {
          201: CallSchema,
          200: { ...CallSchema, description: 'A replay: the call first made with this key.' },
          402: problemResponse('The account has no call credit left.'),
          422: problemResponse('This Idempotency-Key was used with another body.'),
        },
      },
    },
    async (request, reply) => {
      const { call, replayed } = await calls.create(
        request.business,
        request.body,
        request.headers['idempotency-key'],
      );
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(replayed ? 200 : 201).send(call);
    },
  );

  app.get(
    '/api/v1/businesses/:businessId/calls/:callId',
    {
      config: { access: 'business', resource: 'calls' },
      schema: {
        tags,
        summary: 'Get a call',
        params: CallParams,
        response: { 200: CallSchema },
      },
    },
    async (request) => calls.get(request.business.id, request.params.callId),
  );

  app.post(
    '/api/v1/businesses/:businessId/calls/:callId/cancel',
    {
      config: { access: 'business', resource: 'calls' },
      schema: {
        tags,
        summary: 'Cancel a call that was not answered yet (409 once it was)',
        params: CallParams,
        response: {
          200: CallSchema,
          409: problemResponse('The call was already answered or ended.'),
        },
      },
    },
    async (request) => calls.cancel(request.business, request.params.callId),
  );

  // Twilio posts forms, which no /api/v1 route accepts: the parser lives in this scope only, and
  // it is the only body this scope takes (a JSON callback did not come from Twilio).
  app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', async (request) => {
      const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
      if (type !== FORM) {
        throw new ApiError(
          'unsupported_media_type',
          `Twilio status callbacks are sent as ${FORM}.`,
        );
      }
    });
    scope.addContentTypeParser(
      FORM,
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    scope.post<{ Params: { callId: string }; Body: Record<string, string> }>(
      `${TWILIO_STATUS_PATH}/:callId`,
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const signature = request.headers['x-twilio-signature'];
        await twilioStatus.report(
          request.params.callId,
          request.body ?? {},
          typeof signature === 'string' ? signature : undefined,
        );
        return reply.code(204).send();
      },
    );
  });
}
