import { type Static, Type } from 'typebox';
import { canReachBusiness, type Principal } from '../auth/principal.js';
import { stringEnum } from '../calls/schemas.js';
import { isoTime } from '../conversations/service.js';
import { ApiError } from '../http/errors.js';
import { idOf, PageQuery, pageOf, Timestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { BillingService } from './service.js';

export const BillingSchema = Type.Object(
  {
    plan: stringEnum(['free', 'prepaid'] as const, {
      description: '`free` until an operator adds credit, then `prepaid`.',
    }),
    creditMinutes: Type.Integer({
      description: 'Call minutes left. Calls are refused (402) once it reaches 0.',
    }),
    currentPeriod: Type.Object(
      {
        start: Timestamp,
        end: Timestamp,
        calls: Type.Integer({ description: 'Completed calls billed in the period.' }),
        minutes: Type.Integer({ description: 'Billed minutes (each call rounded up).' }),
        seconds: Type.Integer({ description: 'Talk time in seconds.' }),
      },
      { description: 'The calendar month (UTC) so far.' },
    ),
  },
  { title: 'Billing' },
);
export type Billing = Static<typeof BillingSchema>;

export const UsageRecordSchema = Type.Object(
  {
    callId: idOf('call'),
    businessId: idOf('biz'),
    conversationId: idOf('conv'),
    durationSeconds: Type.Integer(),
    minutes: Type.Integer({ description: 'Billed minutes: the duration rounded up.' }),
    endedAt: Timestamp,
  },
  { title: 'UsageRecord' },
);

const Time = (description: string) => Type.String({ format: 'date-time', description });

const UsageQuery = Type.Object({
  ...PageQuery,
  businessId: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(Time('Only calls that ended at or after this time.')),
  to: Type.Optional(Time('Only calls that ended before this time.')),
});

const tags = ['Billing'];

/** Billing is account-wide: a key restricted to some businesses must not see all of it. */
function requireAccountWide(principal: Principal): void {
  if (principal.businessScope.type === 'restricted') {
    throw new ApiError(
      'unrestricted_key_required',
      'This API key is restricted to some businesses; account-wide billing needs a session or an unrestricted key.',
    );
  }
}

export function registerBillingRoutes(app: App, deps: { billing: BillingService }): void {
  const { billing } = deps;

  app.get(
    '/api/v1/user/billing',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Plan, call credit and this period’s usage (a restricted key: 403)',
        response: { 200: BillingSchema },
      },
    },
    async (request) => {
      requireAccountWide(request.principal);
      return billing.summary(request.principal.userId);
    },
  );

  app.get(
    '/api/v1/user/usage',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary:
          'Usage records, one per completed call, newest first (a restricted key: its businesses)',
        querystring: UsageQuery,
        response: { 200: pageOf(UsageRecordSchema) },
      },
    },
    async (request) => {
      const { limit, cursor, businessId, from, to } = request.query;
      const { businessScope } = request.principal;
      if (businessId && !canReachBusiness(request.principal, businessId)) {
        throw new ApiError('business_access_denied');
      }
      return billing.usage(request.principal.userId, {
        limit: limit ?? 20,
        cursor,
        businessId,
        // A restricted key sees the usage of its own businesses only.
        businessIds: businessScope.type === 'restricted' ? businessScope.businessIds : undefined,
        from: from ? isoTime(from, 'from') : undefined,
        to: to ? isoTime(to, 'to') : undefined,
      });
    },
  );
}
