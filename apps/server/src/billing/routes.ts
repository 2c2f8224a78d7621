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
      config: { access: 'accountWide' },
      schema: {
        tags,
        summary: 'Plan, call credit and this period’s usage (a restricted key: 403)',
        response: { 200: BillingSchema },
      },
    },
    async (request) => billing.summary(request.principal.userId),
  );

  app.get(
    '/api/v1/user/usage',
    {
      config: { access: 'userManagement' },
      schema: {
        tags,
        summary:
          'Usage records, one per completed call, newest first (a restricted key: its businesses)',
        querystring: UsageQuery,
        response: { 200: pageOf(UsageRecordSchema) },
      },
    },
    async (request) => billing.usage(request.principal, request.query),
  );
}
