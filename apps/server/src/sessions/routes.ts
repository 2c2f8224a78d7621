import type { FastifyReply, FastifyRequest } from 'fastify';
import { originOf } from '../auth/actor.js';
import { SESSION_COOKIE, SESSION_TTL_MS } from '../auth/session-tokens.js';
import { problemResponse } from '../http/openapi.js';
import { NoContent } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { LoginBody, SessionSchema, SignupBody } from './schemas.js';
import type { SessionService, StartedSession } from './service.js';

export interface SessionRouteDeps {
  sessions: SessionService;
  /** Production: the cookie is `Secure` even when TLS ends at a proxy we were not told about. */
  alwaysSecureCookie: boolean;
}

const tags = ['Dashboard session'];

export function registerSessionRoutes(app: App, deps: SessionRouteDeps): void {
  const { sessions, alwaysSecureCookie } = deps;

  function answer(request: FastifyRequest, reply: FastifyReply, started: StartedSession) {
    reply.setCookie(SESSION_COOKIE, started.cookie, {
      httpOnly: true,
      sameSite: 'lax',
      secure: alwaysSecureCookie || request.protocol === 'https',
      path: '/',
      maxAge: SESSION_TTL_MS / 1000,
    });
    return { user: started.user, csrfToken: started.csrfToken };
  }

  app.post(
    '/auth/signup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Create an account and start a session',
        body: SignupBody,
        response: {
          201: SessionSchema,
          409: problemResponse('`email_taken`: an account with this email already exists.'),
          429: problemResponse('Too many signups from this address; see `Retry-After`.'),
        },
      },
    },
    async (request, reply) => {
      const started = await sessions.signup(request.body, originOf(request));
      return reply.code(201).send(answer(request, reply, started));
    },
  );

  app.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Log in and start a session',
        body: LoginBody,
        response: {
          200: SessionSchema,
          401: problemResponse('`invalid_credentials`: wrong email or password.'),
          403: problemResponse('`user_disabled`: the account is disabled.'),
          429: problemResponse('Too many failed logins; see `Retry-After`.'),
        },
      },
    },
    async (request, reply) =>
      answer(request, reply, await sessions.login(request.body, originOf(request))),
  );

  app.post(
    '/auth/logout',
    {
      config: { access: 'session' },
      schema: { tags, summary: 'End the session', response: { 204: NoContent } },
    },
    async (request, reply) => {
      if (request.principal.sessionId) await sessions.logout(request.principal.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/session',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'The current session',
        response: {
          200: SessionSchema,
          401: problemResponse('`invalid_credentials`: wrong email or password.'),
          403: problemResponse('`user_disabled`: the account is disabled.'),
          429: problemResponse('Too many failed logins; see `Retry-After`.'),
        },
      },
    },
    async (request) =>
      sessions.current(request.principal.userId, request.principal.sessionId ?? ''),
  );
}
