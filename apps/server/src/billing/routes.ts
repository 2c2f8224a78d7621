import { isoTime } from '../conversations/service.js';
import { pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { BillingSchema, UsageQuery, UsageRecordSchema } from './schemas.js';
import type { BillingService } from './service.js';

const tags = ['Billing'];

export function registerBillingRoutes(app: App, deps: { billing: BillingService }): void {
  const { billing } = deps;

  app.get(
    '/api/v1/user/billing',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Plan, call credit and this period’s usage',
        response: { 200: BillingSchema },
      },
    },
    async (request) => billing.summary(request.principal.userId),
  );

  app.get(
    '/api/v1/user/usage',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Usage records, one per completed call, newest first',
        querystring: UsageQuery,
        response: { 200: pageOf(UsageRecordSchema) },
      },
    },
    async (request) => {
      const { limit, cursor, businessId, from, to } = request.query;
      return billing.usage(request.principal.userId, {
        limit: limit ?? 20,
        cursor,
        businessId,
        from: from ? isoTime(from, 'from') : undefined,
        to: to ? isoTime(to, 'to') : undefined,
      });
    },
  );
}
