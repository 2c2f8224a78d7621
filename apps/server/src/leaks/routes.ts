import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { originOf } from '../auth/actor.js';
import { ApiError } from '../http/errors.js';
import { routeGroup } from '../http/route-kit.js';
import { pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { NoticeParams, NoticeSchema, NoticesQuery, ReportLabelSchema } from './schemas.js';
import type { LeakService } from './service.js';

export const GITHUB_SCANNING_PATH = '/api/v1/secret-scanning/github';
/** A partner's report may list many tokens; nothing else in the API takes this much. */
const REPORT_LIMIT = 1024 * 1024;
const JSON_TYPE = 'application/json';
const userManagementRoute = routeGroup('Notices', { access: 'userManagement' });

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function registerLeakRoutes(app: App, deps: { leaks: LeakService }): void {
  const { leaks } = deps;

  app.get(
    '/api/v1/user/notices',
    userManagementRoute({
      summary: 'Notices for the account, newest first (a leaked key, until dismissed)',
      querystring: NoticesQuery,
      response: { 200: pageOf(NoticeSchema) },
    }),
    async (request) => leaks.listNotices(request.principal.userId, request.query),
  );

  app.post(
    '/api/v1/user/notices/:noticeId/dismiss',
    userManagementRoute({
      summary: 'Dismiss a notice (the dashboard stops showing it)',
      params: NoticeParams,
      response: { 200: NoticeSchema },
    }),
    async (request) => leaks.dismiss(request.principal.userId, request.params.noticeId),
  );

  // The signature covers the exact bytes GitHub sent, so this scope keeps the body raw (a
  // Buffer) and is the only place that takes one this large.
  app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', async (request) => {
      if (!leaks.partnerEnabled) throw new ApiError('not_found');
      const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
      if (type !== JSON_TYPE) {
        throw new ApiError(
          'unsupported_media_type',
          `Secret scanning reports are sent as ${JSON_TYPE}.`,
        );
      }
    });
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      JSON_TYPE,
      { parseAs: 'buffer', bodyLimit: REPORT_LIMIT },
      (_request, body, done) => done(null, body),
    );
    scope.post(
      GITHUB_SCANNING_PATH,
      {
        config: { access: 'public' },
        bodyLimit: REPORT_LIMIT,
        schema: { hide: true, response: { 200: Type.Array(ReportLabelSchema) } },
      },
      async (request) =>
        leaks.partnerReport(
          Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          {
            identifier: header(request.headers['github-public-key-identifier']),
            signature: header(request.headers['github-public-key-signature']),
          },
          originOf(request),
        ),
    );
  });
}
