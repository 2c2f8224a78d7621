import { routeGroup } from '../http/route-kit.js';
import { pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { BillingSchema, UsageQuery, UsageRecordSchema } from './schemas.js';
import type { BillingService } from './service.js';

const accountWideRoute = routeGroup('Billing', { access: 'accountWide' });
const userManagementRoute = routeGroup('Billing', { access: 'userManagement' });

export function registerBillingRoutes(app: App, deps: { billing: BillingService }): void {
  const { billing } = deps;

  app.get(
    '/api/v1/user/billing',
    accountWideRoute({
      summary: 'Plan, call credit and this period’s usage (a restricted key: 403)',
      response: { 200: BillingSchema },
    }),
    async (request) => billing.summary(request.principal.userId),
  );

  app.get(
    '/api/v1/user/usage',
    userManagementRoute({
      summary:
        'Usage records, one per completed call, newest first (a restricted key: its businesses)',
      querystring: UsageQuery,
      response: { 200: pageOf(UsageRecordSchema) },
    }),
    async (request) => billing.usage(request.principal, request.query),
  );
}
