import { canReachBusiness, type Principal } from '../auth/principal.js';
import { isoTime } from '../conversations/service.js';
import { ApiError } from '../http/errors.js';
import { pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { BillingSchema, UsageQuery, UsageRecordSchema } from './schemas.js';
import type { BillingService } from './service.js';

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
