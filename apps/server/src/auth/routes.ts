import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { NoContent } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { UserSchema } from '../users/schemas.js';
import { toUserView, type UserService } from '../users/service.js';
import { throttled } from './guard.js';
import type { Throttle } from './rate-limit.js';
import { SESSION_COOKIE, SESSION_TTL_MS, type SessionTokens } from './session-tokens.js';
import { deleteSession, insertSession } from './sessions-repo.js';

export const SessionSchema = Type.Object({
  user: UserSchema,
  csrfToken: Type.String({
    description: 'Send as the `X-CSRF-Token` header on every non-GET request of this session.',
  }),
});

const Email = Type.String({ format: 'email', maxLength: 254, examples: ['ada@example.com'] });

const SignupBody = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: 8, maxLength: 256, description: 'At least 8 characters.' }),
    name: Type.String({ minLength: 1, maxLength: 100, examples: ['Ada Lovelace'] }),
  },
  { additionalProperties: false },
);

const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);

export interface AuthRouteDeps {
  db: Kysely<Database>;
  users: UserService;
  sessionTokens: SessionTokens;
  /** Production: the cookie is `Secure` even when TLS ends at a proxy we were not told about. */
  alwaysSecureCookie: boolean;
  throttles: {
    loginByEmail: Throttle;
    loginByIp: Throttle;
    signupByIp: Throttle;
    signupByEmail: Throttle;
  };
}

const tags = ['Dashboard session'];

export function registerAuthRoutes(app: App, deps: AuthRouteDeps): void {
  const { db, users, sessionTokens, throttles, alwaysSecureCookie } = deps;

  async function startSession(request: FastifyRequest, reply: FastifyReply, userId: string) {
    const { cookie, sessionId } = sessionTokens.issue();
    const now = Date.now();
    await insertSession(db, {
      id: sessionId,
      user_id: userId,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + SESSION_TTL_MS).toISOString(),
    });
    reply.setCookie(SESSION_COOKIE, cookie, {
      httpOnly: true,
      sameSite: 'lax',
      secure: alwaysSecureCookie || request.protocol === 'https',
      path: '/',
      maxAge: SESSION_TTL_MS / 1000,
    });
    return sessionTokens.csrfTokenFor(sessionId);
  }

  app.post(
    '/auth/signup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Create an account and start a session',
        body: SignupBody,
        response: { 201: SessionSchema },
      },
    },
    async (request, reply) => {
      // Per address and per email: 409 email_taken stays (the dashboard's clear message), so
      // these budgets are what keeps it from being an account-enumeration oracle (SECURITY.md).
      const byIp = await throttles.signupByIp.consume(request.ip);
      if (!byIp.allowed) throw throttled(byIp);
      const byEmail = await throttles.signupByEmail.consume(
        request.body.email.trim().toLowerCase(),
      );
      if (!byEmail.allowed) throw throttled(byEmail);
      const user = await users.create(request.body, 'session');
      const csrfToken = await startSession(request, reply, user.id);
      return reply.code(201).send({ user: toUserView(user), csrfToken });
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
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      const email = request.body.email.trim().toLowerCase();
      // Reserve the attempt before the password check: checking the budget first and spending
      // after let every concurrent request pass the check (120 parallel guesses, none refused).
      const byEmail = await throttles.loginByEmail.consume(email);
      if (!byEmail.allowed) throw throttled(byEmail);
      const byIp = await throttles.loginByIp.consume(request.ip);
      if (!byIp.allowed) {
        await throttles.loginByEmail.refund(email);
        throw throttled(byIp);
      }
      const user = await users.checkPassword(email, request.body.password);
      if (!user) throw new ApiError('invalid_credentials');
      // The right password is not a failed attempt: give both reservations back (a success also
      // clears the email's earlier typos, as before).
      await throttles.loginByEmail.reset(email);
      await throttles.loginByIp.refund(request.ip);
      if (user.disabled === 1) throw new ApiError('user_disabled');
      const csrfToken = await startSession(request, reply, user.id);
      return { user: toUserView(user), csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { access: 'session' },
      schema: { tags, summary: 'End the session', response: { 204: NoContent } },
    },
    async (request, reply) => {
      if (request.principal.sessionId) await deleteSession(db, request.principal.sessionId);
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
        response: { 200: SessionSchema },
      },
    },
    async (request) => {
      const user = await users.get(request.principal.userId);
      return {
        user: toUserView(user),
        csrfToken: sessionTokens.csrfTokenFor(request.principal.sessionId ?? ''),
      };
    },
  );
}
